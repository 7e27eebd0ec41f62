#!/usr/bin/env bash
# Line and branch coverage of src/ (the library only; tests and examples do
# not count). Builds build-cov (-Db_coverage=true, -O0 so that lines map to
# code), runs the C suites, prints gcovr's per-file table and its summary.
# LC_COVERAGE_FAST=1 leaves the slow suites out; LC_BUILD_PREFIX renames the
# build directory (PREFIX-cov).
set -euo pipefail
cd "$(dirname "$0")/.."
b=${LC_BUILD_PREFIX:-build}-cov
jobs=$(nproc 2>/dev/null || echo 2)
# -O0, warnings still errors: gcc's -O0 flow analysis differs from the
# optimised builds', and this is where CI sees it.
[ -f "$b/build.ninja" ] || meson setup "$b" -Db_coverage=true -Dbuildtype=debug -Ddocs=disabled
meson compile -C "$b"
# Counts from an earlier run would add up with this one.
find "$b" -name '*.gcda' -delete
skip=()
[ "${LC_COVERAGE_FAST:-0}" = 1 ] && skip=(--no-suite slow)
meson test -C "$b" --print-errorlogs --num-processes "$jobs" --suite c "${skip[@]}"
gcovr --root . --object-directory "$b" --filter 'src/' --exclude-unreachable-branches \
	--sort-percentage --print-summary
