#!/usr/bin/env bash
# Renders `leadctl dashboard` pages in headless Chromium (Debian's chromium):
# the demo store's page at 1280 px and at a phone's 390 px, and the X
# Education store's page when ../shared/data holds the file. Each must load
# (the DOM has the page's heading), log no console message, and give a
# screenshot that is not blank. A blank page with a console error is
# rendered first, to show that both checks can fail.
set -uo pipefail
leadctl=$1
src=$2
failures=0
if ! command -v chromium >/dev/null; then
  echo "skipped: chromium is not installed (bash scripts/deps.sh test installs it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/support/dashboard_store.sh"

# chrome MODE ARGS...: one headless run with a fresh profile, logging to $tmp/log.
chrome() {
  rm -rf "$tmp/profile"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 --hide-scrollbars "$@" \
    >"$tmp/dom" 2>"$tmp/log"
}
# shot PAGE PNG WIDTH HEIGHT: a screenshot; prints the console lines it logged.
shot() {
  chrome --window-size="$3,$4" --screenshot="$2" "file://$1"
  grep -a 'CONSOLE' "$tmp/log"
  [ -s "$2" ] || echo "no screenshot"
}
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# fits PAGE NAME: at a phone's 390 px (an iframe: headless windows are wider)
# the page does not scroll sideways and every list table fits its box; only
# the milestone x status matrix and numeric tables may scroll inside theirs.
fits() {
  local dir; dir=$(dirname "$1")
  cat >"$dir/phone.html" <<EOF
<!DOCTYPE html><body style="margin:0"><iframe id="f" src="$(basename "$1")" style="width:390px;height:900px;border:0"></iframe>
<script>document.getElementById('f').addEventListener('load',()=>{
const d=document.getElementById('f').contentDocument,w=d.documentElement.clientWidth,out=[];
if(d.documentElement.scrollWidth>w)out.push('the page is '+d.documentElement.scrollWidth+' px wide in '+w);
d.querySelectorAll('table.list').forEach(t=>{if(t.getBoundingClientRect().right>w)
out.push('a list table is '+Math.round(t.getBoundingClientRect().width)+' px wide: '+t.rows[0].textContent)});
const p=document.createElement('pre');p.id='fits';p.textContent=out.length?out.slice(0,3).join('; ')+(out.length>3?' and '+(out.length-3)+' more':''):'fits';document.body.appendChild(p)})</script>
EOF
  chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$dir/phone.html"
  grep -q '<pre id="fits">fits</pre>' "$tmp/dom" ||
    fail "$2 at 390 px: $(grep -ao '<pre id="fits">[^<]*' "$tmp/dom" || echo 'the probe did not run')"
}
# render PAGE NAME: loads with its heading, no console line, not blank, wide and narrow.
render() {
  local page=$1 name=$2 noise
  chrome --dump-dom "file://$page"
  grep -q '<h1>Leads dashboard</h1>' "$tmp/dom" || fail "$name: the DOM has no heading"
  for size in 1280,1600 390,1600; do
    noise=$(shot "$page" "$tmp/$name-${size%,*}.png" "${size%,*}" "${size#*,}")
    [ -z "$noise" ] || fail "$name at ${size%,*} px: $noise"
    python3 "$src/tests/support/png_check.py" "$tmp/$name-${size%,*}.png" "${size%,*}" ||
      fail "$name at ${size%,*} px is blank"
  done
  fits "$page" "$name"
}

# the checks themselves can fail
printf '<!DOCTYPE html><title>x</title><script>console.error("broken")</script>\n' >"$tmp/blank.html"
noise=$(shot "$tmp/blank.html" "$tmp/blank.png" 400 300)
case $noise in *broken*) ;; *) fail "a console error went unnoticed: $noise" ;; esac
python3 "$src/tests/support/png_check.py" "$tmp/blank.png" 400 >/dev/null && fail "a blank page passed the blank check"

db=$tmp/demo.db
dashboard_store "$leadctl" "$db" || { echo "FAIL: cannot build the demo store"; exit 1; }
"$leadctl" --db "$db" dashboard --now "$DASHBOARD_NOW" --out "$tmp/demo.html" >/dev/null || fail "demo dashboard"
render "$tmp/demo.html" demo

data=${LC_DATA_DIR:-$src/../shared/data}
if [ -f "$data/x-education-leads.csv" ]; then
  xe=$tmp/x.db now=$(date -u +%FT%TZ)
  "$leadctl" --db "$xe" init --model "$src/examples/models/x-education.json" >/dev/null &&
    "$leadctl" --db "$xe" import "$data/x-education-leads.csv" \
      --mapping "$src/examples/mappings/x-education.json" >/dev/null &&
    "$leadctl" --db "$xe" dashboard --now "$now" --out "$tmp/x.html" >/dev/null || fail "X Education dashboard"
  python3 "$src/tests/support/dashboard_check.py" "$tmp/x.html" "$leadctl" "$xe" "$now" ||
    fail "X Education numbers"
  render "$tmp/x.html" x-education
else
  echo "skipped: the X Education page ($data/x-education-leads.csv is absent; set LC_DATA_DIR)"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "dashboard in Chromium: all checks passed"
