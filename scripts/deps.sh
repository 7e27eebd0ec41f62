#!/usr/bin/env bash
# Installs what leadcore needs on Debian: `scripts/deps.sh build|test|bench`.
# As root it runs apt-get; otherwise it prints the command to run and fails.
set -euo pipefail
profile=${1:-build}
pkgs=(gcc meson ninja-build pkg-config libsqlite3-dev libjansson-dev libcsv-dev)
case "$profile" in
  build) ;;
  demo) pkgs+=(graphviz) ;;
  test) pkgs+=(libcmocka-dev doxygen graphviz sqlite3 valgrind clang libclang-rt-14-dev llvm
               abigail-tools gcovr python3 python3-venv python3-setuptools python3-wheel
               python3-pytest mypy chromium postgresql libpq-dev strace) ;;
  # A Node.js that brings its own npm (NodeSource) conflicts with Debian's npm.
  bench) pkgs+=(libcmocka-dev sqlite3 python3 python3-transitions time postgresql libpq-dev)
         command -v node >/dev/null || pkgs+=(nodejs)
         command -v npm >/dev/null || pkgs+=(npm) ;;
  *) echo "usage: scripts/deps.sh build|demo|test|bench" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "leadcore needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
