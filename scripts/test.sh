#!/usr/bin/env bash
# Builds leadcore and runs the whole test suite, then builds the API docs,
# then the quality gates: sanitizers, valgrind, fuzz smoke, ABI and coverage.
# Every stage prints `== stage ==`. A failure of the build, the tests or the
# docs stops the run at once; the gates after them all run even when one
# fails, so that one report shows every gate, and the run then fails naming
# each failed gate.
#
# Build directories are reused when present: build, build-asan, build-fuzz,
# build-cov. LC_BUILD_PREFIX renames them (LC_BUILD_PREFIX=build-me gives
# build-me, build-me-asan, ...), for developers who share a working tree.
# LC_FUZZ_SECONDS sets the fuzz smoke time per target (default 15, which
# keeps the eight targets near three minutes; 0 replays
# the regression inputs only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)
b=${LC_BUILD_PREFIX:-build}
export LC_BUILD_PREFIX=$b

# Stage bookkeeping: the header, the time each stage took, and a loud line
# naming the stage that failed.
stage_name="" stage_start=$SECONDS run_start=$SECONDS
timings=()
stage() {
	stage_end
	stage_name=$1 stage_start=$SECONDS
	echo
	echo "== $stage_name =="
}
stage_end() {
	if [ -n "$stage_name" ]; then
		timings+=("$(printf '%5ds  %s' $((SECONDS - stage_start)) "$stage_name")")
	fi
	stage_name=""
}
pgdir=""
on_exit() {
	local rc=$?
	if [ $rc -ne 0 ] && [ -n "$stage_name" ]; then
		echo >&2
		echo "== FAILED: $stage_name (exit $rc) ==" >&2
	fi
	[ -z "$pgdir" ] || bash scripts/pg-server.sh stop "$pgdir"
}
trap on_exit EXIT

# The PostgreSQL backend is tested on a throw-away server of our own (unix
# socket, no TCP port), stopped on exit. Its suites fail instead of skipping
# (LC_TEST_PG_REQUIRED), so no run passes with the backend untested.
stage "PostgreSQL test server"
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/leadcore-pg.XXXXXX")
LC_TEST_PG_URI=$(bash scripts/pg-server.sh start "$pgdir")
export LC_TEST_PG_URI LC_TEST_PG_REQUIRED=1
echo "started $LC_TEST_PG_URI"

stage "build and test (debugoptimized)"
[ -f "$b/build.ninja" ] || meson setup "$b" -Dpostgres=enabled
meson configure "$b" -Dpostgres=enabled
meson compile -C "$b"
meson test -C "$b" --print-errorlogs --num-processes "$jobs"

stage "API docs (Doxygen, warnings are errors)"
meson compile -C "$b" docs

# The gates. Each runs in a subshell with errexit on; a failure is recorded
# and the next gate still runs.
failed=()
gate() {
	local name=$1 rc
	shift
	stage "$name"
	set +e
	(
		set -e
		"$@"
	)
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		failed+=("$name")
		echo "== FAILED: $name (exit $rc) ==" >&2
	fi
}

# Every suite again under AddressSanitizer + UBSan, halting on the first
# report. The packaging check is left out: it links a plain consumer against
# the installed library, which cannot load a sanitized libleadcore (it ran
# in the first stage).
gate_sanitizers() {
	[ -f "$b-asan/build.ninja" ] || meson setup "$b-asan" -Db_sanitize=address,undefined -Db_lundef=false -Dpostgres=enabled
	meson compile -C "$b-asan"
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
		meson test -C "$b-asan" --print-errorlogs --num-processes "$jobs" --no-suite packaging
}

# The release configuration the demo and the benchmarks build (-O3, with the
# benchmark programs), compiled with warnings as errors: -O3's flow analysis
# finds maybe-uninitialized warnings the other builds do not.
gate_release() {
	[ -f "$b-release/build.ninja" ] || meson setup "$b-release" --buildtype=release -Dbench=true -Ddocs=disabled
	meson compile -C "$b-release"
}

# The C test executables (suite 'c') under memcheck, slow suites excluded.
# Any error or definite leak fails.
gate_valgrind() {
	local vg="valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --track-origins=no"
	[ -f tests/valgrind.supp ] && vg+=" --suppressions=$PWD/tests/valgrind.supp"
	meson test -C "$b" --print-errorlogs --num-processes "$jobs" --suite c --no-suite slow \
		--timeout-multiplier 10 --wrap="$vg"
}

# Every target: its regression inputs, then a short libFuzzer run. All
# targets run; the gate fails if any did.
gate_fuzz() {
	local targets t bad=0
	targets=$(bash scripts/fuzz.sh --list)
	# A target is built once the API it drives is exported (tests/fuzz/meson.build).
	[ -n "$targets" ] || echo "no fuzz target is built yet: none of their APIs is exported"
	for t in $targets; do
		bash scripts/fuzz.sh "$t" "${LC_FUZZ_SECONDS:-15}" || bad=1
	done
	return $bad
}

# Incompatible changes (exit bit 8) and other changes (bit 4) fail; added
# functions and variables are compatible and only listed (docs/abi.md).
gate_abi() {
	local lib="$b/libleadcore.so" rc supp=()
	[ -f abi/leadcore.abignore ] && supp=(--suppressions abi/leadcore.abignore)
	set +e
	abidiff --no-added-syms "${supp[@]}" --headers-dir2 include/leadcore abi/leadcore.abi "$lib"
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		[ $((rc & 8)) -ne 0 ] && echo "abidiff: INCOMPATIBLE ABI change against abi/leadcore.abi" >&2
		[ $((rc & 4)) -ne 0 ] && echo "abidiff: ABI change against abi/leadcore.abi (see docs/abi.md)" >&2
		[ $((rc & 3)) -ne 0 ] && echo "abidiff could not compare (exit $rc)" >&2
		return 1
	fi
	abidiff --added-fns --added-vars --headers-dir2 include/leadcore abi/leadcore.abi "$lib" |
		grep -E "^ +\[A\]" || echo "no symbol added since the baseline"
	echo "ABI compatible with the baseline"
}

gate "release build (-O3, warnings are errors)" gate_release
gate "sanitizers (ASan + UBSan)" gate_sanitizers
gate "valgrind memcheck (suite c, not slow)" gate_valgrind
gate "fuzz smoke (libFuzzer, ${LC_FUZZ_SECONDS:-15}s a target)" gate_fuzz
gate "ABI (abidiff against abi/leadcore.abi)" gate_abi
gate "coverage (gcovr, src/)" bash scripts/coverage.sh

stage_end
echo
echo "== stage times =="
printf '%s\n' "${timings[@]}"
printf '%5ds  total\n' $((SECONDS - run_start))
if [ ${#failed[@]} -ne 0 ]; then
	echo
	echo "== FAILED gates: ${#failed[@]} ==" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "== all stages passed =="
