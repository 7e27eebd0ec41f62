#!/usr/bin/env bash
# Drives `leadctl validate` through the presets: output, --json and exit codes.
set -uo pipefail
leadctl=$1
failures=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# expect RC PATTERN ARGS...: the exit code is RC and stdout+stderr match PATTERN.
expect() {
  local want=$1 pattern=$2 rc
  shift 2
  "$leadctl" validate "$@" >"$out" 2>"$err"
  rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq -- "$pattern" "$out" "$err"; then
    echo "FAIL: leadctl validate $* -> exit $rc (wanted $want, /$pattern/)"
    sed 's/^/  out: /' "$out"
    sed 's/^/  err: /' "$err"
    failures=$((failures + 1))
  fi
}

now=(--now 2026-11-22T10:00:00Z)

# leadmanager (the default model): follow-ups, links, blocks, flags
expect 0 '^valid$' --action call --status hot --follow-up 2026-11-25 "${now[@]}"
expect 1 '^follow_up_required follow_up: ' --action call --status Hot "${now[@]}"
expect 1 '^follow_up_in_past follow_up: ' --action call --status hot --follow-up 2026-11-21 "${now[@]}"
expect 1 '^action_required action: ' --status new "${now[@]}"
expect 1 '^action_blocked action: ' --action call --from-status do_not_call_number "${now[@]}"
expect 1 '^action_blocked action: .*do not call' --action call --do-not-call "${now[@]}"
expect 0 '^valid$' --action email --do-not-call "${now[@]}"
expect 1 '^action_blocked action: ' --action email --do-not-email "${now[@]}"
expect 2 "use one of: .*hot" --action call --status Hott "${now[@]}"
expect 2 "use one of: " --action call --from-milestone nowhere "${now[@]}"
expect 2 "has no outcomes" --action call --outcome progressing "${now[@]}"

# --json
expect 0 '^\{"valid":true,"violations":\[\]\}$' --action call --json "${now[@]}"
expect 1 '"code":"follow_up_required","field":"follow_up","message":"' \
  --action call --status hot --json "${now[@]}"

# particle: outcomes on stages
expect 0 '^valid$' --model particle --from-stage engaged --stage selected --outcome progressing --action call
expect 1 '^outcome_direction stage: ' --model particle --from-stage selected --stage engaged --outcome progressing --action call
expect 1 '^outcome_keeps_stage stage: ' --model particle --from-stage engaged --stage selected --outcome no_contact --action call
expect 1 '^reason_required reason: ' --model particle --from-stage engaged --stage nurture --outcome exiting --action call
expect 0 '^valid$' --model particle --from-stage engaged --reason "Not Ready Yet" --outcome exiting --action call
expect 1 '^contact_ended action: ' --model particle --from-stage problem --action call --outcome no_contact
expect 2 'not an outcome' --model particle --outcome sideways

# crm: life-cycle crossings and lost reasons
expect 1 '^lifecycle_crossing action: Moving from Open to Won needs the action Win Lead \(key win_lead\)\.$' \
  --model crm --from-status in_progress --status won --action lead_update
expect 0 '^valid$' --model crm --from-status in_progress --status won --action win_lead
expect 1 '^reason_required reason: ' --model crm --from-status in_progress --status lost --action lose_lead
expect 0 '^valid$' --model crm --from-status in_progress --status lost --action lose_lead --reason price

# usage and input errors
expect 0 '^usage: leadctl validate' --help
expect 2 "unknown option '--bogus'" --bogus
expect 2 'not an ISO 8601 time' --now yesterday
expect 2 'not a preset' --model no_such_model
expect 2 'is not in model leadmanager' --action fax

if [ "$failures" -ne 0 ]; then
  echo "$failures case(s) failed"
  exit 1
fi
echo "all leadctl validate cases passed"
