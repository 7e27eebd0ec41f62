#!/usr/bin/env bash
# The library's messages reach C, Python and dashboard users alike: they name
# library calls and model fields, never leadctl's commands or options (leadctl
# adds its own hints). Fails on a string literal in src/ that does.
set -euo pipefail
root=$1
hits=$(grep -rnE '"[^"]*(leadctl|(^|[ (])--[a-z])[^"]*"' "$root/src" --include='*.c' --include='*.h' |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [ -n "$hits" ]; then
	echo "library messages that tell the caller to run leadctl:"
	echo "$hits"
	exit 1
fi
echo "no library message names leadctl"
