"""leadcore's errors: one exception class per LC_E... code, all under leadcore.Error."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Type

if TYPE_CHECKING:
    from .types import ImportResult


@dataclass(frozen=True)
class Violation:
    """One rule a disposition broke: a stable code ("reason_required"), the field, a sentence."""

    code: str
    field: str
    message: str


class Error(Exception):
    """A leadcore call failed. ``code`` is the negative LC_E... value, ``name`` its symbol."""

    code: int = 0
    name: str = "LC_EUNKNOWN"
    #: Set on errors raised by Store.import_csv(): what the import found (its rejected rows).
    import_result: Optional["ImportResult"] = None

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if code is not None and code not in _BY_CODE:
            self.name = f"LC_E{code}"


class InvalidArgumentError(Error, ValueError):
    """LC_EINVAL: an argument the library cannot take (bad UTF-8, a negative id, ...)."""

    code, name = -1, "LC_EINVAL"


class OutOfMemoryError(Error):
    """LC_ENOMEM."""

    code, name = -2, "LC_ENOMEM"


class NotFoundError(Error, LookupError):
    """LC_ENOTFOUND: no such lead, agent, preset, value of the model, ..."""

    code, name = -3, "LC_ENOTFOUND"


class AlreadyExistsError(Error):
    """LC_EEXISTS: a name or external id that is taken."""

    code, name = -4, "LC_EEXISTS"


class ViolationError(Error):
    """LC_EINVALID: the model does not allow it. ``violations`` lists every broken rule."""

    code, name = -5, "LC_EINVALID"

    def __init__(self, message: str, code: Optional[int] = None,
                 violations: Sequence[Violation] = (), dropped: int = 0) -> None:
        super().__init__(message, code)
        self.violations: List[Violation] = list(violations)
        self.dropped = dropped


class ConflictError(Error):
    """LC_ECONFLICT: the lead changed since it was read (expect_version is stale)."""

    code, name = -6, "LC_ECONFLICT"


class BusyError(Error):
    """LC_EBUSY: another writer held the store for longer than the busy timeout."""

    code, name = -7, "LC_EBUSY"


class StorageIOError(Error, OSError):
    """LC_EIO: reading or writing a file failed."""

    code, name = -8, "LC_EIO"


class CorruptError(Error):
    """LC_ECORRUPT: the store is damaged."""

    code, name = -9, "LC_ECORRUPT"


class FormatError(Error, ValueError):
    """LC_EFORMAT: malformed input (a model file, a time, a mapping, a CSV file)."""

    code, name = -10, "LC_EFORMAT"


class StoppedError(Error):
    """LC_EUSER: a callback asked to stop (an import's progress function returned False)."""

    code, name = -11, "LC_EUSER"


class VersionError(Error):
    """LC_EVERSION: a store or options struct newer than this library."""

    code, name = -12, "LC_EVERSION"


class RangeError(Error, ValueError):
    """LC_ERANGE: a value out of range (too long, too large)."""

    code, name = -13, "LC_ERANGE"


class UnsupportedError(Error):
    """LC_EUNSUPPORTED: the store or the model cannot do this."""

    code, name = -14, "LC_EUNSUPPORTED"


class StateError(Error):
    """LC_ESTATE: not allowed now (no model installed, inside a transaction)."""

    code, name = -15, "LC_ESTATE"


class ReadOnlyError(Error):
    """LC_EREADONLY: the store is open read-only (Store(..., readonly=True), or read-only media)."""

    code, name = -16, "LC_EREADONLY"


_CLASSES: Tuple[Type[Error], ...] = (
    InvalidArgumentError, OutOfMemoryError, NotFoundError, AlreadyExistsError, ViolationError,
    ConflictError, BusyError, StorageIOError, CorruptError, FormatError, StoppedError,
    VersionError, RangeError, UnsupportedError, StateError, ReadOnlyError)
_BY_CODE: Dict[int, Type[Error]] = {cls.code: cls for cls in _CLASSES}


def error_class(code: int) -> Type[Error]:
    """The class for an LC_E... code (Error itself for a code this package does not know)."""
    return _BY_CODE.get(code, Error)


def error_for(code: int, message: str) -> Error:
    return error_class(code)(message, code)
