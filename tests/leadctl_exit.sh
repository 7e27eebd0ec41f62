#!/usr/bin/env bash
# The exit codes of every leadctl command against docs/leadctl.1 (EXIT
# STATUS): 1 a rule violation, 2 usage, 3 input format (a model, mapping,
# rule set or CSV file), 4 store error (no store, a file that is not one, a
# read-only, damaged or full store). Each command is driven into each class
# of failure it can meet. usage: leadctl_exit.sh LEADCTL MANPAGE
set -uo pipefail
leadctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
man=$2
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LEADCTL_ACTOR=tester

# code WANT ARGS...: leadctl ARGS exits WANT and, when it fails, says why on stderr.
code() {
  local want=$1 rc
  shift
  "$leadctl" "$@" >out 2>err
  rc=$?
  if [ "$rc" != "$want" ] || { [ "$want" != 0 ] && [ ! -s err ] && [ ! -s out ]; }; then
    echo "FAIL: leadctl $* -> exit $rc, wanted $want"
    sed 's/^/  err: /' err | head -5
    failures=$((failures + 1))
  fi
}

# The man page documents exactly the codes tested here.
for c in 0 1 2 3 4; do
  grep -qx "\.B $c" <<<"$(grep -A1 '^\.TP' "$man")" || { echo "FAIL: leadctl.1 does not document exit $c"; failures=$((failures + 1)); }
done

cat >map.json <<'EOF'
{"format": 1, "dedupe": "external_id",
 "fields": {"external_id": "Id", "name": "Name", "phone": "Phone"}}
EOF
echo '{"format":1,"name":"r","version":1,"rules":[{"name":"a","kind":"time","then":[{"segment":"x"}]}]}' >rules.json
echo '{"format":1,"rules":' >bad.json
printf 'Id,Name,Phone\n' >leads.csv
for i in $(seq 1 3000); do printf 'ext-%d,Lead number %d with a long enough name,+1 555 %04d\n' "$i" "$i" "$i"; done >>leads.csv
printf 'Id,Name\nx,"never closed\n' >bad.csv

# Commands that read the store, and commands that write it.
reads=("lead list" "lead show 1" "history 1" "agent list" "unit list" "report pipeline"
  "report matrix" "report followups" "report overdue" "report funnel" "workflow list"
  "worklist --agent amy" "model dot --counts" "verify")
writes=("lead add --name X" "lead edit 1 --name Y" "lead note 1 hello" "lead recycle 1"
  "dispose 1 --action call" "agent add bob" "unit add north" "import leads.csv --mapping map.json"
  "workflow install rules.json" "workflow run" "assign" "model install crm")

# 4: no store, an empty file, a file that is not a store.
: >empty.db
printf 'garbage %.0s' {1..600} >text.db
for db in none.db empty.db text.db; do
  for c in "${reads[@]}" "${writes[@]}"; do
    # shellcheck disable=SC2086
    code 4 --db "$db" $c
  done
done
[ -s empty.db ] && { echo "FAIL: a command wrote to an empty file"; failures=$((failures + 1)); }

code 0 init --model leadmanager
code 0 agent add amy
code 0 lead add --name Ann --external-id ann --phone "+1 555 0100"

# 4: every write on a store opened --read-only.
for c in "${writes[@]}"; do
  # shellcheck disable=SC2086
  code 4 --read-only $c
done
for c in "${reads[@]}"; do
  # shellcheck disable=SC2086
  code 0 --read-only $c
done
# The refusal is LC_EREADONLY (its own code, not a message leadctl reads) and says what to do.
code 4 --read-only lead add --name X
grep -q "read-only" err && grep -q "without --read-only" err ||
  { echo "FAIL: a write on a --read-only store does not say why"; sed 's/^/  err: /' err; failures=$((failures + 1)); }

# 2: an unknown option for every command, a missing argument, an unknown record.
for c in "lead list" "lead add" dispose history "agent list" "unit list" import "report pipeline" \
  "workflow run" assign worklist validate "model list" init demo verify; do
  # shellcheck disable=SC2086
  code 2 $c --no-such-option
done
code 2 dispose 1 --action nosuchaction
code 4 lead show 99
code 2 worklist --agent nobody
code 2 no-such-command
# 2: a time after year 9999 (or before year 1) given on the command line.
code 2 report funnel --from 10000-01-01
grep -q "outside the valid times" err || { echo "FAIL: report --from 10000-01-01 does not say why"; failures=$((failures + 1)); }
code 2 report followups --to 0000-12-31
code 2 import leads.csv --mapping map.json --at 9999-12-31T23:59:59-01:00
grep -q "outside the valid times" err || { echo "FAIL: import --at beyond 9999 does not say why"; failures=$((failures + 1)); }

# 3: malformed input files.
code 3 model check bad.json
code 3 workflow install bad.json
code 3 import leads.csv --mapping bad.json
code 3 import bad.csv --mapping map.json
code 3 import missing.csv --mapping map.json
# 3: a time out of range in a mapping or a CSV row (the row is named).
echo '{"format":1,"time":"0000-12-31","fields":{"external_id":"Id"}}' >year0.json
code 3 import leads.csv --mapping year0.json
echo '{"format":1,"time":{"column":"When"},"fields":{"external_id":"Id"}}' >when.json
printf 'Id,When\nfar,10000-01-01\n' >far.csv
code 3 import far.csv --mapping when.json
grep -q "line 2: column 'When'.*outside the valid times" err || { echo "FAIL: a row dated after 9999 is not named"; failures=$((failures + 1)); }

# 1: a disposition the model refuses.
code 1 dispose ann --action call --milestone contacted --status hot
code 1 validate --model leadmanager --action call --milestone contacted --status hot

# 4: the disk fills during an import (a file size limit stands in for a
# full disk): a store error, not bad input.
cp leads.db small.db
(
  trap '' XFSZ
  ulimit -f "$(($(stat -c %s small.db) / 1024 + 8))"
  "$leadctl" --db small.db import leads.csv --mapping map.json >out 2>err
  echo $? >rc
)
if [ "$(cat rc)" != 4 ]; then
  echo "FAIL: an import that fills the disk exits $(cat rc), wanted 4"
  sed 's/^/  err: /' err | head -5
  failures=$((failures + 1))
fi
code 0 --db small.db lead list

# 4: a damaged store (its pages overwritten after the header).
cp leads.db broken.db
dd if=/dev/urandom of=broken.db bs=1024 seek=2 count=40 conv=notrunc status=none
code 4 --db broken.db lead list
code 4 --db broken.db lead add --name Z
code 4 --db broken.db verify

# 0 and 4: verify on a clean store, and on one whose lead row was edited
# behind the library's back (a problem found, not a failure to run).
code 0 verify
code 0 --read-only verify --json
if command -v sqlite3 >/dev/null; then
  cp leads.db edited.db
  sqlite3 edited.db "UPDATE leads SET status = 'hot' WHERE id = 1"
  code 4 --db edited.db verify
  code 4 --db edited.db --read-only verify --json
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all leadctl exit codes match docs/leadctl.1"
