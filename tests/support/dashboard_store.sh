# Sourced by the dashboard tests and scripts/pictures.sh: dashboard_store
# LEADCTL DB builds the demo store, then installs a version 2 of its model
# whose links no longer allow two combinations that leads hold (Sold with Bad
# Phone Number, Contacted with Requote): seed 000's "a disposition
# combination that is now invalid based on your new settings".
dashboard_store() {
  local leadctl=$1 db=$2 dir
  dir=$(dirname "$db")
  rm -f "$db" "$db-wal" "$db-shm"
  "$leadctl" demo --db "$db" >/dev/null || return 1
  "$leadctl" model export leadmanager >"$dir/leadmanager.json" || return 1
  python3 - "$dir/leadmanager.json" "$dir/leadmanager-2.json" <<'PY' || return 1
import json, sys
m = json.load(open(sys.argv[1]))
m["version"] = 2
m["links"]["sold"].remove("bad_phone_number")
m["links"]["contacted"].remove("requote")
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
  "$leadctl" --db "$db" model install "$dir/leadmanager-2.json" >/dev/null
}
# The day the demo's page is read as of: the Monday after its two weeks.
DASHBOARD_NOW=2026-01-19T09:00:00Z
