# Helpers for the leadctl_*.sh scripts: source it after setting $leadctl,
# $out, $err and failures=0.

# expect RC PATTERN ARGS...: the exit code is RC and stdout+stderr match PATTERN.
expect() {
  local want=$1 pattern=$2 rc
  shift 2
  "$leadctl" "$@" >"$out" 2>"$err"
  rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq -- "$pattern" "$out" "$err"; then
    echo "FAIL: leadctl $* -> exit $rc (wanted $want, /$pattern/)"
    sed 's/^/  out: /' "$out"
    sed 's/^/  err: /' "$err"
    failures=$((failures + 1))
  fi
}

# refute PATTERN ARGS...: exit 0 and stdout does not match PATTERN.
refute() {
  local pattern=$1 rc
  shift
  "$leadctl" "$@" >"$out" 2>"$err"
  rc=$?
  if [ "$rc" != 0 ] || grep -Eq -- "$pattern" "$out"; then
    echo "FAIL: leadctl $* -> exit $rc, or /$pattern/ printed"
    sed 's/^/  out: /' "$out"
    sed 's/^/  err: /' "$err"
    failures=$((failures + 1))
  fi
}

# cli_start LEADCTL: sets $leadctl (absolute), failures=0, a scratch directory
# removed on exit as the working directory, $out and $err, and the actor.
cli_start() {
  leadctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  failures=0
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  out=$work/out err=$work/err
  export LEADCTL_ACTOR=tester
  cd "$work" || exit 1
}
