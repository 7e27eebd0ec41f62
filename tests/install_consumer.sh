#!/usr/bin/env bash
# Installs the build into a temporary DESTDIR, then builds and runs a small
# program outside the tree with nothing but `pkg-config --cflags --libs leadcore`.
set -euo pipefail
build=$1 cc=${2:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name leadcore.pc | head -n 1)
[ -n "$pc" ] || { echo "leadcore.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$tmp/root"
find "$tmp/root" -path '*/include/leadcore/leadcore.h' | grep -q . || { echo "headers not installed"; exit 1; }
find "$tmp/root" -name leadctl -type f | grep -q . || { echo "leadctl not installed"; exit 1; }
cat > "$tmp/consumer.c" <<'C'
#include <leadcore/leadcore.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	int major = -1;
	lc_version(&major, NULL, NULL);
	if (major != LC_VERSION_MAJOR || strcmp(lc_version_string(), LC_VERSION_STRING) != 0)
		return 1;
	printf("consumer linked leadcore %s\n", lc_version_string());
	return 0;
}
C
# shellcheck disable=SC2046
"$cc" -std=c17 -Wall -Werror -o "$tmp/consumer" "$tmp/consumer.c" $(pkg-config --cflags --libs leadcore)
libdir=$(dirname "$(find "$tmp/root" -name 'libleadcore.so.1' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$tmp/consumer"
