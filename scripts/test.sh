#!/usr/bin/env bash
# Builds leadcore and runs the whole test suite, then builds the API docs.
# Later stages (sanitizers, valgrind, fuzz smoke, ABI, coverage) follow below.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build and test (debugoptimized) =="
[ -f build/build.ninja ] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs --num-processes "$jobs"

echo "== API docs (Doxygen, warnings are errors) =="
meson compile -C build docs
