#!/usr/bin/env bash
# Runs one libFuzzer target for a while:
#   scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh fuzz_model_json 600
#   scripts/fuzz.sh TARGET 0           replay the regression inputs only
#   scripts/fuzz.sh --list             the targets this tree builds
#
# Builds build-fuzz (clang, -Dfuzz=true, ASan + UBSan; LC_BUILD_PREFIX renames
# it PREFIX-fuzz), replays tests/fuzz/regressions/TARGET/ (any failure stops
# here), seeds tests/fuzz/corpus-TARGET/ (git-ignored) from the presets, the
# test fixtures and ../shared/data when present, then fuzzes on one core at
# low priority. A crash is saved under build-fuzz/artifacts/TARGET/ and fails
# the run; turn it into tests/fuzz/regressions/TARGET/<name> once fixed.
# The log, with libFuzzer's final statistics, is build-fuzz/fuzz-TARGET.log.
set -euo pipefail

# Everything runs inside main, which bash reads whole before running: a long
# run is not disturbed when this file is edited meanwhile.
main() {
	cd "$(dirname "$0")/.."
	b=${LC_BUILD_PREFIX:-build}-fuzz

	usage() { echo "usage: scripts/fuzz.sh TARGET SECONDS | --list" >&2; exit 2; }

	if [ ! -f "$b/build.ninja" ]; then
		# werror is off: the gcc build judges warnings; this one hunts bugs.
		CC=clang meson setup "$b" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
			-Dwerror=false -Ddocs=disabled >/dev/null
	fi

	# Regenerate first when a meson.build changed, so new targets show up.
	ninja -C "$b" build.ninja >/dev/null
	list_targets() {
		meson introspect "$b" --targets | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    n = t["name"]
    if t["type"] == "executable" and n.startswith("fuzz_") and not n.endswith("_replay"):
        print(n)'
	}

	if [ "${1:-}" = "--list" ]; then
		list_targets
		exit 0
	fi
	[ $# -eq 2 ] || usage
	target=$1 secs=$2
	[[ "$secs" =~ ^[0-9]+$ ]] || usage
	local all
	all=$(list_targets)
	if ! grep -qx "$target" <<<"$all"; then
		echo "fuzz.sh: no target '$target'; built targets: $(tr '\n' ' ' <<<"$all")" >&2
		exit 2
	fi

	meson compile -C "$b" "$target" >/dev/null
	bin="$b/tests/fuzz/$target"
	# Options already in the environment are appended (e.g. a local UBSan
	# suppressions file, to fuzz past an open finding during a long run).
	export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	# Open findings (tests/fuzz/findings/README.md) must not stop every run.
	if grep -qv '^#' tests/fuzz/ubsan-open-findings.supp 2>/dev/null; then
		UBSAN_OPTIONS+=":suppressions=$PWD/tests/fuzz/ubsan-open-findings.supp"
	fi

	# 1. Every regression input must pass (libFuzzer runs files it is given once).
	reg="tests/fuzz/regressions/$target"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		"$bin" -runs=1 "$reg"/* >"$b/replay-$target.log" 2>&1 || {
			cat "$b/replay-$target.log" >&2
			echo "fuzz.sh: a regression input of $target fails again (log above)" >&2
			exit 1
		}
		echo "$target: $(find "$reg" -type f | wc -l) regression inputs pass"
	fi

	# SECONDS=0: replay only.
	if [ "$secs" -eq 0 ]; then
		echo "$target: replay only (0 seconds)"
		exit 0
	fi

	# 2. Seed the corpus. Copies are named by content so that reseeding is idempotent.
	corpus="tests/fuzz/corpus-${target#fuzz_}"
	mkdir -p "$corpus"
	seed() {
		local f
		for f in "$@"; do
			[ -f "$f" ] || continue
			cp "$f" "$corpus/seed-$(sha1sum "$f" | cut -c1-16)"
		done
	}
	# Splits a CSV into small pieces (its header and N rows each, after the
	# target's control byte CTL, two hex digits): libFuzzer mutates small
	# inputs far better than one large file.
	seed_csv() {
		local f=$1 rows=$2 ctl=$3 tmp p
		tmp=$(mktemp -d)
		head -n 2001 "$f" | tail -n +2 | split -l "$rows" - "$tmp/part-"
		for p in "$tmp"/part-*; do
			{ printf "\\x$ctl"; head -n 1 "$f"; cat "$p"; } >"$p.csv"
		done
		seed "$tmp"/part-*.csv
		rm -rf "$tmp"
	}
	shopt -s nullglob globstar
	case "$target" in
	fuzz_model_json)
		seed src/model/presets/*.json tests/data/**/*.json "$reg"/*
		;;
	fuzz_import_csv)
		# Input: a control byte, then the CSV (tests/fuzz/fuzz_import_csv.c);
		# control byte 00 reads it with the X Education mapping.
		seed tests/fuzz/seeds/import_csv/* "$reg"/*
		for f in tests/data/**/*.csv ../shared/data/*.csv; do
			seed_csv "$f" 8 00
		done
		;;
	fuzz_api_sequence | fuzz_api_lockstep)
		# One input format, two targets (tests/fuzz/fuzz_api_sequence.c).
		seed tests/fuzz/seeds/api_sequence/* tests/fuzz/regressions/fuzz_api_*/*
		;;
	*)
		seed tests/fuzz/seeds/"${target#fuzz_}"/* "$reg"/*
		;;
	esac
	shopt -u nullglob globstar

	# 3. Fuzz. -timeout catches hangs; -rss_limit_mb catches runaway memory.
	art="$b/artifacts/$target"
	mkdir -p "$art"
	dict=()
	[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
	# Targets whose inputs run long paths (two stores each) spend half their
	# time in the entropic schedule's bookkeeping; plain scheduling runs
	# twice as many inputs. LC_FUZZ_FLAGS adds libFuzzer flags of your own.
	case "$target" in
	fuzz_api_sequence | fuzz_api_lockstep | fuzz_import_csv) dict+=(-entropic=0) ;;
	esac
	# shellcheck disable=SC2206
	dict+=(${LC_FUZZ_FLAGS:-})
	# A store file needs room: the seed is 24 KiB.
	max_len=16384
	[ "$target" = fuzz_store_bytes ] && max_len=65536
	log="$b/fuzz-$target.log"
	echo "$target: fuzzing ${secs}s from $(find "$corpus" -type f | wc -l) corpus inputs (log: $log)"
	set +e
	nice -n "${LC_FUZZ_NICE:-10}" "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-max_len="${LC_FUZZ_MAX_LEN:-$max_len}" -print_final_stats=1 -artifact_prefix="$art/" \
		"${dict[@]}" "$corpus" >"$log" 2>&1
	rc=$?
	set -e
	runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+' || true)
	if [ $rc -ne 0 ]; then
		tail -n 60 "$log" >&2
		echo "fuzz.sh: $target FAILED (exit $rc); input saved in $art/; reproduce with: $bin $art/<file>" >&2
		exit 1
	fi
	echo "$target: ok, ${runs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) inputs"
}

# One line, so that bash has read it whole before main runs.
main "$@"; exit $?
