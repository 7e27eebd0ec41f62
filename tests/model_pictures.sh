#!/usr/bin/env bash
# The pictures of the presets' rules: every preset's `leadctl model dot`
# renders with Graphviz (`dot -Tsvg`), shows the rules (exits with their
# reasons, go-back edges, repeatable loops, milestones' links, blocking and
# deprecated statuses, life-cycle crossings), and docs/models/NAME.svg is
# current: the same text and titles as a fresh rendering (coordinates are left
# out of the comparison, so that fonts do not matter). Regenerate the files
# with `bash scripts/pictures.sh build --models`.
set -uo pipefail
leadctl=$1
src=$2
failures=0
if ! command -v dot >/dev/null; then
  echo "skipped: Graphviz 'dot' is not installed (bash scripts/deps.sh test installs it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# shows NAME PATTERN: the preset's DOT text has PATTERN (grep -E).
shows() {
  grep -Eq -- "$2" "$tmp/$1.dot" || fail "model dot $1 does not show /$2/"
}
# content FILE: the SVG's titles and texts in order, without coordinates.
content() {
  grep -oE '<(title|text)[^>]*>[^<]*</(title|text)>' "$1" | sed -E 's/<(title|text)[^>]*>/<\1>/'
}

presets=$("$leadctl" model list --json | python3 -c 'import json, sys
print(" ".join(p["name"] for p in json.load(sys.stdin)["presets"]))')
[ "$(echo $presets | wc -w)" -eq 5 ] || fail "expected five presets, got: $presets"
for m in $presets; do
  "$leadctl" model dot "$m" >"$tmp/$m.dot" || fail "leadctl model dot $m"
  dot -Tsvg "$tmp/$m.dot" >"$tmp/$m.svg" 2>"$tmp/$m.err" || fail "dot -Tsvg rejects $m: $(cat "$tmp/$m.err")"
  [ ! -s "$tmp/$m.err" ] || fail "dot warns about $m: $(cat "$tmp/$m.err")"
  committed=$src/docs/models/$m.svg
  if [ ! -f "$committed" ]; then
    fail "docs/models/$m.svg is missing (bash scripts/pictures.sh build --models)"
  elif [ "$(content "$committed")" != "$(content "$tmp/$m.svg")" ]; then
    fail "docs/models/$m.svg is not current (bash scripts/pictures.sh build --models):"
    diff <(content "$committed") <(content "$tmp/$m.svg") | head -5
  fi
  grep -q "(models/$m.svg)" "$src/docs/model-format.md" || fail "docs/model-format.md does not show models/$m.svg"
done

# the rules on the pictures
shows particle '"stage:\*" -> "stage:nurture" \[color="#8a6d00".*label=<<B>exiting</B><BR/>Not Ready Yet<BR/>Still Comparing<BR/>Budget Later>\]'
shows particle '"stage:\*" -> "stage:problem" \[color="#b42318".*<B>problem</B><BR/>Not Genuine'
shows particle '"stage:selected" -> "stage:engaged" \[style=dashed.*label="go back"'
shows particle '"stage:periodic_check_in" -> "stage:periodic_check_in" \[label="again"'
shows particle 'subgraph "cluster_closed" \{'
shows particle '"stage:enquiry" -> "stage:contact";'
if grep -q '"stage:nurture" -> ' "$tmp/particle.dot"; then fail "a closed stage is chained in the forward order"; fi
shows leadmanager '"milestone:contacted" \[label=<.*<B>Contacted</B>.*<I>allows:</I>.*<FONT COLOR="#9a3412">Bad Phone Number ⊘</FONT>.*Hot'
shows leadmanager '<I>where a new lead starts</I>'
shows leadmanager '"milestone:no_milestone" -> "milestone:contacted";'
shows crm '"lifecycle:open" -> "lifecycle:won" \[fontsize=10, label=<Win Lead>\]'
shows crm '"lifecycle:\*" -> "lifecycle:open" \[fontsize=10, label=<Reopen>\]'
shows crm '<I>statuses:</I> New, In Progress, Qualified'
shows crm '<I>needs a lost reason</I>'
shows conversica '"status:lead_at_risk" \[label=<.*<FONT COLOR="#8a8f98"><B>Lead at Risk</B>.*deprecated: not chosen anew.*style="rounded,dashed"'
shows conversica '<I>automation stopped</I>'
# a model whose milestone links nothing says "All statuses"; a terminal value is double-bordered
printf '{"format": 1, "name": "t", "version": 1, "actions": [{"label": "Call"}],\n "milestones": [{"label": "Open"}, {"label": "Done", "flags": ["terminal"]}],\n "statuses": [{"label": "Hot"}, {"label": "Cold"}],\n "links": {"done": ["cold"]}}\n' >"$tmp/t.json"
"$leadctl" model dot "$tmp/t.json" >"$tmp/t.dot" || fail "model dot t.json"
shows t '"milestone:open" \[label=<.*<I>All statuses</I>'
shows t '"milestone:done" \[label=<.*<I>allows:</I>.*Cold.*peripheries=2'
dot -Tsvg "$tmp/t.dot" >/dev/null || fail "dot -Tsvg rejects the small model"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "model pictures: all five presets render, show their rules and are current"
