"""The exception classes keep in step with the library's error codes."""
from __future__ import annotations

import leadcore
from leadcore import _ffi


def test_every_library_code_has_its_own_class() -> None:
    """Each code libleadcore names (LC_EINVAL, LC_ENOMEM, ... up to the first
    it does not know) maps to a class of the same name, so that a code added
    to the library cannot reach Python as a bare leadcore.Error."""
    lib = _ffi.lib()
    code, seen = -1, []
    while (name := _ffi.text(lib.lc_error_name(code))) != "LC_EUNKNOWN":
        cls = leadcore.error_class(code)
        assert cls is not leadcore.Error, f"{name} ({code}) has no exception class"
        assert (cls.code, cls.name) == (code, name)
        assert issubclass(cls, leadcore.Error)
        seen.append(name)
        code -= 1
    assert "LC_EINVAL" in seen and "LC_EREADONLY" in seen
    assert leadcore.error_class(code) is leadcore.Error
