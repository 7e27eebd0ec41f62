#!/usr/bin/env bash
# Instructions per apply, load-independent (valgrind's callgrind), for one
# case and side of tests/bench/bench_apply: the difference of two runs of N1
# and N2 applies, so that opening and filling the stores cancels out.
#
#   scripts/callgrind-apply.sh BENCH_APPLY CASE SIDE N1 N2
#   scripts/callgrind-apply.sh build-bench/tests/bench/bench_apply sqlite_batched baseline 2000 7000
#
# CASE: memory, sqlite_batched, sqlite_per_tx (which runs a tenth of --n);
# SIDE: leadcore or baseline (the hand-written SQLite loop).
set -euo pipefail
[ $# = 5 ] || { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }
bin=$1 case=$2 side=$3 n1=$4 n2=$5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export LC_SOURCE_ROOT=${LC_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$bin" --case "$case" \
		--only "$side" --n "$1" --reps 1 --dir "$dir" >/dev/null 2>"$dir/err" ||
		{ cat "$dir/err" >&2; exit 1; }
	sed -n 's/^summary: //p' "$dir/cg.out"
	rm -f "$dir"/*.db*
}
a=$(ir "$n1")
b=$(ir "$n2")
per=1
[ "$case" = sqlite_per_tx ] && per=10
echo "$case $side $(((b - a) * per / (n2 - n1))) instructions per apply"
