#!/usr/bin/env bash
# Builds leadcore and runs the leadctl demo on the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh demo
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=false >/dev/null
meson compile -C build leadctl >/dev/null
leadctl=build/examples/leadctl/leadctl
echo "== leadcore $($leadctl version) =="
echo "== preset models =="
$leadctl model list
echo
echo "== validate: Contacted / Hot with a follow-up next week (allowed) =="
$leadctl validate --model leadmanager --action call --milestone contacted --status hot \
  --follow-up 2026-11-29T10:00:00Z --now 2026-11-22T10:00:00Z || true
echo
echo "== validate: Sold / Bad Phone Number, Hot with no follow-up (refused) =="
$leadctl validate --model leadmanager --action call --milestone sold --status "Bad Phone Number" \
  --now 2026-11-22T10:00:00Z || true
echo
echo "== the particle pipeline as Graphviz DOT =="
$leadctl model dot particle
