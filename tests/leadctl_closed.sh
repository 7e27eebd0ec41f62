#!/usr/bin/env bash
# Closed values and stages tied to life-cycle states (issue 10 item 15):
# milestones, statuses and stages are closed won or lost, the funnel counts
# no move into a lost state as progress, and the Won stage of a deals model
# is reached only with the win action, on every path.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=support/cli.sh
source "$here/support/cli.sh"
cli_start "$1"
src=$2
later=$(date -u -d '+30 days' +%F)

# The vocabulary: model show, check and export say the kind.
expect 0 "sold +Sold \[closed won\]" model show leadmanager
expect 0 "not_interested +Not Interested \[closed lost\]" model show leadmanager
expect 0 "Milestone Not Interested is closed lost: reaching it is no progress" model show leadmanager
expect 0 '"key":"customer".*"closed":"won"' model show leadmanager --json
expect 0 '"closed": "won"' model export leadmanager
refute '"won", "closed"' model export leadmanager
expect 0 "Stage Won is held only in the life-cycle state Won" model show "$src/examples/models/deals.json"
expect 0 "closed won.*only when Won" model dot "$src/examples/models/deals.json"
cat >bad.json <<'JSON'
{"format": 1, "name": "bad", "version": 1,
 "actions": [{"label": "Call", "closed": "won"}],
 "statuses": [{"label": "Gone", "closed": "maybe"}]}
JSON
expect 3 'bad.json:2:32: field "closed" is not allowed on actions' model check bad.json
expect 3 'bad.json:3:43: "closed" of status "Gone" is "maybe"; a closed value is "won" or "lost"' model check bad.json

# The funnel: a move into Not Interested is no progress, into Sold it is.
expect 0 "created" --db lm.db init --model leadmanager
for n in A B C; do expect 0 "added lead" --db lm.db lead add --name $n; done
for id in 1 2 3; do expect 0 "milestone contacted" --db lm.db dispose $id --action call --milestone contacted --status "Follow Up" --follow-up "$later"; done
expect 0 "milestone not_interested" --db lm.db dispose 2 --action call --milestone "Not Interested" --status "Not Interested"
expect 0 "milestone sold" --db lm.db dispose 3 --action meeting --milestone Sold --status Customer
expect 0 '"milestone":"contacted","count":3,"advanced":1,' --db lm.db report funnel --json
expect 0 '"id":2' --db lm.db lead list --flag closed,lost --json
refute '"id":(1|3)' --db lm.db lead list --flag closed,lost --json
expect 0 '"id":3' --db lm.db lead list --flag closed,won --json

# A stage tied to the won state: every path that would put a lead there
# without the win action is refused, naming the rule and the field.
expect 0 "created" --db d.db init --model "$src/examples/models/deals.json"
expect 0 "added lead 1" --db d.db lead add --name Acme
expect 0 "stage engaging" --db d.db dispose 1 --action engage --stage engaging
expect 1 'combination_not_allowed stage: The stage Won is held only in the life-cycle states it lists \("lifecycles"\), and the lead would be in Open; reach it with the action Win Lead \(key win_lead\)' --db d.db dispose 1 --action lead_update --stage won
expect 1 "the new lead's state is invalid: The stage Won is held only" --db d.db lead add --name Bolt --stage won
expect 0 "stage won" --db d.db dispose 1 --action win_lead --stage won
expect 0 '"status":"won"' --db d.db lead show 1 --json
# the Lost stage, likewise, needs the lose action
expect 0 "added lead 2" --db d.db lead add --name Bolt
expect 0 "stage engaging" --db d.db dispose 2 --action engage --stage engaging
expect 1 "combination_not_allowed stage: The stage Lost is held only .*Lose Lead \(key lose_lead\)" --db d.db dispose 2 --action lead_update --stage lost
expect 0 "status lost, stage lost" --db d.db dispose 2 --action lose_lead --reason price --stage lost
# an import row is judged the same way
printf 'Id,Stage\nx1,won\n' >rows.csv
cat >map.json <<'JSON'
{"format": 1, "fields": {"external_id": "Id"},
 "dispositions": [{"action": "lead_update", "stage": {"column": "Stage"}}]}
JSON
expect 1 "The stage Won is held only" --db d.db import rows.csv --mapping map.json

# A model version that ties the stages judges the leads a looser one let in:
# the dry run and lead list --invalid name them, and they take no new note
# until the stage and the state fit.
python3 -c "import json; d=json.load(open('$src/examples/models/deals.json')); d['version']=1; [s.pop('lifecycles', None) for s in d['stages']]; json.dump(d, open('v1.json', 'w'))"
expect 0 "created" --db v.db init --model v1.json
expect 0 "added lead 1" --db v.db lead add --name Loose
expect 0 "stage engaging" --db v.db dispose 1 --action engage --stage engaging
expect 0 "stage won" --db v.db dispose 1 --action lead_update --stage won
expect 0 "combination_not_allowed stage\+lifecycle = won\+open" --db v.db model install "$src/examples/models/deals.json" --dry-run
expect 0 "1 invalid" --db v.db model install "$src/examples/models/deals.json"
expect 0 "Loose" --db v.db lead list --invalid
expect 1 "combination_not_allowed stage: The stage Won is held only" --db v.db dispose 1 --action lead_update --note "called"
expect 0 "status won, stage won" --db v.db dispose 1 --action win_lead

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "leadctl closed values: all passed"
