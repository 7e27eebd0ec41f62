#!/usr/bin/env bash
# leadctl import, report, demo and model dot --counts, end to end against
# real store files: exit codes, bad flags, bad files, and every output format
# read back with a parser (JSON with python3's json, CSV with its csv module).
# Usage: leadctl_product.sh LEADCTL SOURCE_ROOT
set -uo pipefail
leadctl=$1
src=$2
failures=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/out err=$dir/err

# run RC ARGS...: leadctl exits with RC; stdout in $out, stderr in $err.
run() {
  local want=$1 rc
  shift
  "$leadctl" "$@" >"$out" 2>"$err"
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: leadctl $* -> exit $rc (wanted $want)"
    sed 's/^/  out: /' "$out" | head -20
    sed 's/^/  err: /' "$err" | head -20
    failures=$((failures + 1))
    return 1
  fi
  return 0
}

# has PATTERN FILE: the file matches the extended regex.
has() {
  if ! grep -Eq -- "$1" "$2"; then
    echo "FAIL: /$1/ not in $(basename "$2") (after: ${last:-})"
    sed 's/^/  | /' "$2" | head -20
    failures=$((failures + 1))
  fi
}

# json CHECK: stdout is JSON and the python expression CHECK (over `d`) holds.
json() {
  if ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$out" "$1"; then
    echo "FAIL: JSON check '$1' (after: ${last:-})"
    head -c 600 "$out" | sed 's/^/  | /'
    echo
    failures=$((failures + 1))
  fi
}

# csvok MINROWS: stdout is CSV with a header and at least MINROWS rows of the same width.
csvok() {
  if ! python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows, "no header"
assert all(len(r) == len(rows[0]) for r in rows), "ragged"
assert "count" in rows[0], "no count column"
assert len(rows) - 1 >= int(sys.argv[2]), "too few rows"
' "$out" "$1"; then
    echo "FAIL: CSV check (after: ${last:-})"
    head -5 "$out" | sed 's/^/  | /'
    failures=$((failures + 1))
  fi
}

db=$dir/demo.db

# ---- demo ----
last="demo"
run 0 demo --db "$db" --seed 7 --leads 120 && {
  has '^== pipeline by milestone and status ==' "$out"
  has '^== disposition matrix' "$out"
  has "^== alice's day" "$out"
  has 'dispositions applied through the engine' "$out"
}
cp "$out" "$dir/demo1.txt"
# Deterministic: the same seed gives the same output (the store path aside).
run 0 demo --db "$db" --seed 7 --leads 120 --force && cmp -s "$out" "$dir/demo1.txt" ||
  { echo "FAIL: demo --seed 7 twice gave different output"; failures=$((failures + 1)); }
run 2 demo --db "$db" --seed 7            # exists, no --force
has 'exists' "$err"
run 0 demo --db "$dir/demo-json.db" --leads 40 --json
json 'd["leads"] == 40 and d["pipeline"] and all("count" in r for r in d["pipeline"]) and "worklist" in d["day"]'
run 2 demo --db "$dir/x.db" --leads 0
run 2 demo --db "$dir/x.db" --seed minus
run 2 demo --frobnicate
run 2 demo --db "$dir/x.db" --preset nosuch
run 0 demo --help
has '^usage: leadctl demo' "$out"
# Every preset runs through the simulation.
for p in leadmanager insurance particle crm conversica; do
  last="demo --preset $p"
  run 0 demo --db "$dir/p-$p.db" --preset "$p" --leads 30 --json &&
    json 'd["dispositions"] > 0'
done

# ---- report ----
for r in pipeline matrix followups overdue funnel; do
  last="report $r"
  run 0 --db "$db" report "$r"
  run 0 --db "$db" report "$r" --json && json 'isinstance(d["rows"], list) and all("count" in r for r in d["rows"]) and d["report"] in ("pipeline","matrix","followups","overdue","funnel")'
  run 0 --db "$db" report "$r" --csv && csvok 0
done
last="report pipeline"
run 0 --db "$db" report pipeline --by status --json
json 'sum(r["count"] for r in d["rows"]) > 0 and all("status" in r for r in d["rows"])'
run 0 --db "$db" report pipeline --by owner,milestone --json
json 'all(set(r) >= {"owner", "milestone", "count"} for r in d["rows"]) and {r["owner"] for r in d["rows"]} >= {"alice", "bruno"}'
run 0 --db "$db" report pipeline --by lifecycle --csv && csvok 1
run 2 --db "$db" report pipeline --by colour
has 'not an axis' "$err"
run 2 --db "$db" report pipeline --by status,status
run 2 --db "$db" report pipeline --by a,b,c
run 2 --db "$db" report pipeline --json --csv
run 2 --db "$db" report pipeline --cell a,b
run 2 --db "$db" report
run 2 --db "$db" report nonsense
run 2 --db "$db" report pipeline --bogus
last="report matrix"
run 0 --db "$db" report matrix --json
json 'len(d["rows"]) == 45 and all(isinstance(r["allowed"], bool) for r in d["rows"]) and [r["allowed"] for r in d["rows"]] == sorted(r["allowed"] for r in d["rows"])'
# The table hides empty cells and says how many; --all shows all 45; JSON kept them all.
run 0 --db "$db" report matrix
has 'empty cells not shown; --all shows them' "$out"
shown=$(($(wc -l <"$out") - 2))
run 0 --db "$db" report matrix --all
if [ "$(($(wc -l <"$out") - 1))" != 45 ] || [ "$shown" -ge 45 ]; then
  echo "FAIL: report matrix shows $shown cells, --all $(($(wc -l <"$out") - 1)) (wanted < 45 and 45)"
  failures=$((failures + 1))
fi
run 0 --db "$db" report matrix --cell Contacted,Hot --json
json 'd["report"] == "cell" and all(r["count"] == 1 and r["lead"] > 0 for r in d["rows"])'
run 0 --db "$db" report matrix --cell contacted,hot --csv && csvok 0
run 2 --db "$db" report matrix --cell contacted
has 'MILESTONE,STATUS' "$err"
last="report followups"
run 0 --db "$db" report followups --from 2026-01-12 --to 2026-01-20 --json
json 'len(d["rows"]) > 0 and all(r["day"] >= "2026-01-12" and r["day"] < "2026-01-20" for r in d["rows"])'
run 0 --db "$db" report followups --from 2026-01-12 --to 2026-01-20 --agent alice --json
json 'len(d["rows"]) > 0 and all(r["owner"] == "alice" for r in d["rows"])'
run 2 --db "$db" report followups --agent nobody
has 'no agent named' "$err"
run 2 --db "$db" report followups --from 2026-01-20 --to 2026-01-12
run 2 --db "$db" report followups --from yesterday
run 0 --db "$db" report followups --now 2026-01-19T08:00:00Z --json
json 'len(d["rows"]) > 0 and all("2026-01-19" <= r["day"] < "2026-01-26" for r in d["rows"])'
run 2 --db "$db" report funnel --now 2026-01-19
last="report overdue"
run 0 --db "$db" report overdue --json
json 'all(r["overdue_seconds"] > 0 and r["lead"] > 0 for r in d["rows"])'
run 0 --db "$db" report overdue --now 2026-01-01 --json
json 'd["rows"] == []'
last="report funnel"
run 0 --db "$db" report funnel --json
json 'd["rows"][0]["milestone"] == "no_milestone" and d["rows"][0]["count"] > 0 and 0 <= d["rows"][0]["conversion"] <= 1'
run 0 --db "$dir/p-particle.db" report funnel --json
json 'd["rows"][0]["stage"] == "enquiry"'
run 2 --db "$dir/p-particle.db" report matrix
run 0 --db "$dir/p-particle.db" report pipeline --json
json 'all("stage" in r for r in d["rows"])'
# A missing store, and a file that is not a store.
run 4 --db "$dir/none.db" report pipeline
has 'leadctl .*init' "$err"
echo "not a database" >"$dir/junk.db"
last="junk store"
"$leadctl" --db "$dir/junk.db" report pipeline >"$out" 2>"$err"
rc=$?
if [ "$rc" != 4 ] && [ "$rc" != 3 ]; then echo "FAIL: report on a junk file -> exit $rc"; failures=$((failures + 1)); fi
run 0 report --help
has '^usage: leadctl \[--db FILE\] report pipeline' "$out"

# ---- model dot --counts ----
last="model dot --counts"
run 0 --db "$db" model dot --counts && has '^digraph ' "$out" && has '<B>[^<]*</B></TD></TR><TR><TD ALIGN="LEFT">[0-9]+ leads?</TD>' "$out"
run 0 --db "$db" model dot --counts --json && json 'd["dot"].startswith("digraph")'
run 4 --db "$dir/none.db" model dot --counts

# ---- a CRM export in one pass (docs/import.md, section 4) ----
last="crm import"
cdb=$dir/crm.db
cat >"$dir/deals.csv" <<'EOF'
opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,10/20/2036,03/01/2037,1054
Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,10/25/2036,03/11/2037,"4,514.50"
EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Engaging,10/25/2036,,
MV1LWRNH,Moses Frase,GTX Basic,Codehow,Lost,10/25/2036,03/01/2037,0
6KWHYHOY,Anna Snelling,GTX Pro,,Prospecting,,,
EOF
run 0 --db "$cdb" init --model "$src/examples/models/deals.json"
run 0 --db "$cdb" import "$dir/deals.csv" --mapping "$src/examples/mappings/crm-deals.json" --json
json 'd["imported"] == 5 and d["dispositions"] == 7 and d["undated"] == 1 and d["agents_created"] == 3'
run 0 --db "$cdb" report pipeline --by owner --status won --sum amount --json
json '{(r["owner"], r["currency"]): r["amount"] for r in d["rows"]} == {("Moses Frase", "USD"): 105400, ("Darcel Schlecht", "USD"): 451450}'
run 0 --db "$cdb" report pipeline --by owner --status won --sum amount --csv && csvok 2
has '^owner,currency,count,amount' "$out"
run 0 --db "$cdb" report funnel --status lost --json
json '[r["median_seconds"] for r in d["rows"] if r["stage"] == "engaging"] == [127 * 86400]'
run 0 --db "$cdb" report overdue --agent "Moses Frase" --json
run 0 --db "$cdb" report followups --stage won --json
run 2 --db "$cdb" report matrix --sum amount
run 2 --db "$cdb" report pipeline --sum value
run 2 --db "$cdb" report pipeline --agent nobody
run 0 --db "$cdb" import "$dir/deals.csv" --mapping "$src/examples/mappings/crm-deals.json" --json
json 'd["unchanged"] == 5 and d["dispositions"] == 0 and d["repeats"] == 7'

# ---- import ----
xdb=$dir/import.db
csv=$dir/leads.csv
map=$dir/map.json
cat >"$map" <<'EOF'
{"format": 1, "dedupe": "external_id", "placeholders": ["Select"],
 "fields": {"external_id": "Id", "name": "Name"},
 "flags": {"do_not_call": "DNC"},
 "dispositions": [{"action": "lead_update", "milestone": "no_milestone",
   "status": {"column": "Outcome", "values": {"rang": "attempted_contact", "fresh": "new"}}}]}
EOF
printf 'Id,Name,DNC,Outcome\r\ni1,Ann,no,rang\r\ni2,"Bob\r\nJr",yes,fresh\r\ni3,Cy,,Select\r\n' >"$csv"
last="import"
run 0 --db "$xdb" init --model leadmanager
run 0 --db "$xdb" import "$csv" --mapping "$map" && has '^3 rows read: 3 leads imported' "$out"
run 0 --db "$xdb" import "$csv" --mapping "$map" --json
json 'd["ok"] and d["rows"] == 3 and d["updated"] + d["unchanged"] == 3 and d["imported"] == 0 and d["rejects"] == []'
# With the rows' own time, a second import of the same file records nothing.
run 0 --db "$xdb" import "$csv" --mapping "$map" --at 2030-01-01
run 0 --db "$xdb" import "$csv" --mapping "$map" --at 2030-01-01 --json
json 'd["ok"] and d["unchanged"] == 3 and d["updated"] == 0 and d["dispositions"] == 0 and d["repeats"] == 3'
run 0 --db "$xdb" report pipeline --by status --json
json '{r["status"]: r["count"] for r in d["rows"]} == {"new": 2, "attempted_contact": 1}'
# Bad rows: all or nothing by default, with each line; --skip-bad imports the rest.
printf 'Id,Name,DNC,Outcome\nb1,Ann,no,rang\nb2,Bob,no\nb3,"Cy\nline two",no,dunno\nb4,Di,no,fresh\n' >"$csv"
run 3 --db "$xdb" import "$csv" --mapping "$map"
has '^line 3: the row has 3 fields but the header has 4' "$err"
has "^line 4: column 'Outcome': the value 'dunno'" "$err"
has 'run again with --skip-bad' "$err"
if grep -q '^line 3' "$out"; then echo "FAIL: import: a bad row on stdout" >&2; exit 1; fi
run 3 --db "$xdb" import "$csv" --mapping "$map" --rejects "$dir/rejects.csv"
python3 - "$dir/rejects.csv" <<'PY' || { echo "FAIL: import --rejects: not the CSV expected" >&2; exit 1; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["line"] for r in rows] == ["3", "4"], rows
assert rows[0]["code"] == "LC_EFORMAT" and "header has 4" in rows[0]["reason"], rows
PY
if grep -q '^line 3' "$err"; then echo "FAIL: import --rejects: bad rows still on stderr" >&2; exit 1; fi
run 0 --db "$xdb" report pipeline --by status --json
json 'sum(r["count"] for r in d["rows"]) == 3'
run 0 --db "$xdb" import "$csv" --mapping "$map" --skip-bad --json
json 'd["ok"] and d["imported"] == 2 and d["skipped"] == 2 and [r["line"] for r in d["rejects"]] == [3, 4]'
# A violation is exit 1.
cat >"$dir/hot.json" <<'EOF'
{"format": 1, "fields": {"external_id": "Id"},
 "dispositions": [{"action": "call", "milestone": "contacted", "status": "hot"}]}
EOF
printf 'Id\nh1\n' >"$csv"
run 1 --db "$xdb" import "$csv" --mapping "$dir/hot.json"
has 'follow-up' "$err"
# Bad flags and bad files.
run 2 --db "$xdb" import "$csv"
has 'needs --mapping' "$err"
run 2 --db "$xdb" import --mapping "$map"
run 2 --db "$xdb" import "$csv" --mapping "$map" --at someday
run 2 --db "$xdb" import "$csv" --mapping "$map" --frob
run 3 --db "$xdb" import "$dir/missing.csv" --mapping "$map"
run 3 --db "$xdb" import "$csv" --mapping "$dir/missing.json"
echo '{"format": 1, "colums": {}}' >"$dir/bad.json"
run 3 --db "$xdb" import "$csv" --mapping "$dir/bad.json"
has "unknown field 'colums'" "$err"
printf 'Other\nx\n' >"$csv"
run 3 --db "$xdb" import "$csv" --mapping "$map"
has "column 'Id'" "$err"
run 4 --db "$dir/none.db" import "$csv" --mapping "$map"
run 0 import --help
has '^usage: leadctl \[--db FILE\] import FILE --mapping MAP' "$out"

# ---- the shipped X Education files, on the real data when present ----
data=${LC_DATA_DIR:-$src/../shared/data}
if [ -f "$data/x-education-leads.csv" ]; then
  last="x-education import"
  xe=$dir/x.db
  run 0 --db "$xe" init --model "$src/examples/models/x-education.json"
  run 0 --db "$xe" import "$data/x-education-leads.csv" --mapping "$src/examples/mappings/x-education.json" --json
  json 'd["imported"] == 9237 and d["rejected"] == 0'
  run 0 --db "$xe" report pipeline --by lifecycle --json
  json '{r["lifecycle"]: r["count"] for r in d["rows"]} == {"open": 5678, "won": 3559}'
  run 0 --db "$xe" report matrix --csv && csvok 100
else
  echo "skipped: $data/x-education-leads.csv is absent (set LC_DATA_DIR to run the real-data part)"
fi

# ---- the man page documents every command and renders cleanly ----
man=$src/docs/leadctl.1
last="man page"
for c in $("$leadctl" --help | awk '/^commands:/ {on = 1; next} on && NF && /^  / {print $1}'); do
  grep -q "^\.SS $c\$" "$man" || { echo "FAIL: docs/leadctl.1 has no section for '$c'"; failures=$((failures + 1)); }
done
for code in 0 1 2 3 4; do
  grep -q "^\.B $code\$" "$man" || { echo "FAIL: docs/leadctl.1 does not explain exit status $code"; failures=$((failures + 1)); }
done
if command -v groff >/dev/null; then
  if [ -n "$(groff -man -Tutf8 -ww -z "$man" 2>&1)" ]; then
    echo "FAIL: groff warns about docs/leadctl.1:"
    groff -man -Tutf8 -ww -z "$man" 2>&1 | head -5
    failures=$((failures + 1))
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "leadctl import/report/demo: all checks passed"
