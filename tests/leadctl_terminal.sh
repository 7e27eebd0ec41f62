#!/usr/bin/env bash
# What a terminal gets and a pipe does not, run under a pseudo-terminal with
# `script`: report matrix's invalid cells in red, bars on report pipeline and
# funnel, NO_COLOR and --color never|always|auto, plain piped output; and the
# progress bar of import, sweeps, assignment and model migrations (stderr).
set -uo pipefail
leadctl=$1
src=$2
failures=0
if ! command -v script >/dev/null; then
  echo "skipped: 'script' (util-linux) is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/support/dashboard_store.sh"
export TERM=xterm
unset NO_COLOR
esc=$'\033'

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# tty CMD...: run leadctl under a pseudo-terminal; its output in $tmp/tty.
tty() {
  local cmd
  printf -v cmd '%q ' "$leadctl" "$@"
  script -qec "$cmd" /dev/null >"$tmp/tty" 2>&1 </dev/null
}
# pipe CMD...: stdout and stderr to files, no terminal.
pipe() {
  "$leadctl" "$@" >"$tmp/pipe" 2>"$tmp/pipe.err" </dev/null
}
has() { grep -aq -- "$2" "$tmp/$1" || { fail "$3"; sed 's/^/  /' "$tmp/$1" | cat -v | head -8; }; }
hasnt() { ! grep -aq -- "$2" "$tmp/$1" || { fail "$3"; sed 's/^/  /' "$tmp/$1" | cat -v | head -8; }; }

db=$tmp/demo.db
dashboard_store "$leadctl" "$db" || { echo "FAIL: cannot build the demo store"; exit 1; }

# the matrix: red invalid rows on a terminal only
tty --db "$db" report matrix
has tty "${esc}\[31mContacted *Requote .*NO${esc}\[0m" "an invalid cell is not red on a terminal"
hasnt tty "${esc}\[31mNo Milestone" "a valid cell is red"
pipe --db "$db" report matrix
hasnt pipe "$esc" "piped output has escape codes"
has pipe "^Contacted *Requote .*NO" "piped output lost the invalid row"
# bars on the pipeline and the funnel
tty --db "$db" report pipeline --by milestone
has tty "^Contacted *[0-9]* *${esc}\[34m█" "report pipeline has no bar on a terminal"
tty --db "$db" report funnel
has tty "█" "report funnel has no bar on a terminal"
pipe --db "$db" report pipeline --by milestone
hasnt pipe "█" "piped report pipeline has a bar"
# NO_COLOR: no colour, bars stay; an empty NO_COLOR is not set
NO_COLOR=1 tty --db "$db" report matrix
hasnt tty "$esc" "NO_COLOR=1 left escape codes"
NO_COLOR=1 tty --db "$db" report pipeline --by milestone
hasnt tty "$esc" "NO_COLOR=1 left escape codes on the bars"
has tty "█" "NO_COLOR=1 took the bars away"
NO_COLOR= tty --db "$db" report matrix
has tty "${esc}\[31m" "an empty NO_COLOR turned colour off"
# --color never|always|auto
tty --db "$db" report pipeline --by milestone --color never
hasnt tty "$esc" "--color never left escape codes"
hasnt tty "█" "--color never left bars"
pipe --db "$db" report matrix --color always
has pipe "${esc}\[31mContacted" "--color always is not red when piped"
NO_COLOR=1 tty --db "$db" report matrix --color always
has tty "${esc}\[31m" "--color always did not override NO_COLOR"
pipe --db "$db" report matrix --color auto
hasnt pipe "$esc" "--color auto coloured a pipe"
pipe --db "$db" report matrix --json --color always
hasnt pipe "$esc" "--json got escape codes"
pipe --db "$db" report matrix --csv --color always
hasnt pipe "$esc" "--csv got escape codes"
pipe --db "$db" report matrix --color sometimes
[ $? -eq 2 ] || fail "--color sometimes did not exit 2"
has pipe.err "--color takes never, always or auto" "--color sometimes: no message"
TERM=dumb tty --db "$db" report matrix
hasnt tty "$esc" "TERM=dumb got escape codes"

# progress on a terminal's stderr, none when piped or with --json
data=$tmp/leads.csv
printf 'Id,Name\n' >"$data"
for i in $(seq 1 2000); do printf 'x%d,Lead %d\n' "$i" "$i"; done >>"$data"
printf '{"format": 1, "fields": {"external_id": "Id", "name": "Name"}}\n' >"$tmp/map.json"
"$leadctl" --db "$tmp/i.db" init --model leadmanager >/dev/null
tty --db "$tmp/i.db" import "$data" --mapping "$tmp/map.json"
has tty "import \[#*  *\] *[0-9]*%  [0-9]* rows" "import shows no progress on a terminal"
has tty "2000 rows read" "the import did not finish"
"$leadctl" --db "$db" workflow install --preset seed002 >/dev/null || fail "workflow install"
tty --db "$db" workflow run --now 2026-02-01T08:00:00Z
has tty "sweep \[#*\] 100%  [0-9]* leads" "a sweep shows no progress on a terminal"
pipe --db "$db" workflow run --now 2026-02-02T08:00:00Z
hasnt pipe.err "sweep \[" "a piped sweep drew progress"
for i in 1 2 3; do "$leadctl" --db "$db" lead add --name "New $i" --phone "+1 555 010$i" >/dev/null; done
tty --db "$db" assign --now 2026-02-03T08:00:00Z --quota 100
has tty "assign \[#*\] 100%  3 leads" "assignment shows no progress on a terminal"
tty --db "$db" model install leadmanager --migrate status:requote=follow_up
has tty "dry_run \[#*\] 100%" "a model install shows no dry-run progress"
tty --db "$db" model install "$tmp/leadmanager-2.json" --json
hasnt tty "dry_run \[" "--json drew progress"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "leadctl on a terminal: all checks passed"
