"""Finding libleadcore: LEADCORE_LIBRARY, pkg-config, the system loader, and version checks."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

import leadcore
from leadcore import _loader


def run_python(code: str, env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def bare_env(**extra: str) -> Dict[str, str]:
    """The environment with nothing that points at a libleadcore."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LEADCORE_LIBRARY", "PKG_CONFIG_PATH", "PKG_CONFIG_SYSROOT_DIR")}
    env["PKG_CONFIG_LIBDIR"] = "/nonexistent"
    env.update(extra)
    return env


def test_library_is_the_expected_one() -> None:
    info = leadcore.library()
    assert info.version >= leadcore.REQUIRED
    assert info.version_string.count(".") == 2
    # The runner says how this run must have found the library (tests/python_package.sh).
    expect_how: Optional[str] = os.environ.get("LEADCORE_EXPECT_FOUND_BY")
    if expect_how:
        assert info.found_by == expect_how, info
    expect_dir = os.environ.get("LEADCORE_EXPECT_LIBDIR")
    if expect_dir:
        assert Path(info.path).resolve().parent == Path(expect_dir).resolve(), info


def test_older_library_is_refused_with_what_to_do() -> None:
    with pytest.raises(leadcore.LibraryError) as e:
        _loader.check_version((0, 1, 9), "/x/libleadcore.so.1")
    assert "0.1.9 at /x/libleadcore.so.1 is older than 0.2.0" in str(e.value)
    assert "LEADCORE_LIBRARY" in str(e.value) and "pkg-config" in str(e.value)
    with pytest.raises(leadcore.LibraryError, match="incompatible"):
        _loader.check_version((1, 0, 0), "lib")
    _loader.check_version((0, 2, 0), "lib")
    _loader.check_version((0, 9, 3), "lib")


def test_bad_leadcore_library_variable() -> None:
    r = run_python("import leadcore; leadcore.library()",
                   bare_env(LEADCORE_LIBRARY="/nonexistent/libleadcore.so.1"))
    assert r.returncode != 0
    assert "LEADCORE_LIBRARY=/nonexistent/libleadcore.so.1 cannot be loaded" in r.stderr
    assert "LibraryError" in r.stderr


def test_a_library_that_is_not_leadcore() -> None:
    libc = "libc.so.6"
    r = run_python("import leadcore; leadcore.library()", bare_env(LEADCORE_LIBRARY=libc))
    assert r.returncode != 0 and "is not libleadcore (it has no lc_version)" in r.stderr


def test_library_missing_everywhere_says_what_to_do() -> None:
    found = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                           check=False).stdout if os.path.exists("/sbin/ldconfig") else ""
    if "libleadcore.so.1" in found:
        pytest.skip("a libleadcore is installed system-wide, so it cannot be missing here")
    env = bare_env()
    env.pop("LD_LIBRARY_PATH", None)
    r = run_python("import leadcore; leadcore.Store(':memory:')", env)
    assert r.returncode != 0
    assert "libleadcore.so.1 was not found; tried: LEADCORE_LIBRARY (not set)" in r.stderr
    assert "meson install" in r.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build a fake old library")
def test_an_old_library_end_to_end(tmp_path: Path) -> None:
    src = tmp_path / "old.c"
    src.write_text("int lc_version(int *a, int *b, int *c) { *a = 0; *b = 1; *c = 0; return 0; }\n")
    lib = tmp_path / "libleadcore.so.1"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    r = run_python("import leadcore; leadcore.library()", bare_env(LEADCORE_LIBRARY=str(tmp_path)))
    assert r.returncode != 0
    assert f"libleadcore 0.1.0 at {lib} is older than 0.2.0" in r.stderr
