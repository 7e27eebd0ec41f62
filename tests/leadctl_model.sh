#!/usr/bin/env bash
# Drives `leadctl model`: list, show, check, export, dot; output, --json and exit codes.
set -uo pipefail
leadctl=$1
fixtures=$2
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err

# expect RC PATTERN ARGS...: the exit code is RC and stdout+stderr match PATTERN.
expect() {
  local want=$1 pattern=$2 rc
  shift 2
  "$leadctl" model "$@" >"$out" 2>"$err"
  rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq -- "$pattern" "$out" "$err"; then
    echo "FAIL: leadctl model $* -> exit $rc (wanted $want, /$pattern/)"
    sed 's/^/  out: /' "$out"
    sed 's/^/  err: /' "$err"
    failures=$((failures + 1))
  fi
}

expect 0 '^particle +v1 ' list
expect 0 '"presets":\[\{"name":"leadmanager","version":1,' list --json
expect 0 'usage: leadctl model list' --help
expect 0 'usage: leadctl model list' show --help
expect 2 'say which'
expect 2 'unknown subcommand .frob.' frob
expect 2 'unknown option' list --bogus

expect 0 '^stages \(14\):' show particle
expect 0 'enquiry +Enquiry \(phase lead\)' show particle
expect 0 '^  - Status Hot requires a follow-up in the future\.$' show
expect 0 '"axes":\{"actions":\[\{"key":"call"' show leadmanager --json
expect 0 'full-test, version 3' show "$fixtures/full.json"
expect 2 'not a preset; the presets are: leadmanager, insurance' show nosuch

expect 0 '^ok$' check "$fixtures/full.json"
expect 0 '^ok$' check crm
expect 0 '"ok":true,"problems":\[\]' check "$fixtures/full.json" --json
printf '{"format": 1, "name": "x", "version": 1,\n  "stages": [{"label": "A", "phase": "p"}], "reasonz": 1}\n' >"$tmp/bad.json"
expect 3 'bad.json:2:38: the phase of a stage refers to phase "p"' check "$tmp/bad.json"
expect 3 'bad.json:2:45: unknown field "reasonz" in the model; did you mean "reasons"\?' check "$tmp/bad.json"
expect 3 '"ok":false,"problems":\[\{"line":2,"column":38,' check "$tmp/bad.json" --json
expect 2 'needs a FILE' check
expect 3 'bad.json:2:38' show "$tmp/bad.json"
echo '{"format": 1,' >"$tmp/broken.json"
expect 3 'broken.json:2:1: .*not valid JSON' check "$tmp/broken.json"

# export is canonical: exporting the export gives the same bytes
for m in leadmanager insurance particle crm conversica "$fixtures/full.json"; do
  "$leadctl" model export "$m" >"$tmp/a.json" || { echo "FAIL: export $m"; failures=$((failures + 1)); }
  "$leadctl" model export "$tmp/a.json" >"$tmp/b.json"
  cmp -s "$tmp/a.json" "$tmp/b.json" || { echo "FAIL: export of $m is not stable"; failures=$((failures + 1)); }
done

expect 0 '^digraph "particle" \{' dot particle
expect 0 'subgraph "cluster_opportunity"' dot particle
expect 0 '"dot":"digraph \\"crm\\"' dot crm --json
if command -v dot >/dev/null 2>&1; then
  "$leadctl" model dot particle | dot -Tsvg >/dev/null || { echo "FAIL: dot rejects particle"; failures=$((failures + 1)); }
else
  echo "Graphviz 'dot' is not installed; skipping the dot -Tsvg check"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "leadctl model: all checks passed"
