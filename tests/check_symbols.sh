#!/usr/bin/env bash
# Fails when the shared library's exported symbols differ from the version script.
set -euo pipefail
lib=$1 map=$2 nm=${3:-nm}
exported=$("$nm" -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | sort -u)
listed=$(sed -e 's#/\*.*\*/##g' "$map" | grep -E '^[[:space:]]*lc_[A-Za-z0-9_]+;' | tr -d ' \t;' | sort -u)
if [ "$exported" != "$listed" ]; then
  echo "exported symbols differ from $map:"
  diff <(echo "$listed") <(echo "$exported") | sed -e 's/^</  listed, not exported:/' -e 's/^>/  exported, not listed:/' | grep -v '^[0-9]' || true
  exit 1
fi
echo "$(echo "$exported" | wc -l) exported symbols match the version script"
