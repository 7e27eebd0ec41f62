#!/usr/bin/env bash
# A new user's mistakes on a fresh store: each message says what to do next,
# and each --help names what the command takes.
# usage: leadctl_newuser.sh LEADCTL
set -uo pipefail
. "$(dirname "$0")/support/cli.sh"
cli_start "$1"

# --help names every subcommand.
expect 0 'draw and install models' --help
expect 0 'model install NAME\|FILE' model --help
expect 2 'list, show, check, export, dot or install' model
expect 0 'lists and installs nothing\.' model install --help
expect 0 'owner_group, type, category, priority' report --help

# A typo in a subcommand is named as one; --db without its FILE says so.
expect 2 "lead: unknown subcommand 'shwo'; use add, show" lead shwo 1
expect 2 "--db needs a FILE" --db
expect 2 "agent: unknown subcommand 'ad'; use add" agent ad zoe
expect 2 "report pipeline: unexpected argument 'status'" report pipeline status
expect 0 'add, list, deactivate and activate agents' --help

expect 0 'created' init --model leadmanager
expect 2 'lead add needs a FIELD, such as --name X' lead add
expect 2 'lead add needs a FIELD' lead add --status new
expect 0 'added lead 1' lead add --name Ana --phone '+1 555 0100'

# lead list heads its columns.
expect 0 '^ +id +name +milestone +status or stage +version$' lead list

# A lead that is not there: say it is neither an id nor an external id, and
# how to see the leads.
expect 4 "no lead 99: no lead has the id 99 or the external id '99'; 'leadctl lead list'" \
  lead show 99
expect 4 "no lead with external id 'nobody'; 'leadctl lead list'" lead show nobody

# An edit without a field is refused, and writes no empty event.
expect 2 'lead edit needs a FIELD to change' lead edit 1
expect 0 '' history 1
if grep -q 'update' "$out"; then
  echo "FAIL: 'lead edit 1' without a field wrote an update event"
  failures=$((failures + 1))
fi

# A typo in a filter: point at the values, not only at --invalid.
expect 2 "'leadctl model show' lists the model's values" lead list --status hott
expect 2 "'leadctl model show' lists the model's values" report pipeline --status hott

# --by: the axes a report counts by, not action or reason.
expect 2 "'action' is not an axis a lead holds; use phase, .*priority" report pipeline --by action
expect 0 'Ana|-' report pipeline --by source

# The table shows durations, and its header does not say seconds.
expect 0 ' median +p90 +conversion' report funnel
refute '_seconds' report funnel
refute '_seconds' report overdue

# No agent yet: assign says so; an unknown agent says how to list them.
expect 0 'no active agent to assign to' assign
expect 2 "no agent named 'zoe'; 'leadctl agent list' lists them" worklist --agent zoe
expect 2 "'leadctl unit list' lists them" lead list --unit north

# Accepting a lead of a unit one is not a member of: how to join it.
expect 0 'added agent' agent add zoe
expect 0 'added unit' unit add east
expect 0 'assigned lead 1' lead assign 1 --unit east
expect 1 "'leadctl unit join UNIT AGENT' makes the agent a member" lead accept 1 --agent zoe

expect 0 'deactivated agent zoe' agent deactivate zoe
expect 0 "nothing to call for zoe on [0-9]{4}-[0-9]{2}-[0-9]{2} \\(inactive: 'leadctl agent activate NAME'" worklist --agent zoe
expect 0 "nothing to call for zoe on 2030-01-02 " worklist --agent zoe --now 2030-01-02T09:00:00Z

# import: why a file cannot be read; a file that is not the mapping's export.
printf '{"format": 1, "fields": {"external_id": "Prospect ID"}}\n' >map.json
expect 3 "cannot read 'missing.csv': No such file" import missing.csv --mapping map.json
printf 'a,b\n1,2\n' >other.csv
expect 3 'is the file the CSV export this mapping is for' import other.csv --mapping map.json

# model install --migrate to a value the new model lacks: refused before
# anything is installed.
expect 2 "status 'bogus'.*nothing installed" model install insurance --migrate status:new=bogus
"$leadctl" model show --json >"$out" 2>"$err"
if ! grep -q '"name": *"leadmanager"' "$out"; then
  echo "FAIL: a refused --migrate installed the model anyway"
  failures=$((failures + 1))
fi
# A model that is not valid JSON names the file once.
printf '{"format": 1,\n' >bad.json
expect 3 'bad.json:2' model install bad.json
if grep -q 'bad.json: bad.json' "$err"; then
  echo "FAIL: the file is named twice: $(cat "$err")"
  failures=$((failures + 1))
fi

# A time leadctl cannot read: the example is tomorrow, not a fixed date that
# has passed (a follow-up must lie in the future).
# (either day: the test may run across midnight)
t1=$(date -u -d tomorrow +%Y-%m-%d) t2=$(date -u -d '+2 days' +%Y-%m-%d)
expect 2 "tomorrow at 10:00 UTC is (${t1}|${t2})T10:00:00Z" dispose 1 --action call --follow-up tomorrow

# A follow-up in the past that the model allows (not Hot or Follow Up): recorded,
# with a note that the lead is overdue at once.
expect 0 'note: the follow-up 2020-01-01T00:00:00Z is in the past' \
  dispose 1 --action call --milestone contacted --status requote --follow-up 2020-01-01
expect 0 'note: the follow-up .* is in the past' lead add --name Cy --follow-up 2020-01-01
refute 'in the past' dispose 1 --action lead_update --follow-up "$(date -u -d '+3 days' +%Y-%m-%d)"
expect 0 'recycled lead 2' lead recycle 2

# The recycle bin: past-tense answers, the way out, and an empty list said.
expect 0 'recycled lead 1 \(version' lead recycle 1
expect 1 "'leadctl lead restore 1' takes it out" dispose 1 --action lead_update
expect 1 "'leadctl lead restore 1' takes it out" lead assign 1 --unit east
expect 0 '^\(no leads\)$' lead list
expect 0 'restored lead 1' lead restore 1

# Files that cannot be written are named as given, and --rejects is checked
# before anything is imported.
expect 4 "cannot write '$work/no/dash.html'" dashboard --out "$work/no/dash.html"
printf 'Prospect ID\nP1\n' >one.csv
expect 2 "cannot write '$work/no/r.csv'.*nothing imported" import one.csv --mapping map.json \
  --rejects "$work/no/r.csv"
expect 4 "no lead with external id 'P1'" lead show P1

# A rule set file with an error is named once.
printf '{"format": 1,\n' >wf.json
expect 3 '^leadctl: wf.json:2' workflow install wf.json
if grep -q 'wf.json: wf.json' "$err"; then
  echo "FAIL: the file is named twice: $(cat "$err")"
  failures=$((failures + 1))
fi

# A leadmanager lead under a model without milestones: no empty list to
# choose from.
expect 0 'to move them as it installs: --migrate axis:old=new' model install particle --dry-run
expect 0 'installed' model install particle
expect 1 'has no milestone values' dispose 1 --action lead_update
if grep -q 'disposition: \.' "$out" "$err"; then
  echo "FAIL: an empty list of values to choose from: $(cat "$out")"
  failures=$((failures + 1))
fi
expect 1 "'leadctl model install MODEL --migrate milestone:OLD=' clears it" dispose 1 --action lead_update
# ... and a migration to no value is that way out.
expect 0 'installed particle as store version [0-9]+; 2 leads migrated, 0 invalid' \
  model install particle --migrate milestone:no_milestone=,milestone:contacted=,status:new=,status:requote=
expect 0 'migrate .*milestone contacted -> \(none\)' history 1
# a map whose old values no lead holds (a typo) says so
expect 0 'moved no lead: no lead holds any of its old values' model install particle --migrate status:hott=
expect 2 'only a milestone, status or stage can be cleared' model install particle --migrate source:web=

# The demo on a model without milestones suggests a report that works there,
# and its worklist shows the stage.
expect 0 'explore it: leadctl --db dp.db report pipeline --by owner' demo --preset particle --db dp.db --leads 20
expect 0 '^why +lead +name +stage +follow-up' demo --preset particle --db dp.db --leads 20 --force
expect 0 'explore it: leadctl --db dl.db report matrix' demo --db dl.db --leads 20

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "leadctl new-user messages: ok"
