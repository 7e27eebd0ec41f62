#!/usr/bin/env bash
# leadctl verify (lc_db_verify()): a clean store checks clean, read-only too;
# each kind of damage made behind the library's back (a lead row edited, an
# event deleted, a value the model never had, a stored model and a rule set
# that do not load) is reported naming the record, with exit 4; --json.
# With LEADCTL_TEST_DB set (tests/pg_store.sh) the same checks run on that
# PostgreSQL store, damaged with psql instead of the sqlite3 shell.
# usage: leadctl_verify.sh LEADCTL
set -uo pipefail
# shellcheck source=support/cli.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/support/cli.sh"
cli_start "$1"

store=${LEADCTL_TEST_DB:-}
if [ -n "$store" ]; then
  real_leadctl=$leadctl
  on_store() { "$real_leadctl" --db "$store" "$@"; }
  leadctl=on_store
  sql() { psql "$LC_TEST_PG_URI" -v ON_ERROR_STOP=1 -qAt -c "SET search_path TO $LC_TEST_PG_SCHEMA; $1" >/dev/null; }
elif command -v sqlite3 >/dev/null 2>&1; then
  sql() { sqlite3 leads.db "$1"; }
else
  sql() { return 1; }
fi

# json_get EXPR: evaluate EXPR (python, over the parsed JSON `j`) on $out.
json_get() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$out"; }

expect 0 "^usage: leadctl verify \[--json\]" verify --help
expect 2 "unknown option" verify --bogus

expect 0 "created .* with model leadmanager" init --model leadmanager
expect 0 "added agent" agent add amy
expect 0 "added unit" unit add north
for n in Edited Gap Unknown Recycled; do
  expect 0 "added lead" lead add --name "$n"
done
expect 0 "" dispose 1 --action call --status attempted_contact
expect 0 "" dispose 2 --action call --status attempted_contact
expect 0 "" lead note 2 "called twice"
expect 0 "" dispose 3 --action call --status attempted_contact
expect 0 "" lead recycle 4

# Clean: exit 0, the counts, read-only as well.
expect 0 "^checked 4 leads, 9 events, 1 agent, 1 unit, 1 model, 0 rule sets$" verify
grep -q "clean: no problems found" "$out" || { echo "FAIL: verify does not say the store is clean"; failures=$((failures + 1)); }
expect 0 '"clean":true' --read-only verify --json
[ "$(json_get 'j["counts"]["leads"], j["counts"]["events"], j["counts"]["problems"], len(j["problems"])')" = "4 9 0 0" ] ||
  { echo "FAIL: verify --json counts: $(cat "$out")"; failures=$((failures + 1)); }

if ! sql "SELECT 1"; then
  echo "skipped: damage needs the sqlite3 shell (or psql on PostgreSQL)"
  [ "$failures" -eq 0 ] || exit 1
  exit 0
fi

# A lead row edited: it no longer equals the replay of its history.
sql "UPDATE leads SET status = 'new' WHERE id = 1"
expect 4 "^lead 1 \[replay\]: lead 1 does not equal the replay of its history: its status is 'new' but its history gives 'attempted_contact'" verify
# An event deleted: a gap in the history.
sql "DELETE FROM events WHERE lead_id = 2 AND seq = 2"
expect 4 "\[history\]: lead 2: history jumps from event 1 to 3" verify
# A value the model version that recorded it never had (row and history
# agree; the current model judging the disposition again finds it too).
sql "UPDATE leads SET status = 'bogus' WHERE id = 3; UPDATE events SET after_status = 'bogus' WHERE lead_id = 3 AND seq = 2"
expect 4 "\[value\]: lead 3, event [0-9]+: status 'bogus' is not a value of model version 1 \(leadmanager\)" verify
expect 4 "^4 problems: 1 history, 2 replay, 1 value$" --read-only verify
expect 4 '"clean":false' verify --json
[ "$(json_get '" ".join(sorted(p["kind"] + ":" + str(p["lead"]) for p in j["problems"]))')" = "history:2 replay:1 replay:3 value:3" ] ||
  { echo "FAIL: verify --json problems: $(cat "$out")"; failures=$((failures + 1)); }
[ "$(json_get 'j["counts"]["problems"], j["counts"]["problems_value"]')" = "4 1" ] ||
  { echo "FAIL: verify --json problem counts: $(cat "$out")"; failures=$((failures + 1)); }

# A stored model that does not load (an older version: the current one must
# load for the store to open) and a rule set that does not.
expect 0 "installed crm" model install crm
sql "UPDATE models SET json = '{\"format\": 1,' WHERE version = 1"
sql "INSERT INTO meta (key, value) VALUES ('workflow.ruleset.latest', '1'), ('workflow.ruleset.1', '{\"rules\": 7}')"
expect 4 "^model version 1 \[model\]: the stored model does not load" verify
expect 4 "^rule set 1 \[rule_set\]: " verify
expect 4 "2 models, 1 rule set$" verify

# A row the library's setters refuse (a status key over 64 bytes): reported
# naming the lead, and the other leads are still checked.
sql "UPDATE leads SET status = '$(printf 'x%.0s' {1..80})' WHERE id = 4"
expect 4 "^lead 4 \[record\]: .*lead 4 as stored breaks the library's rules" verify
expect 4 "^checked 3 leads," verify

# The current model not loading: the store does not open, and says so.
sql "UPDATE models SET json = 'x' WHERE version = 2"
expect 4 "model version 2 does not load" verify

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "leadctl verify: all checks passed"
