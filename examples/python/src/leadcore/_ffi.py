"""Every ctypes declaration of the package, in one place (mirrors include/leadcore/*.h).

When the C API changes, this module is the one to change: the rest of the package
calls the functions declared here through ``lib()`` and reads result objects through
the small readers at the end, never through ctypes types of its own.
"""
from __future__ import annotations

import ctypes
import threading
from ctypes import POINTER, c_char_p, c_int, c_int32, c_int64, c_size_t, c_uint, c_uint32, c_uint64, c_void_p
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _loader

P = c_void_p
PP = POINTER(c_void_p)
I64 = c_int64
PI64 = POINTER(c_int64)
STR = c_char_p
SZ = c_size_t
PSZ = POINTER(c_size_t)

#: lc_time's "not set" (LC_TIME_NONE) and a table's empty integer cell (LC_TABLE_NONE).
TIME_NONE = -(2**63)
REPORT_NONE = -(2**63)

# Contact and record flags (lead.h, state.h).
LEAD_DO_NOT_CALL = 1 << 0
LEAD_DO_NOT_EMAIL = 1 << 1
LEAD_AUTOMATION_STOPPED = 1 << 2
LEAD_RECYCLED = 1 << 3

# lc_state_time_field (state.h).
STATE_TIME_FOLLOW_UP = 0
STATE_TIME_COMPLETED_AT = 1

# Value flags (model.h), by the names the model format uses.
VALUE_FLAGS = {
    "terminal": 1 << 0, "not_reportable": 1 << 1, "deprecated": 1 << 2,
    "ready_for_contact": 1 << 3, "automation_stopped": 1 << 4, "reengage_eligible": 1 << 5,
    "repeatable": 1 << 6, "ends_contact": 1 << 7, "contact": 1 << 8, "phone": 1 << 9,
    "email": 1 << 10, "won": 1 << 11, "lost": 1 << 12, "completed": 1 << 13,
    "closed": 1 << 14, "initial": 1 << 15,
}

DB_CREATE = 1 << 0
DB_READONLY = 1 << 1
IMPORT_SKIP_BAD_ROWS = 1 << 0
RECYCLED_FILTERS = {"exclude": 0, "include": 1, "only": 2}
QUERY_NONE = -1

# Lists of a lead record (lc_lead_list).
LIST_PRODUCTS, LIST_TEAM, LIST_COMPETITORS, LIST_ACTIVITIES, LIST_ATTRIBUTES, LIST_NOTES = range(6)
# Key dates (lc_lead_date_field).
DATE_FIELDS = {"start": 0, "expected_completion": 1, "actual_completion": 2}

CLOCK_FN = ctypes.CFUNCTYPE(c_int64, c_void_p)
PROGRESS_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_size_t, c_uint64, c_uint64)
DB_PROGRESS_FN = ctypes.CFUNCTYPE(None, c_void_p, c_char_p, c_size_t, c_size_t)


class DbOptions(ctypes.Structure):
    _fields_ = [("version", c_uint), ("clock", CLOCK_FN), ("clock_ud", c_void_p),
                ("busy_timeout_ms", c_int32), ("flags", c_uint32)]


class ReportOptions(ctypes.Structure):
    _fields_ = [("version", c_uint), ("from_", c_int64), ("to", c_int64), ("agent", c_int64),
                ("filter", c_void_p), ("flags", c_uint32)]


REPORT_OPTIONS_VERSION = 2
REPORT_SUM_AMOUNT = 1 << 0


class ImportOptions(ctypes.Structure):
    _fields_ = [("version", c_uint), ("flags", c_uint32), ("at", c_int64),
                ("progress", PROGRESS_FN), ("progress_ud", c_void_p),
                ("progress_every", c_uint32), ("max_rejects", c_uint32)]


# lc_lead_number_field.
LEAD_NUM_ID, LEAD_NUM_VERSION, LEAD_NUM_CREATED_AT, LEAD_NUM_TOUCHED_AT = 0, 1, 2, 3
LEAD_NUM_UNIT, LEAD_NUM_AGENT, LEAD_NUM_PROBABILITY, LEAD_NUM_AMOUNT, LEAD_NUM_FLAGS = 4, 5, 6, 7, 8

# lc_event_number_field.
EVENT_NUM_ID, EVENT_NUM_LEAD, EVENT_NUM_SEQ, EVENT_NUM_TIME, EVENT_NUM_KIND = 0, 1, 2, 3, 4
EVENT_NUM_OUTCOME, EVENT_NUM_FOLLOW_UP, EVENT_NUM_MODEL_VERSION = 5, 6, 7


class LeadEntry(ctypes.Structure):
    _fields_ = [("version", c_uint), ("text", c_char_p), ("detail", c_char_p), ("time", c_int64)]


LEAD_ENTRY_VERSION = 1


class AssignOptions(ctypes.Structure):
    _fields_ = [("version", c_uint), ("quota", c_uint32), ("agents", POINTER(c_int64)),
                ("nagents", c_size_t)]


# name: (restype, argtypes). Grouped by header.
_DECLS: Dict[str, Tuple[Any, List[Any]]] = {
    # common.h, error.h
    "lc_version_string": (STR, []),
    "lc_time_parse": (c_int, [STR, PI64]),
    "lc_free": (None, [P]),
    "lc_error_name": (STR, [c_int]),
    "lc_error_last": (STR, []),
    "lc_db_options_init": (c_int, [POINTER(DbOptions), c_uint]),
    "lc_report_options_init": (c_int, [POINTER(ReportOptions), c_uint]),
    "lc_import_options_init": (c_int, [POINTER(ImportOptions), c_uint]),
    "lc_assign_options_init": (c_int, [POINTER(AssignOptions), c_uint]),
    # model.h
    "lc_axis_name": (STR, [c_int]),
    "lc_axis_parse": (c_int, [STR, POINTER(c_int)]),
    "lc_outcome_name": (STR, [c_int]),
    "lc_outcome_parse": (c_int, [STR, POINTER(c_int)]),
    "lc_model_presets": (c_int, [PP]),
    "lc_model_preset": (c_int, [PP, STR]),
    "lc_model_load_string": (c_int, [PP, STR, STR]),
    "lc_model_load_file": (c_int, [PP, STR]),
    "lc_model_free": (None, [P]),
    "lc_model_check_string": (c_int, [STR, STR, PP]),
    "lc_model_check_file": (c_int, [STR, PP]),
    "lc_model_to_json": (c_int, [P, POINTER(c_void_p), PSZ]),
    "lc_model_to_dot": (c_int, [P, PSZ, SZ, POINTER(c_void_p), PSZ]),
    "lc_model_name": (STR, [P]),
    "lc_model_version": (I64, [P]),
    "lc_model_description": (STR, [P]),
    "lc_model_value_count": (SZ, [P, c_int]),
    "lc_model_value_key": (STR, [P, c_int, SZ]),
    "lc_model_value_label": (STR, [P, c_int, SZ]),
    "lc_model_value_description": (STR, [P, c_int, SZ]),
    "lc_model_value_flags": (c_uint32, [P, c_int, SZ]),
    "lc_model_value_parent": (c_int, [P, c_int, SZ, PSZ]),
    "lc_model_value_next": (c_int, [P, c_int, SZ, PSZ]),
    "lc_model_value_find": (c_int, [P, c_int, STR, PSZ]),
    "lc_model_rules": (c_int, [P, PP]),
    # state.h
    "lc_state_new": (c_int, [PP, P]),
    "lc_state_free": (None, [P]),
    "lc_state_get": (STR, [P, c_int]),
    "lc_state_time": (I64, [P, c_int]),
    "lc_state_flags": (c_uint32, [P]),
    # disposition.h
    "lc_disposition_new": (c_int, [PP, P]),
    "lc_disposition_free": (None, [P]),
    "lc_disposition_reset": (None, [P]),
    "lc_disposition_set": (c_int, [P, c_int, STR]),
    "lc_disposition_set_outcome": (c_int, [P, c_int]),
    "lc_disposition_set_follow_up": (c_int, [P, I64]),
    "lc_disposition_set_note": (c_int, [P, STR]),
    "lc_disposition_set_actor": (c_int, [P, STR]),
    # validate.h
    "lc_violations_new": (c_int, [PP]),
    "lc_violations_free": (None, [P]),
    "lc_violations_table": (P, [P]),
    "lc_validate": (c_int, [P, P, P, I64, P]),
    # lead.h
    "lc_lead_new": (c_int, [PP]),
    "lc_lead_free": (None, [P]),
    "lc_lead_text_name": (STR, [c_int]),
    "lc_lead_text_parse": (c_int, [STR, POINTER(c_int)]),
    "lc_lead_set_text": (c_int, [P, c_int, STR]),
    "lc_lead_text": (STR, [P, c_int]),
    "lc_lead_set_probability": (c_int, [P, c_int32]),
    "lc_lead_set_amount": (c_int, [P, I64, STR]),
    "lc_lead_currency": (STR, [P]),
    "lc_lead_set_date": (c_int, [P, c_int, I64]),
    "lc_lead_date": (I64, [P, c_int]),
    "lc_lead_set_unit": (c_int, [P, I64]),
    "lc_lead_set_agent": (c_int, [P, I64]),
    "lc_lead_set_flag": (c_int, [P, c_uint32, c_int]),
    "lc_lead_number": (I64, [P, c_int]),
    "lc_lead_list_count": (SZ, [P, c_int]),
    "lc_lead_list_get": (c_int, [P, c_int, SZ, c_void_p]),
    "lc_lead_list_clear": (c_int, [P, c_int]),
    "lc_lead_product_add": (c_int, [P, STR, STR]),
    "lc_lead_name_add": (c_int, [P, c_int, STR]),
    "lc_lead_activity_add": (c_int, [P, STR, I64, STR]),
    "lc_lead_attr_set": (c_int, [P, STR, STR]),
    "lc_lead_state": (P, [P]),
    # db.h
    "lc_db_open": (c_int, [PP, STR, POINTER(DbOptions)]),
    "lc_db_close": (None, [P]),
    "lc_db_now": (I64, [P]),
    "lc_db_set_actor": (c_int, [P, STR]),
    "lc_db_set_progress": (c_int, [P, DB_PROGRESS_FN, P]),
    "lc_db_begin": (c_int, [P]),
    "lc_db_commit": (c_int, [P]),
    "lc_db_rollback": (c_int, [P]),
    "lc_db_install_model": (c_int, [P, P, PI64]),
    "lc_db_model": (P, [P]),
    "lc_db_model_version": (I64, [P]),
    "lc_db_model_get": (c_int, [P, I64, PP, PI64]),
    "lc_db_model_dry_run": (c_int, [P, P, PP]),
    "lc_db_count_invalid": (c_int, [P, PSZ]),
    "lc_migration_new": (c_int, [PP]),
    "lc_migration_free": (None, [P]),
    "lc_migration_add": (c_int, [P, c_int, STR, STR]),
    "lc_db_migrate": (c_int, [P, P, PSZ]),
    "lc_db_lead_create": (c_int, [P, P, PI64]),
    "lc_db_lead_get": (c_int, [P, I64, PP]),
    "lc_db_lead_find": (c_int, [P, STR, PP]),
    "lc_db_lead_update": (c_int, [P, P, I64]),
    "lc_db_apply": (c_int, [P, I64, P, I64, P, PI64]),
    "lc_db_lead_accept": (c_int, [P, I64, I64]),
    "lc_db_lead_assign": (c_int, [P, I64, I64, I64]),
    "lc_db_lead_recycle": (c_int, [P, I64]),
    "lc_db_lead_restore": (c_int, [P, I64]),
    "lc_db_lead_note": (c_int, [P, I64, STR, STR]),
    "lc_db_replay": (c_int, [P, I64, P]),
    "lc_query_new": (c_int, [PP]),
    "lc_query_free": (None, [P]),
    "lc_query_set_value": (c_int, [P, c_int, STR]),
    "lc_query_set_text": (c_int, [P, c_int, STR]),
    "lc_query_set_agent": (c_int, [P, I64]),
    "lc_query_set_unit": (c_int, [P, I64]),
    "lc_query_set_follow_up": (c_int, [P, I64, I64]),
    "lc_query_set_created": (c_int, [P, I64, I64]),
    "lc_query_set_recycled": (c_int, [P, c_int]),
    "lc_query_set_attribute": (c_int, [P, STR, STR]),
    "lc_query_set_invalid": (c_int, [P, c_int]),
    "lc_query_set_page": (c_int, [P, I64, SZ]),
    "lc_db_query": (c_int, [P, P, PP]),
    "lc_lead_iter_next": (c_int, [P, PP]),
    "lc_lead_iter_free": (None, [P]),
    "lc_db_count": (c_int, [P, P, PSZ]),
    "lc_event_kind_name": (STR, [c_int]),
    "lc_db_history": (c_int, [P, I64, PP]),
    "lc_event_iter_next": (c_int, [P, PP]),
    "lc_event_iter_free": (None, [P]),
    "lc_event_text": (STR, [P, c_int]),
    "lc_event_value": (STR, [P, c_int]),
    "lc_event_number": (I64, [P, c_int]),
    "lc_event_state": (P, [P, c_int]),
    "lc_db_agent_add": (c_int, [P, STR, PI64]),
    "lc_db_agent_find": (c_int, [P, STR, PI64]),
    "lc_db_agent_set_active": (c_int, [P, I64, c_int]),
    "lc_db_agents": (c_int, [P, I64, PP]),
    "lc_db_unit_add": (c_int, [P, STR, PI64]),
    "lc_db_unit_find": (c_int, [P, STR, PI64]),
    "lc_db_unit_join": (c_int, [P, I64, I64]),
    "lc_db_unit_leave": (c_int, [P, I64, I64]),
    "lc_db_units": (c_int, [P, I64, PP]),
    # report.h
    "lc_report_pipeline": (c_int, [P, POINTER(c_int), SZ, POINTER(ReportOptions), PP]),
    "lc_report_matrix": (c_int, [P, POINTER(ReportOptions), PP]),
    "lc_report_matrix_cell": (c_int, [P, STR, STR, POINTER(ReportOptions), PP]),
    "lc_report_followups": (c_int, [P, POINTER(ReportOptions), PP]),
    "lc_report_overdue": (c_int, [P, POINTER(ReportOptions), PP]),
    "lc_report_funnel": (c_int, [P, POINTER(ReportOptions), PP]),
    # table.h
    "lc_table_free": (None, [P]),
    "lc_table_kind": (STR, [P]),
    "lc_table_row_count": (SZ, [P]),
    "lc_table_column_count": (SZ, [P]),
    "lc_table_column_name": (STR, [P, SZ]),
    "lc_table_column_type": (c_int, [P, SZ]),
    "lc_table_column_find": (c_int, [P, STR, POINTER(SZ)]),
    "lc_table_text": (STR, [P, SZ, SZ]),
    "lc_table_label": (STR, [P, SZ, SZ]),
    "lc_table_int": (I64, [P, SZ, SZ]),
    "lc_table_text_named": (STR, [P, SZ, STR]),
    "lc_table_int_named": (I64, [P, SZ, STR]),
    "lc_table_summary": (P, [P]),
    # import.h
    "lc_mapping_load_string": (c_int, [PP, STR, STR]),
    "lc_mapping_load_file": (c_int, [PP, STR]),
    "lc_mapping_free": (None, [P]),
    "lc_import_file": (c_int, [P, STR, P, POINTER(ImportOptions), PP]),
    # workflow.h
    "lc_ruleset_load_string": (c_int, [PP, STR, STR]),
    "lc_ruleset_load_file": (c_int, [PP, STR]),
    "lc_ruleset_preset": (c_int, [PP, STR]),
    "lc_ruleset_free": (None, [P]),
    "lc_ruleset_name": (STR, [P]),
    "lc_ruleset_version": (I64, [P]),
    "lc_db_ruleset_install": (c_int, [P, P, PI64]),
    "lc_db_ruleset_latest": (c_int, [P, PI64]),
    "lc_db_ruleset_get": (c_int, [P, I64, PP, PI64]),
    "lc_workflow_sweep": (c_int, [P, I64, PP]),
    "lc_assign": (c_int, [P, I64, POINTER(AssignOptions), PP, PP]),
    "lc_worklist_get": (c_int, [P, I64, I64, PP]),
}

_state: Dict[str, Any] = {}
_lock = threading.Lock()


def lib() -> Any:
    """The loaded library with every function of _DECLS declared (loaded on first use)."""
    found = _state.get("lib")
    if found is not None:
        return found
    with _lock:
        if "lib" not in _state:
            cdll, info = _loader.find_and_load()
            for name, (restype, argtypes) in _DECLS.items():
                try:
                    fn = getattr(cdll, name)
                except AttributeError:
                    raise _loader.LibraryError(
                        f"libleadcore {info.version_string} at {info.path} has no {name}: this "
                        f"package needs the API of leadcore {'.'.join(map(str, _loader.REQUIRED))}."
                    ) from None
                fn.restype = restype
                fn.argtypes = argtypes
            _state["info"] = info
            _state["lib"] = cdll
    return _state["lib"]


def info() -> _loader.LibraryInfo:
    lib()
    found: _loader.LibraryInfo = _state["info"]
    return found


# ---- small helpers the rest of the package shares ----

def text(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode("utf-8")


def enc(value: Optional[str]) -> Optional[bytes]:
    return None if value is None else value.encode("utf-8")


def parse_enum(parser: str, name: str) -> int:
    """An enum value from one of the library's *_parse functions (raises its error)."""
    out = c_int()
    check(getattr(lib(), parser)(name.encode("utf-8"), ctypes.byref(out)))
    return out.value


def check(rc: int) -> int:
    """Raise the leadcore.Error subclass for a negative return code; return rc otherwise."""
    if rc < 0:
        from .errors import error_for
        raise error_for(rc, (lib().lc_error_last() or b"").decode("utf-8", "replace"))
    return rc


def take_string(buf: c_void_p) -> str:
    """Copy and free a buffer the library allocated (lc_free)."""
    try:
        return ctypes.string_at(buf).decode("utf-8") if buf else ""
    finally:
        lib().lc_free(buf)


# ---- readers of result objects (the shapes issue 13 folds into one table) ----

#: lc_column_type: LC_COLUMN_TEXT; the others (int, time, id) are integers.
COLUMN_TEXT = 1


def read_table(t: Any) -> Tuple[List[str], List[Dict[str, Any]]]:
    """An lc_table as (column names, rows as {name: text or int or None}); text cells
    also give their label under "NAME:label"."""
    L = lib()
    ncol = L.lc_table_column_count(t)
    names = [text(L.lc_table_column_name(t, c)) or "" for c in range(ncol)]
    types = [L.lc_table_column_type(t, c) for c in range(ncol)]
    rows: List[Dict[str, Any]] = []
    for i in range(L.lc_table_row_count(t)):
        row: Dict[str, Any] = {}
        for c, name in enumerate(names):
            if types[c] == COLUMN_TEXT:
                row[name] = text(L.lc_table_text(t, i, c))
                row[name + ":label"] = text(L.lc_table_label(t, i, c))
            else:
                row[name] = _measure(L.lc_table_int(t, i, c))
        rows.append(row)
    return names, rows


def read_summary(t: Any) -> Dict[str, Any]:
    """A table's one-row summary as {name: int}, or {} when it has none."""
    s = lib().lc_table_summary(t)
    return read_table(s)[1][0] if s else {}


def _measure(v: int) -> Optional[int]:
    return None if v == REPORT_NONE else v


def read_violations(v: c_void_p) -> List[Tuple[str, str, str]]:
    """(code key, field, message) of each violation in a list."""
    rows = read_table(lib().lc_violations_table(v))[1]
    return [(r["violation"] or "unknown", r["field"] or "", r["message"] or "") for r in rows]


def lead_entries(h: Any, which: int) -> List[Tuple[str, Optional[str], int]]:
    """(text, detail, time) of each entry of a lead's list (lc_lead_list_get)."""
    L = lib()
    out = []
    for i in range(L.lc_lead_list_count(h, which)):
        e = LeadEntry(version=LEAD_ENTRY_VERSION)
        if L.lc_lead_list_get(h, which, i, ctypes.byref(e)) == 0:
            out.append((text(e.text) or "", text(e.detail), e.time))
    return out


def violations_dropped(v: c_void_p) -> int:
    """How many violations did not fit in a list (its table's summary)."""
    return int(read_summary(lib().lc_violations_table(v)).get("dropped") or 0)


def int_array(values: Sequence[int], ctype: Any = c_int64) -> Any:
    return (ctype * len(values))(*values)
