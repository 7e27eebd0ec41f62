#!/usr/bin/env bash
# The Python package (examples/python) as a user gets it: installed with pip,
# offline, into a venv made from Debian's python3, then its pytest suite run
# against libleadcore.
#
#   python_package.sh build BUILD_DIR SOURCE_ROOT      the library in BUILD_DIR,
#                                                      through LEADCORE_LIBRARY
#   python_package.sh installed BUILD_DIR SOURCE_ROOT  `meson install` into a
#                                                      temporary root, found
#                                                      through pkg-config only
#   python_package.sh sanitized BUILD_DIR SOURCE_ROOT  as build, for an ASan/UBSan
#                                                      build: python3 runs with
#                                                      $LC_SANITIZER_PRELOAD
# In build mode the package is also type-checked with mypy --strict when mypy
# is installed.
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
if ! "$py" -c 'import venv, ensurepip, pytest, setuptools, wheel' 2>/dev/null; then
  echo "skipped: $py lacks venv, pytest, setuptools or wheel" \
       "(bash scripts/deps.sh test installs python3-venv python3-pytest python3-setuptools python3-wheel)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pip builds in the directory it is given: build a copy, not the source tree.
mkdir "$tmp/pkg"
cp -r "$src/examples/python/pyproject.toml" "$src/examples/python/README.md" \
      "$src/examples/python/src" "$tmp/pkg/"
"$py" -m venv --system-site-packages "$tmp/venv"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$tmp/venv/bin/pip" install --quiet --no-index \
  --no-build-isolation --no-deps "$tmp/pkg"
site=$("$tmp/venv/bin/python" -c 'import leadcore, os; print(os.path.dirname(leadcore.__file__))')
case $site in "$tmp"/venv/*) ;; *) echo "FAIL: leadcore imported from $site, not the venv"; exit 1 ;; esac
[ -f "$site/py.typed" ] || { echo "FAIL: py.typed is not installed"; exit 1; }

unset LEADCORE_LIBRARY LEADCORE_EXPECT_LIBDIR
preload=""
case $mode in
  build)
    export LEADCORE_LIBRARY=$build LEADCORE_EXPECT_FOUND_BY=LEADCORE_LIBRARY
    export LEADCORE_EXPECT_LIBDIR=$build
    if "$py" -m mypy --version >/dev/null 2>&1; then
      (cd "$tmp/pkg" && "$py" -m mypy --strict --no-incremental --cache-dir=/dev/null src/leadcore)
    else
      echo "mypy is not installed: the type check is skipped"
    fi ;;
  sanitized)
    export LEADCORE_LIBRARY=$build LEADCORE_EXPECT_FOUND_BY=LEADCORE_LIBRARY
    export LEADCORE_EXPECT_LIBDIR=$build
    [ -n "${LC_SANITIZER_PRELOAD:-}" ] || { echo "FAIL: LC_SANITIZER_PRELOAD is not set"; exit 1; }
    export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    preload=$LC_SANITIZER_PRELOAD ;;
  installed)
    meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
    pc=$(find "$tmp/root" -name leadcore.pc | head -n 1)
    [ -n "$pc" ] || { echo "FAIL: leadcore.pc was not installed"; exit 1; }
    export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$tmp/root"
    export LEADCORE_EXPECT_FOUND_BY=pkg-config
    unset LD_LIBRARY_PATH  # meson points it at the build; the installed copy must be found alone
    LEADCORE_EXPECT_LIBDIR=$(pkg-config --variable=libdir leadcore)
    export LEADCORE_EXPECT_LIBDIR ;;
  *) echo "usage: $0 build|installed BUILD_DIR SOURCE_ROOT" >&2; exit 2 ;;
esac
export LC_SOURCE_ROOT=$src PYTHONDONTWRITEBYTECODE=1
cd "$tmp"
set +e
LD_PRELOAD=${preload:-${LD_PRELOAD:-}} "$tmp/venv/bin/python" -m pytest -p no:cacheprovider -q -rs "$src/examples/python/tests"
rc=$?
set -e
# Exit 5 is "no tests collected": a suite that ran nothing has not passed.
[ $rc -eq 5 ] && { echo "FAIL: pytest collected no tests in $src/examples/python/tests"; exit 1; }
exit $rc
