#!/usr/bin/env bash
# Builds leadcore and runs the leadctl demo: a store of synthetic leads, two
# weeks of agents' dispositions through the engine, then the pipeline, the
# disposition matrix and one agent's day. Extra arguments go to `leadctl demo`
# (--seed N, --leads N, --preset NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh demo
# A build dir of its own: scripts/test.sh reuses build/, which must keep its tests.
b=build-demo
[ -f $b/build.ninja ] || meson setup $b --buildtype=release -Dtests=false >/dev/null
meson compile -C $b leadctl >/dev/null
leadctl=$b/examples/leadctl/leadctl
db=$b/demo.db
$leadctl demo --db "$db" --force "$@"
echo
echo "== next =="
echo "The store is $db. Try:"
echo "  $leadctl --db $db report pipeline --by milestone,owner"
echo "  $leadctl --db $db report matrix --cell contacted,hot"
echo "  $leadctl --db $db report funnel"
echo "  $leadctl --db $db report followups --now 2026-01-19"
echo "  $leadctl --db $db dashboard --now 2026-01-19 --out dashboard.html   # open it in a browser"
echo "  $leadctl --db $db model dot --counts | dot -Tsvg > pipeline.svg"
echo "Import real leads: $leadctl --db x.db init --model examples/models/x-education.json"
echo "  then: $leadctl --db x.db import LEADS.csv --mapping examples/mappings/x-education.json"
