#!/usr/bin/env bash
# Regenerates the pictures committed under docs/: each preset's rules drawn
# by `leadctl model dot | dot -Tsvg` (docs/models/NAME.svg, shown in
# docs/model-format.md; tests/model_pictures.sh checks they are current) and
# the dashboard screenshot (docs/dashboard.png, shown in the README) from the
# demo store, rendered by headless Chromium.
# `bash scripts/pictures.sh [BUILD_DIR] [--models]` (default build; --models
# leaves the screenshot alone).
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build}
leadctl=$b/examples/leadctl/leadctl
[ -x "$leadctl" ] || { echo "build leadctl first: meson compile -C $b" >&2; exit 1; }
mkdir -p docs/models
for m in $("$leadctl" model list --json | python3 -c 'import json, sys
print(" ".join(p["name"] for p in json.load(sys.stdin)["presets"]))'); do
  "$leadctl" model dot "$m" | dot -Tsvg >"docs/models/$m.svg"
  echo "wrote docs/models/$m.svg"
done
[ "${2:-}" = --models ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/support/dashboard_store.sh
dashboard_store "$leadctl" "$tmp/demo.db"
(cd "$tmp" && "$OLDPWD/$leadctl" --db demo.db dashboard --now "$DASHBOARD_NOW" --out demo.html >/dev/null)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1480 \
  --screenshot="$PWD/docs/dashboard.png" "file://$tmp/demo.html" 2>/dev/null
echo "wrote docs/dashboard.png"
