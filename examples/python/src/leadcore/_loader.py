"""Finding and loading libleadcore, and checking that it is the one this package was written for.

The search order is the one the package documents: ``LEADCORE_LIBRARY`` when it is
set (a file, or a directory that holds ``libleadcore.so.1``), else the directory that
``pkg-config --variable=libdir leadcore`` names, else the system's loader.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import List, Optional, Tuple

#: The soname this package was written for (its ABI) and the oldest version it accepts.
SONAME = "libleadcore.so.1"
REQUIRED = (0, 2, 0)

_HELP = (
    "Install leadcore {req} or later (meson setup build && meson install -C build, then "
    "ldconfig), or make `pkg-config --variable=libdir leadcore` find it (PKG_CONFIG_PATH), "
    "or set LEADCORE_LIBRARY to the path of {soname}."
)


class LibraryError(ImportError):
    """libleadcore could not be found or loaded, or is not a version this package supports."""


@dataclass(frozen=True)
class LibraryInfo:
    """Which libleadcore is in use: where it was loaded from, how it was found, its version."""

    path: str
    found_by: str
    version: Tuple[int, int, int]

    @property
    def version_string(self) -> str:
        return ".".join(str(p) for p in self.version)


def _version_text(v: Tuple[int, int, int]) -> str:
    return ".".join(str(p) for p in v)


def check_version(version: Tuple[int, int, int], path: str) -> None:
    """Refuse a library older than REQUIRED or of another major version."""
    if version[0] != REQUIRED[0] or version < REQUIRED:
        req = _version_text(REQUIRED)
        raise LibraryError(
            f"libleadcore {_version_text(version)} at {path} is "
            f"{'older than' if version < REQUIRED else 'incompatible with'} {req}, the version "
            "this package was written for. " + _HELP.format(req=req, soname=SONAME))


def _pkg_config_libdir(tried: List[str]) -> Optional[str]:
    exe = shutil.which("pkg-config")
    if exe is None:
        tried.append("pkg-config (not installed)")
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "leadcore"], capture_output=True,
                             text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        tried.append(f"pkg-config ({e})")
        return None
    libdir = out.stdout.strip()
    if out.returncode != 0 or not libdir:
        why = out.stderr.strip().splitlines()[0] if out.stderr.strip() else "no answer"
        tried.append(f"pkg-config --variable=libdir leadcore ({why})")
        return None
    return libdir


def _open(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def find_and_load() -> Tuple[ctypes.CDLL, LibraryInfo]:
    """Load libleadcore and check its version; raise LibraryError saying what to do."""
    tried: List[str] = []
    env = os.environ.get("LEADCORE_LIBRARY")
    if env:
        path = os.path.join(env, SONAME) if os.path.isdir(env) else env
        try:
            return _checked(_open(path), path, "LEADCORE_LIBRARY")
        except OSError as e:
            raise LibraryError(f"LEADCORE_LIBRARY={env} cannot be loaded ({e}): point it at "
                               f"{SONAME} or unset it to search the system.") from None
    tried.append("LEADCORE_LIBRARY (not set)")
    libdir = _pkg_config_libdir(tried)
    if libdir is not None:
        path = os.path.join(libdir, SONAME)
        if os.path.exists(path):
            try:
                return _checked(_open(path), path, "pkg-config")
            except OSError as e:
                tried.append(f"{path} from pkg-config ({e})")
        else:
            tried.append(f"pkg-config's libdir {libdir} (no {SONAME} there)")
    name = ctypes.util.find_library("leadcore") or SONAME
    try:
        return _checked(_open(name), name, "the system loader")
    except OSError:
        tried.append(f"the system loader ({name})")
    raise LibraryError(f"{SONAME} was not found; tried: " + "; ".join(tried) + ". "
                       + _HELP.format(req=_version_text(REQUIRED), soname=SONAME))


def _checked(lib: ctypes.CDLL, path: str, how: str) -> Tuple[ctypes.CDLL, LibraryInfo]:
    try:
        fn = lib.lc_version
    except AttributeError:
        raise LibraryError(f"{path} is not libleadcore (it has no lc_version).") from None
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.POINTER(ctypes.c_int)] * 3
    parts = [ctypes.c_int(-1) for _ in range(3)]
    fn(*(ctypes.byref(p) for p in parts))
    version = (parts[0].value, parts[1].value, parts[2].value)
    check_version(version, path)
    return lib, LibraryInfo(path=_real_path(lib, path), found_by=how, version=version)


def _real_path(lib: ctypes.CDLL, fallback: str) -> str:
    """The file the loader picked (from /proc/self/maps when it searched), for messages."""
    if os.path.isabs(fallback):
        return os.path.abspath(fallback)
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                if SONAME.split(".so")[0] + ".so" in line and "/" in line:
                    return line[line.index("/"):].strip()
    except OSError:
        pass
    return fallback
