#!/usr/bin/env bash
# Drives `leadctl dashboard`: the page stands alone, every number on it
# matches the JSON reports (tests/support/dashboard_check.py), usage and
# store errors, and a failed write leaves nothing behind; and `model dot
# --counts` on a store with invalid leads.
set -uo pipefail
leadctl=$1
src=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/support/dashboard_store.sh"

# run RC ARGS...: leadctl exits with RC; output in $tmp/out and $tmp/err.
run() {
  local want=$1 rc
  shift
  "$leadctl" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: leadctl $* -> exit $rc (wanted $want)"
    sed 's/^/  /' "$tmp/out" "$tmp/err"
    failures=$((failures + 1))
  fi
}
has() {
  grep -Eq -- "$1" "$2" || { echo "FAIL: /$1/ not in $2:"; sed 's/^/  /' "$2" | head -20; failures=$((failures + 1)); }
}
check_page() {
  python3 "$src/tests/support/dashboard_check.py" "$@" || failures=$((failures + 1))
}

# cell MILESTONE STATUS: the JSON matrix's count; invalid: the leads in refused cells.
cell() {
  "$leadctl" --db "$db" report matrix --json | python3 -c "import json, sys
print(sum(r['count'] for r in json.load(sys.stdin)['rows'] if (r['milestone'], r['status']) == ('$1', '$2')))"
}
invalid() {
  "$leadctl" --db "$db" report matrix --json | python3 -c "import json, sys
print(sum(r['count'] for r in json.load(sys.stdin)['rows'] if not r['allowed']))"
}

db=$tmp/demo.db
dashboard_store "$leadctl" "$db" || { echo "FAIL: cannot build the demo store"; exit 1; }
bad=$(invalid) sold_bad=$(cell sold bad_phone_number) requote=$(cell contacted requote)
[ "$sold_bad" -gt 0 ] && [ "$requote" -gt 2 ] || { echo "FAIL: the demo store has too few invalid leads to test with"; failures=$((failures + 1)); }
run 0 --db "$db" dashboard --now "$DASHBOARD_NOW" --out "$tmp/page.html"
has "^wrote .*page.html: 200 leads, $bad in an invalid combination\$" "$tmp/out"
check_page "$tmp/page.html" "$leadctl" "$db" "$DASHBOARD_NOW"
page=$tmp/page.html
# the invalid cells: red, marked, named, explained, and linked to their list
has "<td class=\"bad\" data-v=\"matrix\\|sold\\|bad_phone_number\" data-n=\"$sold_bad\" title=\"The status Bad Phone Number is not allowed with the milestone Sold" "$page"
has "href=\"#cell-sold--bad_phone_number\"><span class=\"mark\" aria-hidden=\"true\">✖</span> $sold_bad <span class=\"tag\">invalid</span>" "$page"
has '<h3 id="cell-contacted--requote" class="bad">' "$page"
has '<th scope="col">Why invalid</th>' "$page"
has '<svg class="chart" viewBox="0 0 640 [0-9]+" role="img" aria-label="Leads per milestone">' "$page"
has 'Model <b>leadmanager</b> version 2' "$page"
# --rows caps each list and says how to get the rest
run 0 --db "$db" dashboard --now "$DASHBOARD_NOW" --out "$tmp/few.html" --rows 2 --json
has "^\\{\"out\":\".*few.html\",\"leads\":200,\"invalid\":$bad\\}\$" "$tmp/out"
has "$((requote - 2)) more: <code>leadctl --db .*demo.db report matrix --cell contacted,requote</code>" "$tmp/few.html"
# the same store's model drawn with its counts: the refused cells in red
run 0 --db "$db" model dot --counts
has "<B>Sold</B></TD></TR><TR><TD ALIGN=\"LEFT\">[0-9]+ leads</TD></TR><TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#b42318\">✖ $sold_bad invalid</FONT>" "$tmp/out"
has "<I>refused, yet held:</I>.*✖ Bad Phone Number ⊘ · $sold_bad invalid" "$tmp/out"
has "✖ Requote · $requote invalid" "$tmp/out"
if command -v dot >/dev/null; then
  dot -Tsvg "$tmp/out" >/dev/null || { echo "FAIL: dot rejects model dot --counts"; failures=$((failures + 1)); }
fi

# stdout, and a store whose model has stages and phases but no matrix
run 0 --db "$db" dashboard --out - --now "$DASHBOARD_NOW"
unmade() { sed 's/Made <time[^>]*>[^<]*<\/time>//' "$1"; }
[ "$(unmade "$tmp/out")" = "$(unmade "$page")" ] || { echo "FAIL: --out - differs from the file"; failures=$((failures + 1)); }
pdb=$tmp/particle.db
"$leadctl" demo --db "$pdb" --preset particle >/dev/null
# one customer checked in twice, so that the pipeline has entries to show
cust=$("$leadctl" --db "$pdb" lead list --stage engaged --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["leads"][0]["id"])')
for _ in 1 2; do
  "$leadctl" --db "$pdb" dispose "$cust" --action call --outcome progressing --stage periodic_check_in >/dev/null ||
    { echo "FAIL: cannot check lead $cust in"; failures=$((failures + 1)); }
done
run 0 --db "$pdb" dashboard --now "$DASHBOARD_NOW" --out "$tmp/particle.html"
check_page "$tmp/particle.html" "$leadctl" "$pdb" "$DASHBOARD_NOW"
has 'has no disposition matrix' "$tmp/particle.html"
has '<text class="grp" x="4" y="[0-9]+">Opportunity</text>' "$tmp/particle.html"
# the entries into the repeatable stages (check-in 3), matched to the JSON by check_page
has '<td class="n" data-v="pipeline\|periodic_check_in\|entries" data-n="[1-9]' "$tmp/particle.html"
has '<th scope="row">Archive \(stage\)</th><td class="n" data-v="left_out\|Archive \(stage\)" data-n="[1-9]' "$tmp/particle.html"

# usage and store errors; a failed write leaves nothing
run 0 dashboard --help
has '^usage: leadctl \[--db FILE\] dashboard \[--out FILE\]' "$tmp/out"
run 2 --db "$db" dashboard --rows -1
has '--rows takes a whole number' "$tmp/err"
run 2 --db "$db" dashboard --now yesterday-ish
run 2 --db "$db" dashboard --bogus
run 2 --db "$db" dashboard --out ''
run 4 --db "$tmp/none.db" dashboard --out "$tmp/none.html"
has "no store at" "$tmp/err"
[ ! -e "$tmp/none.html" ] || { echo "FAIL: a page was written without a store"; failures=$((failures + 1)); }
run 4 --db "$db" dashboard --out "$tmp/no/such/dir/page.html"
has "cannot write" "$tmp/err"
compgen -G "$tmp/*.tmp" >/dev/null && { echo "FAIL: a temporary file was left behind"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "leadctl dashboard: all checks passed"
