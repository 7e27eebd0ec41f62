#!/usr/bin/env bash
# Regenerates abi/leadcore.abi, the baseline that scripts/test.sh's abidiff
# stage compares libleadcore.so against. Run it at a release (docs/abi.md),
# from the normal debugoptimized build (debug info is what abidw reads):
#   bash scripts/abi-baseline.sh        then commit abi/leadcore.abi
# LC_BUILD_PREFIX names the build directory (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
b=${LC_BUILD_PREFIX:-build}
[ -f "$b/build.ninja" ] || meson setup "$b"
meson compile -C "$b" >/dev/null
# Only types from the public headers count; no path of this machine (corpus,
# compilation directory, long source locations) goes into the file.
abidw --no-corpus-path --no-comp-dir-path --short-locs --drop-private-types \
	--headers-dir include/leadcore --out-file abi/leadcore.abi "$b/libleadcore.so"
echo "abi/leadcore.abi: $(grep -c '<elf-symbol ' abi/leadcore.abi) exported symbols"
