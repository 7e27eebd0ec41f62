#!/usr/bin/env bash
# Drives the store commands of leadctl against a real store file: init, lead,
# agent, unit, dispose, history and model install; output, --json and exit
# codes; and the store read back with the sqlite3 shell when it is installed.
# With LEADCTL_TEST_DB set (tests/pg_store.sh) the same checks run on that
# store, read back with psql.
set -uo pipefail
leadctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=support/cli.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/support/cli.sh"
cd "$work" || exit 1
out=$work/out err=$work/err
export LEADCTL_ACTOR=tester

# LEADCTL_TEST_DB (tests/pg_store.sh sets it): every command without a --db
# of its own runs on that store instead of ./leads.db.
store=${LEADCTL_TEST_DB:-}
shown=leads.db
if [ -n "$store" ]; then
  real_leadctl=$leadctl
  on_store() {
    if [ "${1:-}" = --db ]; then "$real_leadctl" "$@"; else "$real_leadctl" --db "$store" "$@"; fi
  }
  leadctl=on_store
  shown='.*'
fi

# No store yet.
expect 4 "no store at .*init" lead list
expect 2 "init needs --model" init
expect 2 "" init --model nosuchmodel
expect 0 "created $shown with model leadmanager" init --model leadmanager
expect 2 "already has a model" init --model crm
expect 0 '"db":"other.db","model":"crm","model_version":1' --db other.db init --model crm --json

# lead add: a flag for every field; --json prints the lead with its id.
expect 0 '^\{"id":1,"external_id":"crm-7","name":"Ada Lovelace","email":"ada@example.org","phone":"\+44 20 7946 0000"' \
  lead add --external-id crm-7 --name "Ada Lovelace" --email ada@example.org --phone "+44 20 7946 0000" \
  --company "Analytical Engines" --type person --category customer --priority high --importance 2 \
  --source web --lost-reason none --owner-group london --segment cold --probability 40 \
  --amount 150000 --currency GBP --start 2026-01-01 --expected-completion 2026-12-31 \
  --products "Home:two floors,Auto" --team ann,ben --competitors Acme --attributes tier=gold,zone=3 \
  --activity "demo@2026-02-01@ann" --milestone no_milestone --status new --do-not-email --json
expect 0 '"do_not_email":true.*"recycled":false' lead show 1 --json
expect 0 '"products":\[\{"name":"Home","note":"two floors"\},\{"name":"Auto","note":null\}\]' lead show crm-7 --json
expect 0 '"attributes":\{"tier":"gold","zone":"3"\}' lead show 1 --json
expect 0 'name +Ada Lovelace' lead show 1
expect 2 "probability" lead add --name x --probability 101
expect 2 "ISO 4217" lead add --name x --amount 5 --currency eur
expect 2 "not valid UTF-8|UTF-8" lead add --name $'\xff'
expect 1 "not allowed with the milestone" lead add --name bad --milestone no_milestone --status hot
expect 2 "already exists" lead add --external-id crm-7
expect 4 "no lead" lead show 99
expect 2 "" lead frobnicate 1

# dispose: the flags of validate; violations exit 1 and are printed.
expect 1 '^follow_up_required follow_up: ' dispose 1 --action call --milestone contacted --status hot
expect 1 '"valid":false,"violations":\[' dispose 1 --action call --milestone contacted --status hot --json
expect 1 'action_blocked' dispose 1 --action email --milestone contacted --status requote
expect 2 "use one of" dispose 1 --action call --status hott
expect 0 'lead 1: milestone contacted, status hot, stage - \(version 2\)' \
  dispose 1 --action call --milestone contacted --status hot --follow-up 2099-01-01 --note "spoke" --actor ann
expect 4 "version 2 but you read version 1" dispose 1 --action call --status follow_up --follow-up 2099-02-01 --expect-version 1
expect 0 '"milestone":"contacted","status":"follow_up",.*"version":3.*"valid":true' \
  dispose crm-7 --action call --status follow_up --follow-up 2099-02-01 --expect-version 2 --json

# history
expect 0 '#2 disposition ann +call -> contacted/hot follow-up 2099-01-01T00:00:00Z  "spoke"' history 1
expect 0 '"kind":"create".*"kind":"disposition","actor":"ann","action":"call".*"before":\{"milestone":"contacted","status":"hot"' history 1 --json

# lead edit
expect 0 '"phone":"555","email":"ada@example.org"|"phone":"555"' lead edit 1 --phone 555 --allow-email --json
expect 0 '"do_not_email":false' lead show 1 --json
expect 4 "version 4 but you read version 1" lead edit 1 --phone 556 --expect-version 1
expect 2 "cannot change the state" lead edit 1 --status hot

# agents and units, accept and assign
expect 0 "added unit east" unit add east
expect 0 '"id":2,"name":"west"' unit add west --json
expect 0 "added agent ann" agent add ann --unit east
expect 0 '"name":"bob","active":true' agent add bob --json
expect 2 "already exists" agent add ann
expect 0 '"name":"ann","active":true,"units":\["east"\]' agent list --json
expect 0 '"members":\["ann"\]' unit list --json
expect 0 '"unit":1,"agent":null' lead assign 1 --unit east --json
expect 1 "not a member" lead accept 1 --agent bob
expect 0 '"agent":1' lead accept 1 --agent ann --json
expect 1 "already assigned" lead accept 1 --agent ann
expect 0 '"active":false' agent deactivate bob --json
expect 1 "inactive" lead assign 1 --agent bob
expect 2 "no agent named" lead accept 1 --agent zed

# notes, recycle bin
expect 0 '"notes":\[\{"time":"[^"]+","author":"ann","text":"call after lunch"\}\]' lead note 1 "call after lunch" --author ann --json
expect 0 "recycled lead 1" lead recycle 1
expect 1 "already in the recycle bin" lead recycle 1
expect 0 '"recycled":true' lead show 1 --json
expect 0 '^\{"leads":\[\]\}$' lead list --json
expect 0 '"id":1,' lead list --recycled only --json
expect 1 "recycle bin" dispose 1 --action email --status follow_up --follow-up 2099-03-01
expect 0 '"recycled":false' lead restore 1 --json

# lead list filters and paging
"$leadctl" lead add --name Two --source fair >/dev/null
"$leadctl" lead add --name Three --source fair --segment warm >/dev/null
expect 0 '^\{"leads":\[\{"id":2,.*\{"id":3,' lead list --source fair --json
expect 0 '"id":3' lead list --segment warm --json
expect 0 '^\{"leads":\[\{"id":1,' lead list --status follow_up --json
expect 0 '^\{"leads":\[\{"id":2,' lead list --after 1 --limit 1 --json
expect 0 '"id":1,' lead list --agent ann --json
expect 0 '"id":2,.*"id":3' lead list --unassigned --json
expect 0 '"id":1,' lead list --attribute tier=gold --json
expect 0 '"id":1,' lead list --follow-up-from 2099-01-15 --follow-up-to 2099-03-01 --json
expect 2 "include or only" lead list --recycled sometimes

# model install: dry run, install, migrate
expect 0 '"dry_run":true,"checked":3,"invalid":3,"rows":\[\{"code":"unknown_value","field":"milestone","value":"contacted","leads":1\}.*"value":"no_milestone","leads":2' model install conversica --dry-run --json
expect 0 'would be invalid under conversica' model install conversica --dry-run
echo '{"status": {"follow_up": "further_action"}}' >map.json
expect 2 "not axis:old=new" model install conversica --migrate nonsense
expect 0 '"model":"conversica","model_version":2,"migrated":1,"invalid":' model install conversica --migrate map.json --json
expect 0 '"status":"further_action"' lead show 1 --json
expect 0 '"kind":"migrate"' history 1 --json
expect 0 '"id":1,' lead list --invalid --json
expect 0 'installed leadmanager as store version 3' model install leadmanager --migrate status:further_action=follow_up
expect 0 '"status":"follow_up"' lead show 1 --json

# Every command takes --help.
for c in init lead dispose history agent unit "model install"; do
  # shellcheck disable=SC2086
  expect 0 "^usage: " $c --help
done

# Only init creates a store: an empty file or one that is not a store is
# refused by every other command (exit 4) and left as it was.
: >empty.db
expect 4 "empty, not a leadcore store" --db empty.db lead list
expect 4 "empty, not a leadcore store" --db empty.db report pipeline
expect 4 "empty, not a leadcore store" --db empty.db workflow list
[ -s empty.db ] && { echo "FAIL: a read command wrote to an empty file"; failures=$((failures + 1)); }
printf 'not a store at all, just text\n%.0s' {1..100} >text.db
cp text.db text.orig
expect 4 "not a leadcore store" --db text.db lead list
cmp -s text.db text.orig || { echo "FAIL: a read command changed a foreign file"; failures=$((failures + 1)); }

# A value that names two records is refused, naming both and how to choose.
expect 0 "" --db amb.db init --model crm
expect 0 "" --db amb.db lead add --name First
expect 0 "" --db amb.db lead add --name Second --external-id 1
expect 2 "'1' names two leads: lead id 1 and lead 2, whose external id is '1'; write id:1 or ext:1" --db amb.db lead show 1
expect 0 "First" --db amb.db lead show id:1
expect 0 "Second" --db amb.db lead show ext:1
expect 0 "Second" --db amb.db lead show ext:1
expect 2 "names two leads" --db amb.db dispose 1 --action call
expect 0 "" --db amb.db agent add amy
expect 0 "" --db amb.db agent add 1
expect 2 "'1' names two agents: agent id 1 \('amy'\) and agent id 2, whose name is '1'; write --agent id:1 or --agent name:1" \
  --db amb.db lead assign id:1 --agent 1
expect 0 '"agent":2' --db amb.db lead assign id:1 --agent name:1 --json
expect 0 '"agent":1' --db amb.db lead assign ext:1 --agent id:1 --json
expect 0 "" --db amb.db lead add --name Third --external-id 9
expect 0 "Third" --db amb.db lead show 9

# An actor that is not UTF-8 is refused, not dropped.
LEADCTL_ACTOR=$(printf 'bad\xff') expect 2 "LEADCTL_ACTOR: .*UTF-8" lead list

# --read-only: reads work, writes fail with exit 4 and say why.
expect 0 "Ada Lovelace" --read-only lead list
expect 4 "read-only" --read-only lead add --name "Not written"
expect 4 "read-only" --read-only agent add nobody
expect 0 "^usage: leadctl \[--db FILE\] \[--read-only\]" --help

# The store is readable with the sqlite3 shell, or psql.
if [ -n "$store" ]; then
  if [ "$(psql "$LC_TEST_PG_URI" -qAtc "SELECT name || ':' || status FROM $LC_TEST_PG_SCHEMA.leads WHERE id = 1")" != "Ada Lovelace:follow_up" ]; then
    echo "FAIL: psql does not show the lead"
    failures=$((failures + 1))
  fi
elif command -v sqlite3 >/dev/null 2>&1; then
  if [ "$(sqlite3 leads.db "SELECT name || ':' || status FROM leads WHERE id = 1")" != "Ada Lovelace:follow_up" ]; then
    echo "FAIL: sqlite3 shell does not show the lead"
    failures=$((failures + 1))
  fi
  if [ "$(sqlite3 leads.db "PRAGMA integrity_check")" != "ok" ]; then
    echo "FAIL: integrity_check"
    failures=$((failures + 1))
  fi
  # A damaged row (bad UTF-8 written behind the library's back) is a store
  # error naming the lead, and the other leads are still listed.
  cp leads.db damaged.db
  sqlite3 damaged.db "UPDATE leads SET name = X'41FF42' WHERE id = 1"
  expect 4 "lead 1 as stored breaks the library's rules" --db damaged.db lead list
  grep -q "^ *2 " "$out" || { echo "FAIL: lead 2 is not listed beside the damaged lead 1"; failures=$((failures + 1)); }
  expect 4 "lead 1 as stored" --db damaged.db lead show 1
  # Damaged events, agents and units likewise: named, exit 4, the others listed.
  cp leads.db damaged2.db
  sqlite3 damaged2.db "UPDATE events SET actor = X'41FF42' WHERE id = (SELECT MIN(id) FROM events WHERE lead_id = 1);
    UPDATE agents SET name = X'FF' WHERE id = 1; UPDATE units SET name = printf('%.300c', 'u') WHERE id = 1"
  expect 4 "event [0-9]+ of lead 1 as stored breaks the library's rules" --db damaged2.db history 1
  [ "$(grep -c ' #' "$out")" -ge 1 ] || { echo "FAIL: history lists nothing beside the damaged event"; failures=$((failures + 1)); }
  expect 4 "agent 1 as stored breaks the library's rules" --db damaged2.db agent list
  grep -q "bob" "$out" || { echo "FAIL: agent bob is not listed beside the damaged agent 1"; failures=$((failures + 1)); }
  expect 4 "unit 1 as stored breaks the library's rules" --db damaged2.db unit list
  grep -q "west" "$out" || { echo "FAIL: unit west is not listed beside the damaged unit 1"; failures=$((failures + 1)); }
else
  echo "skipped: the sqlite3 shell is not installed"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all leadctl store checks passed"
