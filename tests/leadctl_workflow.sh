#!/usr/bin/env bash
# leadctl workflow, assign and worklist against a real store file built by
# workflow_fixture: output, --json, exit codes, day-3 recycling, quotas and
# the do-not-call rule. usage: leadctl_workflow.sh LEADCTL FIXTURE
set -euo pipefail
leadctl=$1
fixture=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# LEADCTL_TEST_DB (tests/pg_store.sh sets it): the fixture builds that store.
db=${LEADCTL_TEST_DB:-$dir/leads.db}
"$fixture" "$db"
L() { "$leadctl" --db "$db" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# grep over the whole of stdin: a `| grep -q` that stops at the first match
# would kill the writer with SIGPIPE, which pipefail reports as a failure.
matches() { local text; text=$(cat); grep "$@" <<<"$text"; }
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# --help and usage errors.
L workflow --help | matches -q "workflow run" || fail "workflow --help"
L assign --help | matches -q -- "--quota" || fail "assign --help"
L worklist --help | matches -q -- "--agent" || fail "worklist --help"
set +e
L workflow frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown subcommand exits 2"
L worklist --now 2026-03-02 >/dev/null 2>&1; [ $? -eq 2 ] || fail "worklist without --agent exits 2"
L assign --quota lots >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --quota exits 2"
L workflow run --now 2026-03-02T09:00:00Z >/dev/null 2>&1; [ $? -eq 4 ] || fail "run without a rule set exits 4"
echo '{"format":1,"name":"x","version":1,"rules":[{"name":"a","kind":"time","then":[{"explode":true}]}]}' >"$dir/bad.json"
L workflow install "$dir/bad.json" 2>"$dir/err"; [ $? -eq 3 ] || fail "malformed rule set exits 3"
grep -q "rules\[0\].then\[0\]" "$dir/err" || fail "the message names the path"
"$leadctl" --db "$dir/none.db" workflow list >/dev/null 2>&1; [ $? -eq 4 ] || fail "missing store exits 4"
set -e

L workflow list | matches -q "no rule set" || fail "empty list"
L workflow install --preset seed002 --json | json_get 'd["store_version"]' | matches -qx 1 || fail "install"
L workflow install --preset seed002 | matches -q "store version 2" || fail "second install"
[ "$(L workflow list --json | json_get 'd["latest"]')" = 2 ] || fail "list --json latest"
L workflow list | matches -q "recycle_uncontactable_new" || fail "list shows the rules"

# Day 1 (Monday): segments; nothing recycled yet. A second run changes nothing.
out=$(L workflow run --now 2026-03-02T09:00:00Z --json)
[ "$(echo "$out" | json_get 'sum(1 for r in d["rows"] if r["effect"]=="recycle")')" = 0 ] || fail "no recycling on day 1"
[ "$(echo "$out" | json_get 'len(d["rows"])')" -gt 0 ] || fail "segments set"
[ "$(L workflow run --now 2026-03-02T09:00:00Z --json | json_get 'len(d["rows"])')" = 0 ] || fail "idempotent"

# Assign with quota 2: amy and cat (bob is inactive), highly engaged first.
out=$(L assign --quota 2 --now 2026-03-02T09:00:00Z --json)
[ "$(echo "$out" | json_get '[r["lead"] for r in d["assigned"]]')" = "[1, 6, 2]" ] || fail "assign order: $out"
echo "$out" | json_get '[r["agent"] for r in d["assigned"]]' | matches -q "bob" && fail "inactive agent got leads"
set +e
L assign --agents amy,bob --now 2026-03-02T09:00:00Z >/dev/null 2>&1; [ $? -eq 4 ] || fail "inactive agent in --agents exits 4"
L assign --agents zed --now 2026-03-02T09:00:00Z >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown agent exits 2"
set -e
L assign --quota 2 --now 2026-03-02T09:00:00Z | matches -q "amy: had 2, given 0" || fail "assign text"

# Worklist: new leads, never the do-not-call one (4) nor the email-only one (5).
out=$(L worklist --agent amy --now 2026-03-02T10:00:00Z --json)
[ "$(echo "$out" | json_get 'd["agent"]')" = amy ] || fail "worklist agent"
[ "$(echo "$out" | json_get '[(r["lead"], r["reason"]) for r in d["rows"]]')" = "[(1, 'new'), (2, 'new')]" ] || fail "worklist rows: $out"
L worklist --agent cat --now 2026-03-02T10:00:00Z | matches -q "lead 6" || fail "worklist text"

# Day 3 (Thursday 09:00, 73 h after creation): lead 3 goes to the recycle bin.
L workflow run --now 2026-03-04T09:00:00Z --json | json_get '[r["lead"] for r in d["rows"] if r["effect"]=="recycle"]' | matches -qx "\[\]" || fail "not recycled on day 2"
L workflow run --now 2026-03-05T09:00:00Z --json | json_get '[r["lead"] for r in d["rows"] if r["effect"]=="recycle"]' | matches -qx "\[3, 4\]" || fail "recycled on day 3 (3: no phone or email, 4: do not call and no email)"
# A rule the model refuses: the lead is rolled back and reported, exit 1.
echo '{"format":1,"name":"hot","version":1,"rules":[{"name":"heat","kind":"time","if":{"source":"Referral"},"then":[{"segment":"x"},{"set":{"milestone":"contacted","status":"hot"}}]}]}' >"$dir/hot.json"
L workflow install "$dir/hot.json" | matches -q "store version 3" || fail "third install"
set +e
out=$(L workflow run --now 2026-03-05T10:00:00Z --json); rc=$?
set -e
[ $rc -eq 1 ] || fail "a rolled-back lead exits 1 (got $rc)"
[ "$(echo "$out" | json_get '[(r["lead"], r["rule"], r["effect"], r["error"]) for r in d["rows"]]')" = "[(2, 'heat', 'set', 'LC_EINVALID')]" ] || fail "failure row: $out"
[ "$(echo "$out" | json_get 'd["failures"]')" = 1 ] || fail "failures count"

# An event rule whose effect the model refuses: the disposition is refused
# with a violation that names the rule and the reason, never an empty list.
echo '{"format":1,"name":"too_hot","version":1,"rules":[{"name":"too_hot","kind":"event","on":{"status":"attempted_contact"},"then":[{"set":{"milestone":"contacted","status":"hot"}}]}]}' >"$dir/too_hot.json"
L workflow install "$dir/too_hot.json" >/dev/null || fail "install too_hot"
set +e
out=$(L dispose 1 --action call --milestone no_milestone --status attempted_contact --json); rc=$?
text=$(L dispose 1 --action call --milestone no_milestone --status attempted_contact 2>&1); rc2=$?
set -e
[ $rc -eq 1 ] && [ $rc2 -eq 1 ] || fail "a refused rule effect exits 1 (got $rc, $rc2)"
[ "$(echo "$out" | json_get 'len(d["violations"]) > 0 and "rule too_hot" in d["violations"][0]["message"]')" = True ] || fail "the refusal names the rule: $out"
echo "$text" | matches -q "rule too_hot" || fail "the text refusal names the rule: $text"

# A stored rule set that no longer parses: dispositions fail with exit 4 and
# a message saying which command repairs it; installing one does.
damaged=""
if [ -n "${LEADCTL_TEST_DB:-}" ]; then
  psql "$LC_TEST_PG_URI" -qAtc "UPDATE $LC_TEST_PG_SCHEMA.meta SET value = '{\"format\":1' WHERE key ~ '^workflow[.]ruleset[.][0-9]' AND key NOT LIKE '%.installed'" && damaged=1
elif command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$db" "UPDATE meta SET value = '{\"format\":1' WHERE key LIKE 'workflow.ruleset.%' AND key GLOB 'workflow.ruleset.[0-9]*' AND key NOT LIKE '%.installed'" && damaged=1
fi
if [ -n "$damaged" ]; then
  set +e
  text=$(L dispose 2 --action email 2>&1); rc=$?
  set -e
  [ $rc -eq 4 ] || fail "a damaged rule set exits 4 (got $rc): $text"
  echo "$text" | matches -q "leadctl workflow install FILE" || fail "the repair is named: $text"
  L workflow install "$dir/hot.json" >/dev/null || fail "reinstall"
  L dispose 2 --action email >/dev/null || fail "repaired"
else
  echo "skipped: neither the sqlite3 shell nor psql can reach the store"
fi
# Worklists and assignment on today's date (issue 10, items 13 and 14).
# New leads come by the rule set's segment rank, then age.
now=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)   # a follow-up at $now is due that day
echo '{"format":1,"name":"rank","version":1,"segments":["highly_engaged","engaged",null,"cold"],"rules":[]}' >"$dir/rank.json"
L workflow install "$dir/rank.json" >/dev/null || fail "install a rule set with segment ranks"
L agent add dee >/dev/null
id_of() { json_get 'd["id"]'; }
c=$(L lead add --name C --phone 555-0201 --segment cold --agent dee --json | id_of)
n=$(L lead add --name N --phone 555-0202 --agent dee --json | id_of)
e=$(L lead add --name E --phone 555-0203 --segment engaged --agent dee --json | id_of)
h=$(L lead add --name H --phone 555-0204 --segment highly_engaged --agent dee --json | id_of)
got=$(L worklist --agent dee --now "$now" --json | json_get '[r["lead"] for r in d["rows"]]')
[ "$got" = "[$h, $e, $n, $c]" ] || fail "new leads by segment rank: $got, expected [$h, $e, $n, $c]"

# Unassigned: new leads, worked ones with nothing due, one due today, email-only ones.
for i in 1 2 3; do L lead add --name "New$i" --phone "555-030$i" >/dev/null; done
worked=""
for i in 1 2; do
  w=$(L lead add --name "Worked$i" --phone "555-031$i" --segment highly_engaged --json | id_of)
  L dispose "$w" --action call --milestone no_milestone --status attempted_contact >/dev/null
  worked="$worked $w"
done
due=$(L lead add --name Due --phone 555-0320 --json | id_of)
L dispose "$due" --action call --milestone contacted --status follow_up --follow-up "$now" >/dev/null
email=""
for i in 1 2; do email="$email $(L lead add --name "Mail$i" --email "m$i@example.com" --segment highly_engaged --json | id_of)"; done

# Every lead dealt is on its agent's list for the day: rows = had + given,
# nobody over the quota, never an email-only lead nor one with nothing due.
check_lists() { # QUOTA ASSIGN_JSON
  local a had given rows
  for a in $(echo "$2" | json_get '" ".join(r["agent"] for r in d["agents"])'); do
    had=$(echo "$2" | json_get "[r['had'] for r in d['agents'] if r['agent']=='$a'][0]")
    given=$(echo "$2" | json_get "[r['given'] for r in d['agents'] if r['agent']=='$a'][0]")
    rows=$(L worklist --agent "$a" --now "$now" --json | json_get 'len(d["rows"])')
    [ "$rows" -eq $((had + given)) ] || fail "$a: worklist has $rows rows, had $had + given $given"
    [ "$given" -eq 0 ] || [ $((had + given)) -le "$1" ] || fail "$a: over the quota of $1"
  done
}
out=$(L assign --quota 6 --now "$now" --json)
check_lists 6 "$out"
dealt=$(echo "$out" | json_get '" ".join(str(r["lead"]) for r in d["assigned"])')
for x in $email $worked; do
  case " $dealt " in *" $x "*) fail "lead $x (email only, or worked with nothing due) was dealt: $dealt" ;; esac
done
case " $dealt " in *" $due "*) ;; *) fail "the follow-up due today ($due) was not dealt: $dealt" ;; esac

# Auto-assignment tops lists up to its quota and never deals an email-only lead.
echo '{"format":1,"name":"auto","version":1,"rules":[],"auto_assign":{"enabled":true,"unit":null,"quota":7}}' >"$dir/auto.json"
L workflow install "$dir/auto.json" >/dev/null || fail "install auto_assign with a quota"
for i in $(seq 10 24); do L lead add --name "Auto$i" --phone "555-04$i" >/dev/null; done
late=$(L lead add --name Mail3 --email m3@example.com --json | id_of)
L workflow run --now "$now" >/dev/null || fail "auto-assign sweep"
# Fifteen new leads are more than the three active agents lack: each list is
# full, no more, and the rest wait.
for a in amy cat dee; do
  rows=$(L worklist --agent "$a" --now "$now" --json | json_get 'len(d["rows"])')
  [ "$rows" -eq 7 ] || fail "auto-assignment left $a with $rows rows, not the quota of 7"
done
for x in $email $late; do
  [ "$(L lead show "$x" --json | json_get 'd["agent"]')" = None ] || fail "email-only lead $x was auto-assigned"
done
[ "$(L lead list --unassigned --json | json_get 'sum(1 for l in d["leads"] if l["name"].startswith("Auto"))')" -gt 0 ] || fail "every new lead was dealt, past the quota"
[ "$(L workflow run --now "$now" --json | json_get 'len(d["rows"])')" = 0 ] || fail "a full sweep again changes nothing"
echo ok
