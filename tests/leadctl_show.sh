#!/usr/bin/env bash
# What leadctl shows of a model and a lead (issue 10 items 4, 7 and 16): the
# links both ways ("All statuses"), the store's own model with --db, lead list
# filters by label and alias, lead show and history in words a person reads.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=support/cli.sh
source "$here/support/cli.sh"
cli_start "$1"

# A copy of a preset with a Python edit of its JSON (d is the model).
model_edit() {
  "$leadctl" model export "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); $3; json.dump(d, sys.stdout)" >"$2"
}

# Item 4 (seed 000): a milestone that links no status says "All statuses"; the
# read-only right-hand column gives each status the milestones it goes with.
model_edit leadmanager v2.json "d['version']=2; d['milestones'].append({'key':'cancelled','label':'Cancelled'}); [s.setdefault('aliases', ['Call Back']) for s in d['statuses'] if s['key']=='follow_up']"
expect 0 "^  Cancelled +All statuses\$" model show v2.json
expect 0 "^  No Milestone +New, Attempted Contact, Bad Phone Number, Do Not Call Number\$" model show v2.json
expect 0 "^  Customer +Sold, Cancelled\$" model show v2.json
refute "All statuses" model show leadmanager
expect 0 '"cancelled":"all"\}' model show v2.json --json

# Item 16: with --db, show, export and dot read the store's model, not the
# preset; a --db that names no store is an error, never the preset.
expect 0 "created" init --model v2.json
expect 0 "^leadmanager, version 2\$" --db leads.db model show
expect 0 '"version": 2,' --db leads.db model export
expect 0 '"milestone:cancelled"' --db leads.db model dot
expect 0 "^leadmanager, version 1\$" --db leads.db model show leadmanager
expect 4 "no store at nosuch.db" --db nosuch.db model show
expect 4 "no store at nosuch.db" --db nosuch.db model export
[ ! -e nosuch.db ] || { echo "FAIL: model show created nosuch.db"; failures=$((failures + 1)); }

# Item 16: lead list filters take keys, labels and aliases; an unknown value is
# refused naming the field (exit 2), never an empty list.
expect 0 "added lead 1" lead add --name A --milestone contacted --status "Follow Up" --follow-up 2099-01-01
expect 0 "added lead 2" lead add --name B
expect 0 '^\{"leads":\[\{"id":1,' lead list --status "Follow Up" --json
expect 0 '^\{"leads":\[\{"id":1,' lead list --status "call back" --json
expect 0 '^\{"leads":\[\{"id":1,' lead list --milestone Contacted --json
expect 0 '^\{"leads":\[\{"id":2,' lead list --milestone "NO MILESTONE" --json
expect 2 "^leadctl: lead list: lc_db_query: the query's condition: status 'Folow Up' is not in model leadmanager" lead list --status "Folow Up"
expect 2 "listed by 'lead list --invalid'" lead list --status "Folow Up"
expect 2 "^leadctl: lead list: lc_db_query: the query's condition: milestone 'Won' is not in model" lead list --milestone Won
expect 2 "condition: status 'Folow Up' is not in model" report pipeline --by milestone --status "Folow Up"
P="--db particle.db"
expect 0 "created" $P init --model particle
expect 0 "added lead 1" $P lead add --name P
expect 0 '^\{"leads":\[\{"id":1,' $P lead list --stage Enquiry --phase Lead --json
expect 2 "condition: stage 'Enquire' is not in model particle" $P lead list --stage Enquire

[ "$failures" = 0 ] && echo "leadctl show: all passed"
exit $((failures > 0))
