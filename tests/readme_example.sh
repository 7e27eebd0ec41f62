#!/usr/bin/env bash
# The README's C example works as written: extracted, compiled against the
# public headers alone, linked with the library and run.
set -euo pipefail
root=$1 build=$2 cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on=1; next} /^```$/ {if (on) exit} on' "$root/README.md" >"$tmp/example.c"
"$cc" -std=c17 -Wall -Werror -I"$root/include" -o "$tmp/example" "$tmp/example.c" \
	-L"$build" -lleadcore -Wl,-rpath,"$build"
out=$("$tmp/example")
echo "$out"
grep -q "^Contacted / Hot: 1$" <<<"$out" || { echo "the README says it prints 'Contacted / Hot: 1'"; exit 1; }
