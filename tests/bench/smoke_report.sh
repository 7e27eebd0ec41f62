#!/usr/bin/env bash
# bench-smoke-table: tests/bench/report.py turns the smoke runs' JSON lines
# into the table of docs/performance.md (every DESIGN §7 row present, the
# measured ones with a verdict), without touching the real file.
# usage: smoke_report.sh PYTHON REPORT_PY OUTDIR BENCH_PROGRAM...
set -euo pipefail
py=$1 report=$2 out=$3
shift 3
results=$out/bench-smoke-results.jsonl
: > "$results"
for prog in "$@"; do
  "$prog" --smoke --dir "$out" >> "$results"
done
table=$("$py" "$report" --results "$results" --command "smoke" --reps 1 --print)
fail=0
for row in "validate a disposition in memory" "apply through the memory backend" \
           "apply through SQLite, batched" "apply through SQLite, one transaction per call" \
           "import CSV" "pipeline report over" "one agent's worklist over" \
           "particle stage transitions in memory vs pytransitions" \
           "particle stage transitions in memory vs XState v5" "growth"; do
  grep -q -- "| $row" <<<"$table" || { echo "missing row: $row" >&2; fail=1; }
done
# validate was measured by the smoke run: it must carry a verdict.
grep -E '^\| validate a disposition in memory .*\| (met|\*\*missed\*\*) \|' <<<"$table" >/dev/null ||
  { echo "validate has no verdict" >&2; fail=1; }
# Writing into a copy keeps the prose around the markers.
doc=$out/performance-copy.md
printf '# Title\n\nprose before\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nprose after\n' > "$doc"
"$py" "$report" --results "$results" --out "$doc" --command smoke --reps 1
grep -q 'prose before' "$doc" && grep -q 'prose after' "$doc" && ! grep -qx 'old' "$doc" ||
  { echo "report.py did not replace only the marked block" >&2; fail=1; }
# Rows keep their command and are marked when the machine was loaded (as
# scripts/bench.sh records it); --check-quiet tells a quiet run from a loaded one.
with_load() { awk -v b="$1" -v a="$2" '/^\{/ { sub(/^\{/, "{\"cmd\":\"bench_x --n 1\",\"load_before\":" b ",\"load_after\":" a ",") } { print }' "$results"; }
with_load 0.1 1.2 > "$out/quiet.jsonl"
with_load 0.1 2.0 > "$out/loaded.jsonl"
"$py" "$report" --results "$out/quiet.jsonl" --check-quiet ||
  { echo "a quiet run was called loaded" >&2; fail=1; }
! "$py" "$report" --results "$out/loaded.jsonl" --check-quiet 2>/dev/null ||
  { echo "a loaded run was called quiet" >&2; fail=1; }
table=$("$py" "$report" --results "$out/loaded.jsonl" --command smoke --reps 1 --print)
grep -E '^\| validate a disposition in memory .*\(loaded\) \|.*`bench_x --n 1` \(load 0.1' <<<"$table" >/dev/null ||
  { echo "a loaded row is not marked or lost its command" >&2; fail=1; }
[ $fail = 0 ] && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; exit 1; }
