"""A small ctypes binding to libleadcore: enough to open a store, record
dispositions and read a report from Python, with no compiler involved.

It shows that the C API is reachable through a plain FFI: opaque handles,
out-parameters, fixed-width integers, no varargs, no struct passed by value,
and every error as a negative code plus a message (raised as LeadcoreError).

    from leadcore import Store
    with Store(":memory:", preset="leadmanager") as store:
        lead = store.add_lead(name="Ana", phone="+1 555 0100")
        store.dispose(lead, action="call", milestone="contacted", status="hot",
                      follow_up="2026-12-01T10:00:00Z")
        print(store.pipeline("milestone"))

Set LEADCORE_LIBRARY to the path of libleadcore.so.1 to pick a build.
"""
import ctypes
import ctypes.util
import os

_lib = ctypes.CDLL(os.environ.get("LEADCORE_LIBRARY")
                   or ctypes.util.find_library("leadcore") or "libleadcore.so.1")

_p = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_i64 = ctypes.c_int64


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


# The subset of the API this module uses (include/leadcore/*.h).
_version_string = _fn("lc_version_string", ctypes.c_char_p)
_error_last = _fn("lc_error_last", ctypes.c_char_p)
_error_name = _fn("lc_error_name", ctypes.c_char_p, ctypes.c_int)
_time_parse = _fn("lc_time_parse", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_i64))
_model_preset = _fn("lc_model_preset", ctypes.c_int, _pp, ctypes.c_char_p)
_model_load_file = _fn("lc_model_load_file", ctypes.c_int, _pp, ctypes.c_char_p)
_model_free = _fn("lc_model_free", None, _p)
_db_open = _fn("lc_db_open", ctypes.c_int, _pp, ctypes.c_char_p, _p)
_db_close = _fn("lc_db_close", None, _p)
_db_install_model = _fn("lc_db_install_model", ctypes.c_int, _p, _p, ctypes.POINTER(_i64))
_db_model = _fn("lc_db_model", _p, _p)
_db_lead_create = _fn("lc_db_lead_create", ctypes.c_int, _p, _p, ctypes.POINTER(_i64))
_db_apply = _fn("lc_db_apply", ctypes.c_int, _p, _i64, _p, _i64, _p, ctypes.POINTER(_i64))
_lead_new = _fn("lc_lead_new", ctypes.c_int, _pp)
_lead_free = _fn("lc_lead_free", None, _p)
_lead_set_text = _fn("lc_lead_set_text", ctypes.c_int, _p, ctypes.c_int, ctypes.c_char_p)
_disp_new = _fn("lc_disposition_new", ctypes.c_int, _pp, _p)
_disp_free = _fn("lc_disposition_free", None, _p)
_disp_set = _fn("lc_disposition_set", ctypes.c_int, _p, ctypes.c_int, ctypes.c_char_p)
_disp_follow_up = _fn("lc_disposition_set_follow_up", ctypes.c_int, _p, _i64)
_disp_note = _fn("lc_disposition_set_note", ctypes.c_int, _p, ctypes.c_char_p)
_viol_new = _fn("lc_violations_new", ctypes.c_int, _pp)
_viol_free = _fn("lc_violations_free", None, _p)
_viol_count = _fn("lc_violations_count", ctypes.c_size_t, _p)
_viol_code = _fn("lc_violations_code", ctypes.c_int, _p, ctypes.c_size_t)
_viol_field = _fn("lc_violations_field", ctypes.c_char_p, _p, ctypes.c_size_t)
_viol_message = _fn("lc_violations_message", ctypes.c_char_p, _p, ctypes.c_size_t)
_violation_key = _fn("lc_violation_key", ctypes.c_char_p, ctypes.c_int)
_report_pipeline = _fn("lc_report_pipeline", ctypes.c_int, _p, ctypes.POINTER(ctypes.c_int),
                       ctypes.c_size_t, _p, _pp)
_report_free = _fn("lc_report_free", None, _p)
_report_rows = _fn("lc_report_row_count", ctypes.c_size_t, _p)
_report_label = _fn("lc_report_label", ctypes.c_char_p, _p, ctypes.c_size_t, ctypes.c_size_t)
_report_count = _fn("lc_report_count", _i64, _p, ctypes.c_size_t)

# Values of the C enums this module passes (lc_axis, lc_lead_text_field);
# they are part of the ABI and never change meaning.
AXES = {"action": 0, "milestone": 1, "status": 2, "phase": 3, "stage": 4, "lifecycle": 5,
        "reason": 6, "owner": 8, "unit": 9, "segment": 10, "source": 11, "owner_group": 12}
TEXT_FIELDS = {"external_id": 0, "name": 1, "email": 2, "phone": 3, "company": 4, "source": 9}
LC_EINVALID = -5


class LeadcoreError(Exception):
    """A leadcore call failed: `code` is the LC_E... code, the text its message."""

    def __init__(self, code, message, violations=()):
        super().__init__(message)
        self.code = code
        self.name = _error_name(code).decode()
        self.violations = list(violations)


def _check(rc):
    if rc < 0:
        raise LeadcoreError(rc, _error_last().decode())
    return rc


def version():
    """The version of the linked libleadcore."""
    return _version_string().decode()


def parse_time(text):
    """ISO 8601 time or date to seconds since the epoch (UTC)."""
    t = _i64()
    _check(_time_parse(text.encode(), ctypes.byref(t)))
    return t.value


class Store:
    """A store (lc_db) with one model installed; closes with the `with` block."""

    def __init__(self, uri, preset=None, model_file=None):
        self._db = _p()
        _check(_db_open(ctypes.byref(self._db), uri.encode(), None))
        if preset or model_file:
            m = _p()
            try:
                if preset:
                    _check(_model_preset(ctypes.byref(m), preset.encode()))
                else:
                    _check(_model_load_file(ctypes.byref(m), model_file.encode()))
                _check(_db_install_model(self._db, m, None))
            except LeadcoreError:
                self.close()
                raise
            finally:
                _model_free(m)

    def close(self):
        if self._db:
            _db_close(self._db)
            self._db = _p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add_lead(self, **fields):
        """Create a lead from text fields (name, email, phone, ...); returns its id."""
        lead = _p()
        _check(_lead_new(ctypes.byref(lead)))
        try:
            for key, value in fields.items():
                if key not in TEXT_FIELDS:
                    raise ValueError(f"unknown lead field {key!r}; use one of {sorted(TEXT_FIELDS)}")
                _check(_lead_set_text(lead, TEXT_FIELDS[key], value.encode()))
            lead_id = _i64()
            _check(_db_lead_create(self._db, lead, ctypes.byref(lead_id)))
            return lead_id.value
        finally:
            _lead_free(lead)

    def dispose(self, lead_id, follow_up=None, note=None, expected_version=-1, **values):
        """Apply a disposition (action=, milestone=, status=, stage=, reason=, by key or
        label). Raises LeadcoreError with .violations on a rule violation."""
        d, v = _p(), _p()
        _check(_disp_new(ctypes.byref(d), _db_model(self._db)))
        try:
            _check(_viol_new(ctypes.byref(v)))
            for axis, value in values.items():
                if axis not in AXES:
                    raise ValueError(f"unknown axis {axis!r}; use one of {sorted(AXES)}")
                _check(_disp_set(d, AXES[axis], value.encode()))
            if follow_up is not None:
                _check(_disp_follow_up(d, parse_time(follow_up)))
            if note is not None:
                _check(_disp_note(d, note.encode()))
            event = _i64()
            rc = _db_apply(self._db, lead_id, d, expected_version, v, ctypes.byref(event))
            if rc == LC_EINVALID:
                found = [(_violation_key(_viol_code(v, i)).decode(),
                          _viol_field(v, i).decode(), _viol_message(v, i).decode())
                         for i in range(_viol_count(v))]
                raise LeadcoreError(rc, _error_last().decode(), found)
            _check(rc)
            return event.value
        finally:
            _viol_free(v)
            _disp_free(d)

    def pipeline(self, *axes):
        """Pipeline counts grouped by one or two axes: {(label, ...): count}."""
        arr = (ctypes.c_int * len(axes))(*(AXES[a] for a in axes))
        r = _p()
        _check(_report_pipeline(self._db, arr, len(axes), None, ctypes.byref(r)))
        try:
            out = {}
            for row in range(_report_rows(r)):
                key = tuple((_report_label(r, row, c) or b"-").decode() for c in range(len(axes)))
                out[key] = _report_count(r, row)
            return out
        finally:
            _report_free(r)
