"""leadcore for Python: leads, dispositions judged by a model, history, workflows and reports.

A pure-Python package over libleadcore's C API (ctypes); it needs libleadcore.so.1,
version 0.2 or later, which it finds through LEADCORE_LIBRARY, pkg-config or the
system's loader (see library()).

    from datetime import datetime, timedelta, timezone
    import leadcore

    with leadcore.Store("leads.db", preset="leadmanager") as store:
        lead = store.add_lead(name="Ana", phone="+1 555 0100")
        store.dispose(lead, action="call", milestone="contacted", status="hot",
                      follow_up=datetime.now(timezone.utc) + timedelta(days=2))
"""
from __future__ import annotations

from . import _ffi
from ._loader import REQUIRED, LibraryError, LibraryInfo
from .errors import (AlreadyExistsError, BusyError, ConflictError, CorruptError, Error,
                     FormatError, InvalidArgumentError, NotFoundError, OutOfMemoryError,
                     RangeError, ReadOnlyError, StateError, StorageIOError, StoppedError, UnsupportedError,
                     VersionError, Violation, ViolationError, error_class)
from .model import AXES, Model, Value
from .store import Store
from .types import (Activity, Agent, AgentLoad, Assignment, CellLead, Event, FollowupDay,
                    FunnelStage, ImportResult, Lead, MatrixCell, Money, Note, OverdueLead,
                    PipelineRow, Product, Reject, State, SweepEffect, SweepResult, Unit,
                    UpgradeReport, UpgradeRow, When, WorkItem)

__version__ = "0.2.0"


def library() -> LibraryInfo:
    """Load libleadcore if needed and say which one is in use (path, how found, version).

    Raises LibraryError, saying what to do, when it is missing or older than 0.2.0.
    """
    return _ffi.info()


__all__ = [
    "AXES", "REQUIRED", "Activity", "Agent", "AgentLoad", "AlreadyExistsError", "Assignment",
    "BusyError", "CellLead", "ConflictError", "CorruptError", "Error", "Event", "FollowupDay",
    "FormatError", "FunnelStage", "ImportResult", "InvalidArgumentError", "Lead",
    "LibraryError", "LibraryInfo", "MatrixCell", "Model", "Money", "Note", "NotFoundError",
    "OutOfMemoryError", "OverdueLead", "PipelineRow", "Product", "RangeError", "ReadOnlyError", "Reject", "State",
    "StateError", "StorageIOError", "StoppedError", "Store", "SweepEffect", "SweepResult", "Unit",
    "UnsupportedError", "UpgradeReport", "UpgradeRow", "Value", "VersionError", "Violation",
    "ViolationError", "When", "WorkItem", "error_class", "library",
]
