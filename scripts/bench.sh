#!/usr/bin/env bash
# Runs leadcore's benchmarks side by side (DESIGN §7) and writes the table of
# medians and ratios into docs/performance.md.
#
#   scripts/bench.sh [--reps R] [--quick] [--big] [--no-write] [--keep]
#                    [--max-load L] [--require-quiet]
#
#   --reps R    runs a side (default 5); the two sides of each comparison
#               alternate (A B A B ...) and the table shows medians
#   --quick     small sizes (a few minutes; for trying the script)
#   --big       growth up to 10 M leads as well (~15 minutes more, ~4 GB of disk)
#   --no-write  print the table instead of writing docs/performance.md
#   --keep      keep the store files (build-bench/stores/)
#   --postgres  only the PostgreSQL rows (bench_pg: apply per transaction and
#               batched against hand-written libpq, the pipeline at 1 M leads
#               against the raw GROUP BY, 1/4/16 writer processes) on a
#               throw-away durable server; prints the JSON lines and the load
#   --max-load L  the machine is quiet when the 1-minute load average is at
#               most L before a program (default 0.5) and at most L + 1 after
#               it (the program itself adds up to 1); every measurement keeps
#               the command and the load around it, and the table marks the
#               rows measured on a loaded machine "(loaded)"
#   --require-quiet  refuse to write the table when any program ran loaded
#
# It installs what it needs if missing (scripts/deps.sh bench; xstate into
# tests/bench/peers/node_modules, which git ignores), builds a release build
# with -Dbench=true in build-bench/, and runs one program at a time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

reps=5
postgres=0
quick=0
big=0
write=1
keep=0
max_load=0.5
require_quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=${2:?--reps needs a count}; shift ;;
    --quick) quick=1 ;;
    --big) big=1 ;;
    --no-write) write=0 ;;
    --keep) keep=1 ;;
    --postgres) postgres=1 ;;
    --max-load) max_load=${2:?--max-load needs a load average}; shift ;;
    --require-quiet) require_quiet=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
command_line="scripts/bench.sh"
[ "$reps" != 5 ] && command_line+=" --reps $reps"
[ $quick = 1 ] && command_line+=" --quick"
[ $big = 1 ] && command_line+=" --big"

# Debian's python3 carries python3-transitions; another python3 first on PATH
# (pyenv, a venv) would not see it.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)

# --- peers and tools --------------------------------------------------------
if ! "$py" -c 'import transitions' 2>/dev/null || ! command -v node >/dev/null ||
   ! command -v npm >/dev/null || ! command -v sqlite3 >/dev/null; then
  bash scripts/deps.sh bench
fi
if [ ! -d tests/bench/peers/node_modules/xstate ]; then
  echo "bench.sh: installing xstate into tests/bench/peers/node_modules" >&2
  (cd tests/bench/peers && npm install --no-audit --no-fund --loglevel=error) >&2
fi

# --- build ------------------------------------------------------------------
# A release build with warnings as errors, like every other build: CI
# compiles the same configuration (scripts/test.sh), so -O3's extra
# maybe-uninitialized warnings are caught before a measurement.
build=build-bench
setup=(-Dbench=true -Dbuildtype=release -Dwerror=true)
if [ -f "$build/build.ninja" ]; then
  meson configure "$build" "${setup[@]}" >/dev/null
else
  meson setup "$build" "${setup[@]}" >/dev/null
fi
if ! ninja -C "$build" -j 1 >"$build/build.log" 2>&1; then
  echo "bench.sh: the release build failed; see $build/build.log" >&2
  grep -E 'error|FAILED' "$build/build.log" | head -20 >&2
  exit 1
fi
bin=$build/tests/bench
stores=$build/stores
mkdir -p "$stores"

# One program at a time, each single-threaded: at most one core, which is
# what the targets mean. Not pinned to a given core: on a shared machine the
# scheduler finds the idle one.

results=$build/bench-results.jsonl
: > "$results"
log=$build/bench.log
: > "$log"

loadavg() { cut -d' ' -f1 /proc/loadavg; }
run() { # run PROGRAM ARGS...: append its JSON lines, each with the command and the load
  local before after out cmd
  before=$(loadavg)
  echo "+ $* (load average before: $before)" >>"$log"
  out=$("$@" 2>>"$log") || {
    echo "bench.sh: '$*' failed; see $log" >&2
    tail -5 "$log" >&2
    return 1
  }
  after=$(loadavg)
  echo "  load average after: $after" >>"$log"
  cmd=${*//$root\//}
  printf '%s\n' "$out" | awk -v cmd="$cmd" -v b="$before" -v a="$after" '
    BEGIN { gsub(/["\\]/, "\\\\&", cmd) }
    /^\{/ { sub(/^\{/, "{\"cmd\":\"" cmd "\",\"load_before\":" b ",\"load_after\":" a ",") }
    { print }' >>"$results"
}
have() { [ -x "$bin/$1" ]; }
skipped=()

# --- PostgreSQL: its own server, its own rows (docs/performance.md) ----------
if [ $postgres = 1 ]; then
  have bench_pg || { echo "bench.sh: bench_pg was not built (libpq-dev missing?)" >&2; exit 1; }
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/leadcore-pgbench.XXXXXX")
  trap 'bash scripts/pg-server.sh stop "$pgdir"' EXIT
  uri=$(bash scripts/pg-server.sh start "$pgdir" durable)
  pg_args=()
  [ $quick = 1 ] && pg_args+=(--quick)
  uptime
  run "$bin/bench_pg" "$uri" "${pg_args[@]}"
  uptime
  cat "$results"
  exit 0
fi

if [ $quick = 1 ]; then
  n_validate=2m n_peer=100k n_apply=20k n_durable=2000 n_import=50k size=50k
  growth=10k,50k
else
  n_validate=20m n_peer=1m n_apply=200k n_durable=20000 n_import=1m size=1m
  growth=10k,100k,1m
  [ $big = 1 ] && growth+=,10m
fi
export LC_SOURCE_ROOT=$root

# --- engine: validate (absolute target) -------------------------------------
echo "bench.sh: validate" >&2
run "$bin/bench_engine" --case validate --n $n_validate --reps "$reps"

# --- peers in memory: C, Python, Node in turn -------------------------------
echo "bench.sh: particle transitions (leadcore, pytransitions, XState)" >&2
for ((r = 0; r < reps; r++)); do
  # leadcore's run is ~100 x shorter: several measurements a round, each of
  # the same number of transitions, so that one burst of load is not the median.
  run "$bin/bench_engine" --case particle --n $n_peer --reps 5
  run "$py" tests/bench/peers/particle_pytransitions.py --n $n_peer --reps 1
  run node tests/bench/peers/particle_xstate.mjs --n $n_peer --reps 1
done
# The same with a violation list filled on each refusal (informational).
run "$bin/bench_engine" --case particle_explained --n $n_peer --reps "$reps"

# --- apply: memory, SQLite batched and per transaction vs the hand-written loop
if have bench_apply; then
  echo "bench.sh: apply" >&2
  run "$bin/bench_apply" --n $n_apply --reps "$reps" --dir "$stores"
else
  skipped+=("apply (lc_db_apply is not exported yet)")
fi

# --- durable peer: leadcore vs pytransitions + sqlite3 in turn ---------------
if have bench_durable; then
  echo "bench.sh: durable (leadcore, pytransitions + sqlite3)" >&2
  for ((r = 0; r < reps; r++)); do
    run "$bin/bench_durable" --n $n_durable --reps 1 --dir "$stores"
    run "$py" tests/bench/peers/particle_durable.py --n $n_durable --reps 1 --dir "$stores"
  done
else
  skipped+=("durable (lc_db_apply is not exported yet)")
fi

# --- import: interleaved speed, then each side alone for its peak RSS --------
if have bench_import; then
  echo "bench.sh: import" >&2
  run "$bin/bench_import" --n $n_import --reps "$reps" --dir "$stores"
  run "$bin/bench_import" --case rss --only leadcore --n $n_import --reps 1 --dir "$stores"
else
  skipped+=("import (the importer is not exported yet)")
fi

# --- reports, worklists and growth -------------------------------------------
if have bench_report; then
  echo "bench.sh: pipeline report" >&2
  run "$bin/bench_report" --sizes $size --reps "$reps" --dir "$stores"
else
  skipped+=("pipeline report (lc_report_pipeline is not exported yet)")
fi
if have bench_worklist; then
  echo "bench.sh: worklist" >&2
  run "$bin/bench_worklist" --sizes $size --reps "$reps" --dir "$stores"
else
  skipped+=("worklist (lc_worklist_get is not exported yet)")
fi
if have bench_growth; then
  echo "bench.sh: growth ($growth)" >&2
  run "$bin/bench_growth" --sizes $growth --reps "$reps" --dir "$stores"
else
  skipped+=("growth (lc_db_apply and lc_worklist_get must both be exported)")
fi

[ $keep = 1 ] || rm -f "$stores"/*.db "$stores"/*.db-wal "$stores"/*.db-shm "$stores"/*.csv

for s in "${skipped[@]}"; do echo "bench.sh: not measured: $s" >&2; done
report=("$py" tests/bench/report.py --results "$results" --command "$command_line"
        --reps "$reps" --max-load "$max_load")
if [ $write = 1 ] && [ $require_quiet = 1 ] && ! "${report[@]}" --check-quiet; then
  echo "bench.sh: the machine was not quiet (load average above $max_load; see $log):" \
       "docs/performance.md left as it was" >&2
  exit 3
fi
if [ $write = 1 ]; then
  "${report[@]}" --out docs/performance.md
  echo "bench.sh: wrote docs/performance.md (raw results: $results)" >&2
else
  "${report[@]}" --print
fi
