#!/usr/bin/env bash
# Checks from the static library's symbol tables that dependencies point down
# (docs/storage.md, "Architecture"):
#  1. each module references only symbols of its own or of lower modules:
#     core < model < engine < lead < store < workflow, report, import < plugins
#     (so the store never calls into workflow, and the record knows no storage);
#     the one name taken from above is lc__db_plugins, the assembly's list of
#     what plugs into every lc_db (src/plugins.c), which names no module;
#  2. the built-in backends (src/store/<backend>/) are written like a
#     third-party backend: besides their own folder they reach the library
#     only through exported functions (src/leadcore.map) and src/core helpers.
set -euo pipefail
lib=$1 map=$2 nm=${3:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "member symbol" lines; members are named src_<module>_<file>.c.o by meson.
"$nm" -A --defined-only "$lib" 2>/dev/null | awk -F'[: ]+' '$(NF-1) ~ /^[TDBRVW]$/ {print $2, $NF}' \
	| sort -u >"$tmp/defined"
"$nm" -A --undefined-only "$lib" 2>/dev/null | awk -F'[: ]+' '{print $2, $NF}' | sort -u >"$tmp/undefined"
sed -e 's#/\*.*\*/##g' "$map" | grep -Eo '^[[:space:]]*lc_[A-Za-z0-9_]+;' | tr -d ' \t;' | sort -u >"$tmp/exported"

module() { # member -> module (store backends count as store/<backend>)
	case $1 in
	src_store_sqlite_*) echo store/sqlite ;;
	src_store_memory_*) echo store/memory ;;
	src_plugins.c.o) echo plugins ;;
	meson-generated_.._src_*) local m=${1#meson-generated_.._src_}; echo "${m%%_*}" ;;
	src_*) local m=${1#src_}; echo "${m%%_*}" ;;
	*) echo other ;;
	esac
}
rank() {
	case $1 in
	core) echo 0 ;; model) echo 1 ;; engine) echo 2 ;; lead) echo 3 ;;
	store | store/*) echo 4 ;; workflow | report | import) echo 5 ;; plugins) echo 6 ;;
	*) echo 9 ;;
	esac
}

declare -A owner
while read -r member sym; do owner[$sym]=$(module "$member"); done <"$tmp/defined"

fail=0
while read -r member sym; do
	from=$(module "$member")
	to=${owner[$sym]:-}
	[ -n "$to" ] && [ "$to" != "$from" ] || continue
	[ "$sym" = lc__db_plugins ] && continue
	case $from in
	store/*)
		# A backend: its own folder, exported functions and core helpers only.
		if [ "$to" != core ] && ! grep -qx "$sym" "$tmp/exported"; then
			echo "$member ($from) uses $sym of $to, which is not in the public backend API"
			fail=1
		fi
		;;
	*)
		if [ "$(rank "$to")" -gt "$(rank "$from")" ] ||
			{ [ "$(rank "$to")" -eq "$(rank "$from")" ] && [ "${to%%/*}" != "${from%%/*}" ]; }; then
			echo "$member ($from) uses $sym of $to: dependencies must point down"
			fail=1
		fi
		;;
	esac
done <"$tmp/undefined"
[ "$fail" = 0 ] && echo "module dependencies point down; the backends use only the public API"
exit "$fail"
