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

# Item 7 (seed 001): the "current / next status" at the top of a lead: the
# stage, the next stage the model gives, the follow-up planned with its
# action; item 16: the unit and agent by name, times with their distance
# from now. Dates are relative to now.
expect 0 "Maria" $P agent add Maria
expect 0 "East" $P unit add East
expect 0 "joined" $P unit join East Maria
expect 0 "assigned lead 1" $P lead assign 1 --unit East --agent Maria
soon=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
expect 0 "stage contact" $P dispose 1 --action call --outcome progressing --stage contact --follow-up "$soon"
expect 0 "^stage +Contact\$" $P lead show 1
expect 0 "^next stage +Engaged\$" $P lead show 1
expect 0 "^follow-up +Call on $soon \\(in (2d 23h|3d 00h)\\)\$" $P lead show 1
expect 0 "^unit +East \\(id 1\\)\$" $P lead show 1
expect 0 "^agent +Maria \\(id 1\\)\$" $P lead show 1
expect 0 "^created_at +[0-9T:-]+Z \\(age [0-9]+m\\)\$" $P lead show 1
expect 0 "^touched_at +[0-9T:-]+Z \\([0-9]+m ago\\)\$" $P lead show 1
expect 0 '"next_milestone":null,"next_stage":"engaged","follow_up_action":"call","unit_name":"East","agent_name":"Maria"' $P lead show 1 --json
expect 0 '"unit":1,"agent":1,' $P lead show 1 --json
expect 0 "added lead 2" $P lead add --name Q
for i in 1 2 3; do
  expect 0 "stage periodic_check_in" $P dispose 2 --action call --outcome progressing --stage periodic_check_in
done
expect 0 "^stage +Periodic Check-in 3\$" $P lead show 2
expect 0 "^next stage +Periodic Check-in 4\$" $P lead show 2
expect 0 "^follow-up +none\$" $P lead show 2
expect 0 "stage problem" $P dispose 2 --action call --outcome problem --reason not_genuine
expect 0 "^next stage +none\$" $P lead show 2
expect 0 '"next_stage":null' $P lead show 2 --json
# Item 7: the pipeline by stage gives a repeatable stage's entries (3 = 2 + 1).
expect 0 "added lead 3" $P lead add --name R
expect 0 "added lead 4" $P lead add --name S
for l in 3 3 4; do
  expect 0 "stage periodic_check_in" $P dispose $l --action call --outcome progressing --stage periodic_check_in
done
expect 0 "^Periodic Check-in +2 +3\$" $P report pipeline --by stage
expect 0 "^Contact +1 +-\$" $P report pipeline --by stage
expect 0 '\{"stage":"periodic_check_in","count":2,"entries":3\}' $P report pipeline --by stage --json
refute "entries" $P report pipeline --by phase

# Seed 000: the next milestone; a follow-up that has passed is overdue.
expect 0 "added lead 3" lead add --name C --milestone contacted --status "Follow Up" --follow-up "$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)"
sleep 3
expect 0 "^milestone +Contacted\$" lead show 3
expect 0 "^next milestone +Quoted\$" lead show 3
expect 0 "^status +Follow Up\$" lead show 3
expect 0 "^follow-up +[0-9T:-]+Z \\(overdue by 0m\\)\$" lead show 3

[ "$failures" = 0 ] && echo "leadctl show: all passed"
exit $((failures > 0))
