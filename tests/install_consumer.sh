#!/usr/bin/env bash
# Installs the build into a temporary DESTDIR, then builds and runs outside
# the tree, with nothing but `pkg-config --cflags --libs leadcore`:
#  - a small program;
#  - examples/custom_backend.c (a backend), run over both built-ins;
#  - the library headers each built-in backend includes (all but the
#    src/core helpers), which must all be installed, public headers.
set -euo pipefail
build=$1 cc=${2:-cc} src=${3:-$(dirname "$0")/..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name leadcore.pc | head -n 1)
[ -n "$pc" ] || { echo "leadcore.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$tmp/root"
[ -n "$(find "$tmp/root" -path '*/include/leadcore/leadcore.h')" ] || { echo "headers not installed"; exit 1; }
[ -n "$(find "$tmp/root" -name leadctl -type f)" ] || { echo "leadctl not installed"; exit 1; }
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

# shellcheck disable=SC2046
"$cc" -std=c17 -Wall -Wextra -Werror -o "$tmp/custom_backend" "$src/examples/custom_backend.c" \
	$(pkg-config --cflags --libs leadcore)
for b in sqlite memory; do
	LD_LIBRARY_PATH="$libdir" "$tmp/custom_backend" "$b" 2>/dev/null
done

for f in "$src"/src/store/memory/*.c "$src"/src/store/sqlite/*.[ch]; do
	# Quoted includes of the library; core/ (the shared helpers) is allowed.
	for inc in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f" | grep -v '^core/' || true); do
		case $inc in
		leadcore/*) echo "#include <$inc>" ;;
		*) [ -f "$(dirname "$f")/$inc" ] && continue # the backend's own header
		   echo "$f includes \"$inc\", which is not a public header" >&2; exit 1 ;;
		esac
	done >"$tmp/includes.c"
	echo "int lc_backend_includes_ok;" >>"$tmp/includes.c"
	# shellcheck disable=SC2046
	"$cc" -std=c17 -Wall -Wextra -Werror -c -o "$tmp/includes.o" "$tmp/includes.c" \
		$(pkg-config --cflags leadcore)
	echo "$(basename "$f"): its library headers are installed and public"
done
