"""leadcore.Store: an open store of leads, their history, models, agents and units."""
from __future__ import annotations

import contextlib
import dataclasses
import ctypes
import json
import os
import weakref
from datetime import date, datetime
from typing import (Any, Callable, Dict, Generic, Iterator, List, Mapping, Optional, Sequence,
                    Tuple, TypeVar, Union)

from . import _ffi
from ._ffi import check, enc, text
from .errors import StateError, Violation, ViolationError, error_for
from .model import Model, axis_id
from .types import (Activity, Agent, AgentLoad, Assignment, CellLead, Event, FollowupDay,
                    FunnelStage, ImportResult, Lead, MatrixCell, Money, Note, OverdueLead,
                    PipelineRow, Product, Reject, State, SweepEffect, SweepResult, Unit,
                    UpgradeReport, UpgradeRow, When, WorkItem, from_time, opt_time, seconds,
                    to_time)

T = TypeVar("T")
LeadRef = Union[int, Lead]
AgentRef = Union[int, str, Agent]
UnitRef = Union[int, str, Unit]
PathLike = Union[str, "os.PathLike[str]"]

_STATE_AXES = ("milestone", "status", "stage", "phase", "lifecycle")
_DISPOSITION_AXES = ("action", "milestone", "status", "stage", "reason")


def _lead_id(lead: LeadRef) -> int:
    return lead.id if isinstance(lead, Lead) else int(lead)


class _Handles:
    """The C handles a Store owns, freed in order: cursors, disposition, violations, store."""

    def __init__(self, db: ctypes.c_void_p) -> None:
        self.db = db
        self.disposition = ctypes.c_void_p()
        self.violations = ctypes.c_void_p()
        self.cursors: "weakref.WeakSet[_Cursor[Any]]" = weakref.WeakSet()

    def drop_disposition(self) -> None:
        _ffi.lib().lc_disposition_free(self.disposition)
        self.disposition = ctypes.c_void_p()

    def close(self) -> None:
        for cursor in list(self.cursors):
            cursor.close()
        L = _ffi.lib()
        self.drop_disposition()
        L.lc_violations_free(self.violations)
        self.violations = ctypes.c_void_p()
        L.lc_db_close(self.db)


class _Cursor(Generic[T]):
    """An iterator over a C iterator (leads or events); frees it at the end, on close() or GC."""

    def __init__(self, store: "Store", handle: ctypes.c_void_p, next_fn: str, free_fn: str,
                 read: Callable[[ctypes.c_void_p], T]) -> None:
        self._store = store  # keeps the store open while the cursor lives
        self._h = handle
        self._next = getattr(_ffi.lib(), next_fn)
        self._read = read
        self._item = ctypes.c_void_p()
        self._finalizer = weakref.finalize(self, getattr(_ffi.lib(), free_fn), handle)
        store._res.cursors.add(self)

    def __iter__(self) -> "_Cursor[T]":
        return self

    def __next__(self) -> T:
        if not self._finalizer.alive:
            raise StopIteration
        rc = self._next(self._h, ctypes.byref(self._item))
        if rc <= 0:
            self.close()
            check(rc)
            raise StopIteration
        return self._read(self._item)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> "_Cursor[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Store:
    """An open store (a file path, ``sqlite:PATH``, ``:memory:`` or ``memory:``).

    ``preset`` or ``model`` (a Model or a model file) is installed only when the store has
    no model yet, or holds an older version of the same model; a store that holds another
    model raises StateError (use install_model() to switch on purpose). Use it as a context
    manager, or call close(); the C handles are freed when the object is collected too.
    One thread at a time per Store; open one Store per thread or process.
    """

    def __init__(self, uri: PathLike, preset: Optional[str] = None,
                 model: Union[Model, PathLike, None] = None, *, create: bool = True,
                 readonly: bool = False, busy_timeout: float = 5.0,
                 actor: Optional[str] = None) -> None:
        if preset is not None and model is not None:
            raise TypeError("Store() takes preset or model, not both")
        L = self._L = _ffi.lib()
        opts = _ffi.DbOptions()
        check(L.lc_db_options_init(ctypes.byref(opts), 1))
        opts.busy_timeout_ms = int(busy_timeout * 1000)
        opts.flags = (_ffi.DB_CREATE if create else 0) | (_ffi.DB_READONLY if readonly else 0)
        db = ctypes.c_void_p()
        check(L.lc_db_open(ctypes.byref(db), os.fsencode(uri), ctypes.byref(opts)))
        self._db = db
        self._res = _Handles(db)
        self._finalizer = weakref.finalize(self, self._res.close)
        check(L.lc_violations_new(ctypes.byref(self._res.violations)))
        self._ax = {a: axis_id(a) for a in _DISPOSITION_AXES + _STATE_AXES}
        self._outcomes: Dict[str, int] = {}
        self._text_fields = _text_fields()
        self._model: Optional[Model] = None
        self._model_at = 0
        self._progress: Optional[Any] = None
        try:
            if actor is not None:
                self.set_actor(actor)
            if preset is not None:
                with Model.preset(preset) as m:
                    self._install_if_newer(m)
            elif model is not None:
                if isinstance(model, Model):
                    self._install_if_newer(model)
                else:
                    with Model.from_file(model) as m:
                        self._install_if_newer(m)
        except BaseException:
            self.close()
            raise

    # ---- life ----

    def close(self) -> None:
        """Close the store, after closing the iterators still open on it. Safe to repeat."""
        if self._model is not None:
            self._model.close()
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _h(self) -> ctypes.c_void_p:
        if not self._finalizer.alive:
            raise ValueError("the store was closed")
        return self._db

    def now(self) -> datetime:
        """The present by the store's clock."""
        t = from_time(self._L.lc_db_now(self._h))
        assert t is not None
        return t

    def set_actor(self, name: Optional[str]) -> None:
        """Who is recorded on events that name no actor (updates, notes, assignments)."""
        check(self._L.lc_db_set_actor(self._h, enc(name)))

    def set_progress(self, fn: Optional[Callable[[str, int, int], None]]) -> None:
        """Call ``fn(what, done, total)`` as long work goes on: a sweep ("sweep"), a daily
        assignment ("assign"), a migration ("migrate"), a dry run ("dry_run"). It must not
        use the store; an exception it raises is reported (sys.unraisablehook) and the work
        goes on. None removes it."""
        if fn is None:
            self._progress = None
            check(self._L.lc_db_set_progress(self._h, _ffi.DB_PROGRESS_FN(0),
                                             None))
            return
        report = fn

        def call(_ud: Optional[int], what: Optional[bytes], done: int, total: int) -> None:
            report(text(what) or "", done, total)

        self._progress = _ffi.DB_PROGRESS_FN(call)  # kept alive while the store uses it
        check(self._L.lc_db_set_progress(self._h, self._progress, None))

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Batch many writes into one commit; rolled back when the block raises."""
        check(self._L.lc_db_begin(self._h))
        try:
            yield self
        except BaseException:
            self._L.lc_db_rollback(self._h)
            raise
        check(self._L.lc_db_commit(self._h))

    # ---- models ----

    @property
    def model(self) -> Optional[Model]:
        """The current model (a copy the Store keeps), or None when none was installed."""
        version = self.model_version
        if version == 0:
            return None
        if self._model is None or self._model_at != version:
            out = ctypes.c_void_p()
            check(self._L.lc_db_model_get(self._h, version, ctypes.byref(out), None))
            if self._model is not None:
                self._model.close()
            self._model, self._model_at = Model(out), version
        return self._model

    @property
    def model_version(self) -> int:
        """The store version of the current model (1, 2, ...; 0 when none)."""
        return int(self._L.lc_db_model_version(self._h))

    def install_model(self, model: Union[Model, str]) -> int:
        """Install a model (or a preset, by name) as the next store version; returns it."""
        if isinstance(model, str):
            with Model.preset(model) as m:
                return self.install_model(m)
        version = ctypes.c_int64()
        self._res.drop_disposition()
        check(self._L.lc_db_install_model(self._h, model.handle, ctypes.byref(version)))
        return version.value

    def _install_if_newer(self, model: Model) -> None:
        current = self._L.lc_db_model(self._h)
        if not current:
            self.install_model(model)
            return
        name = text(self._L.lc_model_name(current))
        version = self._L.lc_model_version(current)
        if name != model.name:
            raise StateError(
                f"the store holds model {name!r} (version {version}), not {model.name!r}: "
                "call Store.install_model() to replace it on purpose", StateError.code)
        if model.version > version:
            self.install_model(model)

    def dry_run(self, model: Model) -> UpgradeReport:
        """What installing ``model`` would make invalid, without installing it."""
        L, out = self._L, ctypes.c_void_p()
        check(L.lc_db_model_dry_run(self._h, model.handle, ctypes.byref(out)))
        try:
            rows = tuple(UpgradeRow(code=r["violation"] or "", field=r["field"] or "",
                                    value=r["value"] or "", leads=r["leads"])
                         for r in _ffi.read_table(out)[1])
            summary = _ffi.read_summary(out)
            return UpgradeReport(checked=summary["checked"], invalid=summary["invalid"], rows=rows)
        finally:
            L.lc_table_free(out)

    def count_invalid(self) -> int:
        """How many leads the current model finds invalid (after an upgrade)."""
        out = ctypes.c_size_t()
        check(self._L.lc_db_count_invalid(self._h, ctypes.byref(out)))
        return out.value

    def migrate(self, moves: Mapping[str, Mapping[str, str]]) -> int:
        """Move leads by {axis: {old key: new key or label}}; returns how many moved."""
        L, m = self._L, ctypes.c_void_p()
        check(L.lc_migration_new(ctypes.byref(m)))
        try:
            for axis, pairs in moves.items():
                for old, new in pairs.items():
                    check(L.lc_migration_add(m, axis_id(axis), enc(old), enc(new)))
            moved = ctypes.c_size_t()
            check(L.lc_db_migrate(self._h, m, ctypes.byref(moved)))
            return moved.value
        finally:
            L.lc_migration_free(m)

    # ---- leads ----

    def add_lead(self, **fields: Any) -> Lead:
        """Create a lead from fields (name, email, phone, amount, agent, products, ...)."""
        rec = _Record()
        try:
            self._fill(rec.h, fields)
            lead_id = ctypes.c_int64()
            check(self._L.lc_db_lead_create(self._h, rec.h, ctypes.byref(lead_id)))
            return self.lead(lead_id.value)
        finally:
            rec.free()

    def update_lead(self, lead: LeadRef, *, expect_version: Optional[int] = None,
                    **fields: Any) -> Lead:
        """Change a lead's fields (lists given are replaced whole); returns the lead as stored."""
        rec = self._get_record(_lead_id(lead))
        try:
            self._fill(rec.h, fields, replace_lists=True)
            check(self._L.lc_db_lead_update(self._h, rec.h,
                                            -1 if expect_version is None else expect_version))
            return self.lead(_lead_id(lead))
        finally:
            rec.free()

    def lead(self, lead: Union[LeadRef, str]) -> Lead:
        """A lead by id, or by external id when given a str (NotFoundError when absent)."""
        if isinstance(lead, str):
            rec = _Record(empty=True)
            check(self._L.lc_db_lead_find(self._h, enc(lead), ctypes.byref(rec.h)))
        else:
            rec = self._get_record(_lead_id(lead))
        try:
            return self._read_lead(rec.h)
        finally:
            rec.free()

    def _get_record(self, lead_id: int) -> "_Record":
        rec = _Record(empty=True)
        check(self._L.lc_db_lead_get(self._h, lead_id, ctypes.byref(rec.h)))
        return rec

    def leads(self, **filters: Any) -> "_Cursor[Lead]":
        """Iterate leads in id order. Filters (combined with AND): milestone, status, stage,
        phase, lifecycle (key, label or alias; NotFoundError for a value the model does not
        know); any text field (source="web", segment=...); agent,
        unit (id, name, or None for none); follow_up=(start, end), created=(start, end);
        attribute=(key, value); recycled="exclude"|"include"|"only"; invalid=True;
        after=id, limit=n."""
        q = self._query(filters)
        try:
            it = ctypes.c_void_p()
            check(self._L.lc_db_query(self._h, q, ctypes.byref(it)))
        finally:
            self._L.lc_query_free(q)
        return _Cursor(self, it, "lc_lead_iter_next", "lc_lead_iter_free", self._read_lead)

    def count(self, **filters: Any) -> int:
        """How many leads match the filters of leads() (paging ignored)."""
        q = self._query(filters)
        try:
            out = ctypes.c_size_t()
            check(self._L.lc_db_count(self._h, q, ctypes.byref(out)))
            return out.value
        finally:
            self._L.lc_query_free(q)

    def history(self, lead: Optional[LeadRef] = None) -> "_Cursor[Event]":
        """Iterate a lead's events (every lead's when None) in the order they were written."""
        it = ctypes.c_void_p()
        check(self._L.lc_db_history(self._h, 0 if lead is None else _lead_id(lead),
                                    ctypes.byref(it)))
        return _Cursor(self, it, "lc_event_iter_next", "lc_event_iter_free", self._read_event)

    def replay(self, lead: LeadRef) -> State:
        """Rebuild a lead's state from its history alone (CorruptError on a gap)."""
        L = self._L
        model = L.lc_db_model(self._h)
        st = ctypes.c_void_p()
        check(L.lc_state_new(ctypes.byref(st), model))
        try:
            check(L.lc_db_replay(self._h, _lead_id(lead), st))
            return self._read_state(st)
        finally:
            L.lc_state_free(st)

    # ---- dispositions ----

    def dispose(self, lead: LeadRef, *, action: Optional[str] = None,
                milestone: Optional[str] = None, status: Optional[str] = None,
                stage: Optional[str] = None, outcome: Optional[str] = None,
                reason: Optional[str] = None, follow_up: Optional[When] = None,
                note: Optional[str] = None, actor: Optional[str] = None,
                expect_version: Optional[int] = None) -> int:
        """Validate and apply a disposition atomically; returns the new event's id.

        Values are keys or labels of the model. Raises ViolationError (with .violations)
        when the model refuses it, ConflictError when ``expect_version`` is stale.
        """
        d = self._disposition(action, milestone, status, stage, outcome, reason, follow_up,
                              note, actor)
        event = ctypes.c_int64()
        rc = self._L.lc_db_apply(self._h, _lead_id(lead), d,
                                 -1 if expect_version is None else expect_version,
                                 self._res.violations, ctypes.byref(event))
        if rc == ViolationError.code:
            raise self._violation_error()
        check(rc)
        return event.value

    def validate(self, lead: LeadRef, *, action: Optional[str] = None,
                 milestone: Optional[str] = None, status: Optional[str] = None,
                 stage: Optional[str] = None, outcome: Optional[str] = None,
                 reason: Optional[str] = None, follow_up: Optional[When] = None,
                 note: Optional[str] = None) -> List[Violation]:
        """The violations dispose() would raise for these values now; [] when it would pass.
        Nothing is written."""
        L = self._L
        d = self._disposition(action, milestone, status, stage, outcome, reason, follow_up,
                              note, None)
        rec = self._get_record(_lead_id(lead))
        try:
            rc = L.lc_validate(L.lc_db_model(self._h), L.lc_lead_state(rec.h), d,
                               L.lc_db_now(self._h), self._res.violations)
        finally:
            rec.free()
        if rc == ViolationError.code:
            return self._violation_error().violations
        check(rc)
        return []

    def _disposition(self, action: Optional[str], milestone: Optional[str],
                     status: Optional[str], stage: Optional[str], outcome: Optional[str],
                     reason: Optional[str], follow_up: Optional[When], note: Optional[str],
                     actor: Optional[str]) -> ctypes.c_void_p:
        L, res = self._L, self._res
        if not res.disposition:
            model = L.lc_db_model(self._h)
            if not model:
                raise StateError("the store has no model: open it with Store(uri, preset=...) "
                                 "or call install_model()", StateError.code)
            check(L.lc_disposition_new(ctypes.byref(res.disposition), model))
        d = res.disposition
        L.lc_disposition_reset(d)
        ax = self._ax
        for axis, value in (("action", action), ("milestone", milestone), ("status", status),
                            ("stage", stage), ("reason", reason)):
            if value is not None:
                check(L.lc_disposition_set(d, ax[axis], value.encode("utf-8")))
        if outcome is not None:
            check(L.lc_disposition_set_outcome(d, self._outcome(outcome)))
        if follow_up is not None:
            check(L.lc_disposition_set_follow_up(d, to_time(follow_up, "follow_up")))
        if note is not None:
            check(L.lc_disposition_set_note(d, note.encode("utf-8")))
        if actor is not None:
            check(L.lc_disposition_set_actor(d, actor.encode("utf-8")))
        return d

    def _outcome(self, name: str) -> int:
        if name not in self._outcomes:
            self._outcomes[name] = _ffi.parse_enum("lc_outcome_parse", name)
        return self._outcomes[name]

    def _violation_error(self) -> ViolationError:
        v = self._res.violations
        message = text(self._L.lc_error_last()) or "the model does not allow this"
        found = [Violation(c, f, m) for c, f, m in _ffi.read_violations(v)]
        return ViolationError(message, ViolationError.code, found, _ffi.violations_dropped(v))

    # ---- other writes on one lead ----

    def assign_lead(self, lead: LeadRef, *, unit: Optional[UnitRef] = None,
                    agent: Optional[AgentRef] = None) -> None:
        """Assign a lead to a unit and/or an agent (an agent given with a unit is a member)."""
        check(self._L.lc_db_lead_assign(self._h, _lead_id(lead),
                                        0 if unit is None else self._unit_id(unit),
                                        0 if agent is None else self._agent_id(agent)))

    def accept(self, lead: LeadRef, agent: AgentRef) -> None:
        """An agent takes an unassigned lead of one of its units."""
        check(self._L.lc_db_lead_accept(self._h, _lead_id(lead), self._agent_id(agent)))

    def recycle(self, lead: LeadRef) -> None:
        check(self._L.lc_db_lead_recycle(self._h, _lead_id(lead)))

    def restore(self, lead: LeadRef) -> None:
        check(self._L.lc_db_lead_restore(self._h, _lead_id(lead)))

    def add_note(self, lead: LeadRef, text_: str, author: Optional[str] = None) -> None:
        """Add a shared note to a lead, stamped with the store's time."""
        check(self._L.lc_db_lead_note(self._h, _lead_id(lead), enc(author), enc(text_)))

    # ---- agents and units ----

    def add_agent(self, name: str) -> Agent:
        out = ctypes.c_int64()
        check(self._L.lc_db_agent_add(self._h, enc(name), ctypes.byref(out)))
        return Agent(out.value, name, True)

    def add_unit(self, name: str) -> Unit:
        out = ctypes.c_int64()
        check(self._L.lc_db_unit_add(self._h, enc(name), ctypes.byref(out)))
        return Unit(out.value, name)

    def agents(self, unit: Optional[UnitRef] = None) -> List[Agent]:
        L, out = self._L, ctypes.c_void_p()
        rc = L.lc_db_agents(self._h, 0 if unit is None else self._unit_id(unit), ctypes.byref(out))
        try:  # a damaged store answers CorruptError and still hands a table to free
            check(rc)
            return [Agent(r["id"], r["name"] or "", bool(r["active"]))
                    for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    def units(self, agent: Optional[AgentRef] = None) -> List[Unit]:
        L, out = self._L, ctypes.c_void_p()
        rc = L.lc_db_units(self._h, 0 if agent is None else self._agent_id(agent), ctypes.byref(out))
        try:
            check(rc)
            return [Unit(r["id"], r["name"] or "") for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    def set_agent_active(self, agent: AgentRef, active: bool) -> None:
        check(self._L.lc_db_agent_set_active(self._h, self._agent_id(agent), int(active)))

    def join(self, unit: UnitRef, agent: AgentRef) -> None:
        check(self._L.lc_db_unit_join(self._h, self._unit_id(unit), self._agent_id(agent)))

    def leave(self, unit: UnitRef, agent: AgentRef) -> None:
        check(self._L.lc_db_unit_leave(self._h, self._unit_id(unit), self._agent_id(agent)))

    def _agent_id(self, agent: AgentRef) -> int:
        return self._find_id(agent, "lc_db_agent_find")

    def _unit_id(self, unit: UnitRef) -> int:
        return self._find_id(unit, "lc_db_unit_find")

    def _find_id(self, ref: Union[int, str, Agent, Unit], finder: str) -> int:
        if isinstance(ref, (Agent, Unit)):
            return ref.id
        if isinstance(ref, str):
            out = ctypes.c_int64()
            check(getattr(self._L, finder)(self._h, enc(ref), ctypes.byref(out)))
            return out.value
        return int(ref)

    # ---- reports ----

    def pipeline(self, *axes: str, sum_amount: bool = False, **filters: Any
                 ) -> List[PipelineRow]:
        """Lead counts per value of one or two axes: milestone, status, stage, phase,
        lifecycle, or owner, unit, segment, source, owner_group; keys are None where leads
        have no value. ``sum_amount`` adds each group's total amount (one row per currency).
        Filters are those of leads(): pipeline("owner", status="won", sum_amount=True) is the
        won value per agent."""
        ids = [axis_id(a) for a in axes]
        arr = _ffi.int_array(ids, ctypes.c_int)
        flags = _ffi.REPORT_SUM_AMOUNT if sum_amount else 0
        names, rows = self._report("lc_report_pipeline", (arr, len(ids)), filters, flags=flags)
        keys = names[:len(ids)]
        return [PipelineRow(tuple(r[k] for k in keys), tuple(r[k + ":label"] for k in keys),
                            r["count"], Money(r["amount"] or 0, r["currency"])
                            if sum_amount and r.get("currency") else None) for r in rows]

    def matrix(self, **filters: Any) -> List[MatrixCell]:
        """Seed 000's dashboard: every milestone x status cell, its count, whether allowed."""
        _, rows = self._report("lc_report_matrix", (), filters)
        return [MatrixCell(r["milestone"], r["status"], r["milestone:label"], r["status:label"],
                           r["count"], bool(r["allowed"])) for r in rows]

    def matrix_cell(self, milestone: str, status: str, **filters: Any) -> List[CellLead]:
        """The leads in one cell of the matrix."""
        _, rows = self._report("lc_report_matrix_cell", (enc(milestone), enc(status)), filters)
        return [CellLead(r["lead"], r["external_id"], r["name"]) for r in rows]

    def followups(self, start: Optional[When] = None, end: Optional[When] = None,
                  agent: Optional[AgentRef] = None, **filters: Any) -> List[FollowupDay]:
        """Follow-ups due per agent per day in [start, end) (default: today and six days)."""
        _, rows = self._report("lc_report_followups", (), filters, start, end, agent)
        return [FollowupDay(r["owner"], date.fromisoformat(r["day"]), r["count"]) for r in rows]

    def overdue(self, agent: Optional[AgentRef] = None, **filters: Any) -> List[OverdueLead]:
        """Leads past their expected completion and not completed, most overdue first."""
        _, rows = self._report("lc_report_overdue", (), filters, agent=agent)
        return [OverdueLead(r["lead"], r["external_id"], r["name"], r["owner"], r["status"],
                            _opt_from_time(r["expected_completion"]),
                            seconds(r["overdue_seconds"])) for r in rows]

    def funnel(self, start: Optional[When] = None, end: Optional[When] = None,
               **filters: Any) -> List[FunnelStage]:
        """Per stage (milestone when the model has no stages): leads that entered it in
        [start, end), how many went on to a later open stage, and the median and 90th
        percentile time spent in it (stays that began in the window). funnel(status="won")
        is the time-in-stage of the deals that were won."""
        names, rows = self._report("lc_report_funnel", (), filters, start, end)
        key = names[0]
        return [FunnelStage(r[key], r[key + ":label"], r["count"], r["advanced"] or 0,
                            seconds(r["median_seconds"]), seconds(r["p90_seconds"]))
                for r in rows]

    def _report(self, fn: str, args: Tuple[Any, ...], filters: Mapping[str, Any],
                start: Optional[When] = None, end: Optional[When] = None,
                agent: Optional[AgentRef] = None, flags: int = 0
                ) -> Tuple[List[str], List[Dict[str, Any]]]:
        """Run a report with its options and filter; read its table (column names, rows)."""
        L = self._L
        opts = _ffi.ReportOptions()
        check(L.lc_report_options_init(ctypes.byref(opts), _ffi.REPORT_OPTIONS_VERSION))
        opts.from_ = opt_time(start, "start")
        opts.to = opt_time(end, "end")
        opts.agent = 0 if agent is None else self._agent_id(agent)
        opts.flags = flags
        q = self._query(filters) if filters else ctypes.c_void_p()
        r = ctypes.c_void_p()
        try:
            opts.filter = q
            check(getattr(L, fn)(self._h, *args, ctypes.byref(opts), ctypes.byref(r)))
            return _ffi.read_table(r)
        finally:
            L.lc_table_free(r)
            L.lc_query_free(q)

    # ---- import ----

    def import_csv(self, path: PathLike, mapping: Union[Mapping[str, Any], PathLike], *,
                   skip_bad: bool = False, at: Optional[When] = None,
                   progress: Optional[Callable[[int, int, int], Optional[bool]]] = None,
                   progress_every: int = 0, max_rejects: int = 0) -> ImportResult:
        """Import a CSV file with a column mapping (a dict, or a JSON file; docs/import.md).

        All or nothing unless ``skip_bad``. On failure the raised Error carries the bad rows
        in ``.import_result``. ``progress(rows, bytes, total_bytes)`` returning False stops
        the import (StoppedError); an exception it raises stops it and is re-raised. It is
        called every ``progress_every`` rows (0: every 1000) and at the end.
        """
        L, m = self._L, ctypes.c_void_p()
        if isinstance(mapping, Mapping):
            check(L.lc_mapping_load_string(ctypes.byref(m), enc(json.dumps(mapping)),
                                           b"<mapping>"))
        else:
            check(L.lc_mapping_load_file(ctypes.byref(m), os.fsencode(mapping)))
        opts = _ffi.ImportOptions()
        check(L.lc_import_options_init(ctypes.byref(opts), 1))
        opts.flags = _ffi.IMPORT_SKIP_BAD_ROWS if skip_bad else 0
        opts.at = opt_time(at, "at")
        opts.max_rejects = max_rejects
        opts.progress_every = progress_every
        raised: List[BaseException] = []
        if progress is not None:
            report = progress

            def call(_ud: Optional[int], rows: int, done: int, total: int) -> int:
                try:
                    return 1 if report(rows, done, total) is False else 0
                except BaseException as e:  # re-raised below, after the C call returns
                    raised.append(e)
                    return 1
            opts.progress = _ffi.PROGRESS_FN(call)
        result = ctypes.c_void_p()
        try:
            rc = L.lc_import_file(self._h, os.fsencode(path), m, ctypes.byref(opts),
                                  ctypes.byref(result))
            message = text(L.lc_error_last()) or ""
            found = _read_import(result) if result else None
        finally:
            L.lc_table_free(result)
            L.lc_mapping_free(m)
        if raised:
            raise raised[0]
        if rc < 0:
            err = error_for(rc, message)
            err.import_result = found
            raise err
        assert found is not None
        return found

    # ---- workflows ----

    def install_ruleset(self, rules: Union[str, "os.PathLike[str]", Mapping[str, Any]]) -> int:
        """Install workflow rules: a preset by name ("seed002"), a JSON file (a path object),
        or a dict in the rule-set format (docs/workflows.md). Returns the store version."""
        L, rs = self._L, ctypes.c_void_p()
        if isinstance(rules, str):
            check(L.lc_ruleset_preset(ctypes.byref(rs), enc(rules)))
        elif isinstance(rules, Mapping):
            check(L.lc_ruleset_load_string(ctypes.byref(rs), enc(json.dumps(rules)),
                                           b"<rules>"))
        else:
            check(L.lc_ruleset_load_file(ctypes.byref(rs), os.fsencode(rules)))
        try:
            version = ctypes.c_int64()
            check(L.lc_db_ruleset_install(self._h, rs, ctypes.byref(version)))
            return version.value
        finally:
            L.lc_ruleset_free(rs)

    @property
    def ruleset(self) -> Optional[Tuple[str, int]]:
        """(name, version) of the rule set in force, or None."""
        L, latest = self._L, ctypes.c_int64()
        check(L.lc_db_ruleset_latest(self._h, ctypes.byref(latest)))
        if latest.value == 0:
            return None
        rs = ctypes.c_void_p()
        check(L.lc_db_ruleset_get(self._h, latest.value, ctypes.byref(rs), None))
        try:
            return text(L.lc_ruleset_name(rs)) or "", int(L.lc_ruleset_version(rs))
        finally:
            L.lc_ruleset_free(rs)

    def sweep(self, now: Optional[When] = None) -> SweepResult:
        """Run the time rules at ``now`` (default the store's clock); idempotent."""
        L, out = self._L, ctypes.c_void_p()
        check(L.lc_workflow_sweep(self._h, opt_time(now, "now"), ctypes.byref(out)))
        try:
            _, rows = _ffi.read_table(out)
            summary = _ffi.read_summary(out)
            effects = tuple(SweepEffect(
                lead=r["lead"], rule=r["rule"], effect=r["effect"],
                error=error_for(r["code"], "").name if r["code"] else None,
                message=r["message"] or "") for r in rows)
            return SweepResult(checked=summary["checked"], effects=effects,
                               failures=summary["failures"])
        finally:
            L.lc_table_free(out)

    def assign(self, day: Optional[When] = None, *, quota: int = 50,
               agents: Optional[Sequence[AgentRef]] = None) -> Assignment:
        """Top each active agent (or ``agents``) up to ``quota`` leads for the day."""
        L = self._L
        opts = _ffi.AssignOptions()
        check(L.lc_assign_options_init(ctypes.byref(opts), 1))
        opts.quota = quota
        if agents is not None:
            ids = _ffi.int_array([self._agent_id(a) for a in agents])
            opts.agents, opts.nagents = ids, len(agents)
        out, ags = ctypes.c_void_p(), ctypes.c_void_p()
        check(L.lc_assign(self._h, opt_time(day, "day"), ctypes.byref(opts), ctypes.byref(out),
                          ctypes.byref(ags)))
        try:
            pairs = tuple((r["lead"], r["agent"]) for r in _ffi.read_table(out)[1])
            loads = tuple(AgentLoad(r["agent"], r["load"], r["given"])
                          for r in _ffi.read_table(ags)[1])
            return Assignment(pairs, loads)
        finally:
            L.lc_table_free(out)
            L.lc_table_free(ags)

    def worklist(self, agent: AgentRef, day: Optional[When] = None) -> List[WorkItem]:
        """An agent's call list for the day: overdue follow-ups, due ones, then new leads."""
        L, out = self._L, ctypes.c_void_p()
        check(L.lc_worklist_get(self._h, self._agent_id(agent), opt_time(day, "day"),
                                ctypes.byref(out)))
        try:
            return [WorkItem(r["lead"], r["reason"] or "",
                             from_time(_ffi.TIME_NONE if r["follow_up"] is None else r["follow_up"]))
                    for r in _ffi.read_table(out)[1]]
        finally:
            L.lc_table_free(out)

    # ---- reading and writing C records ----

    def _read_state(self, st: ctypes.c_void_p) -> State:
        L, ax = self._L, self._ax
        flags = L.lc_state_flags(st)
        return State(**{a: text(L.lc_state_get(st, ax[a])) for a in _STATE_AXES},
                     follow_up=from_time(L.lc_state_time(st, _ffi.STATE_TIME_FOLLOW_UP)),
                     completed_at=from_time(L.lc_state_time(st, _ffi.STATE_TIME_COMPLETED_AT)),
                     do_not_call=bool(flags & _ffi.LEAD_DO_NOT_CALL),
                     do_not_email=bool(flags & _ffi.LEAD_DO_NOT_EMAIL))

    def _read_lead(self, h: ctypes.c_void_p) -> Lead:
        L = self._L

        def num(field: int) -> int:
            return int(L.lc_lead_number(h, field))
        flags = num(_ffi.LEAD_NUM_FLAGS)

        def lists(which: int) -> List[Tuple[str, Optional[str], int]]:
            return _ffi.lead_entries(h, which)

        currency = text(L.lc_lead_currency(h))
        prob = num(_ffi.LEAD_NUM_PROBABILITY)
        named: Dict[str, Any] = {k: text(L.lc_lead_text(h, i)) for k, i in self._text_fields.items()
                                 if k in _LEAD_FIELDS}
        named.update({k: from_time(L.lc_lead_date(h, v)) for k, v in _ffi.DATE_FIELDS.items()})
        return Lead(
            id=num(_ffi.LEAD_NUM_ID), version=num(_ffi.LEAD_NUM_VERSION),
            created_at=from_time(num(_ffi.LEAD_NUM_CREATED_AT)),
            touched_at=from_time(num(_ffi.LEAD_NUM_TOUCHED_AT)),
            state=self._read_state(L.lc_lead_state(h)),
            **named,
            probability=None if prob < 0 else prob,
            amount=Money(num(_ffi.LEAD_NUM_AMOUNT), currency) if currency else None,
            unit=num(_ffi.LEAD_NUM_UNIT) or None, agent=num(_ffi.LEAD_NUM_AGENT) or None,
            do_not_call=bool(flags & _ffi.LEAD_DO_NOT_CALL),
            do_not_email=bool(flags & _ffi.LEAD_DO_NOT_EMAIL),
            automation_stopped=bool(flags & _ffi.LEAD_AUTOMATION_STOPPED),
            recycled=bool(flags & _ffi.LEAD_RECYCLED),
            products=tuple(Product(t, d) for t, d, _ in lists(_ffi.LIST_PRODUCTS)),
            team=tuple(t for t, _, _ in lists(_ffi.LIST_TEAM)),
            competitors=tuple(t for t, _, _ in lists(_ffi.LIST_COMPETITORS)),
            activities=tuple(Activity(t, from_time(w), d)
                             for t, d, w in lists(_ffi.LIST_ACTIVITIES)),
            attributes={t: d or "" for t, d, _ in lists(_ffi.LIST_ATTRIBUTES)},
            notes=tuple(Note(t, from_time(w), d) for t, d, w in lists(_ffi.LIST_NOTES)))

    def _read_event(self, ev: ctypes.c_void_p) -> Event:
        L, ax = self._L, self._ax

        def num(field: int) -> int:
            return int(L.lc_event_number(ev, field))
        outcome = num(_ffi.EVENT_NUM_OUTCOME)
        return Event(
            id=num(_ffi.EVENT_NUM_ID), lead=num(_ffi.EVENT_NUM_LEAD), seq=num(_ffi.EVENT_NUM_SEQ),
            at=from_time(num(_ffi.EVENT_NUM_TIME)),
            kind=text(L.lc_event_kind_name(num(_ffi.EVENT_NUM_KIND))) or "",
            actor=text(L.lc_event_text(ev, 0)),
            **{a: text(L.lc_event_value(ev, ax[a])) for a in _DISPOSITION_AXES},
            outcome=text(L.lc_outcome_name(outcome)) if outcome else None,
            follow_up=from_time(num(_ffi.EVENT_NUM_FOLLOW_UP)), note=text(L.lc_event_text(ev, 1)),
            rule=text(L.lc_event_text(ev, 2)), model_version=num(_ffi.EVENT_NUM_MODEL_VERSION),
            before=self._read_state(L.lc_event_state(ev, 0)),
            after=self._read_state(L.lc_event_state(ev, 1)))

    def _fill(self, h: ctypes.c_void_p, fields: Mapping[str, Any],
              replace_lists: bool = False) -> None:
        """Set a record's fields from keyword arguments (TypeError for an unknown one)."""
        L = self._L
        amount = fields.get("amount")
        for key, value in fields.items():
            if key in self._text_fields:
                check(L.lc_lead_set_text(h, self._text_fields[key], enc(value)))
            elif key == "probability":
                check(L.lc_lead_set_probability(h, -1 if value is None else value))
            elif key == "amount":
                self._set_amount(h, value, fields.get("currency"))
            elif key == "currency":
                if amount is None and "amount" not in fields:
                    raise TypeError("currency= goes with amount=")
            elif key in _ffi.DATE_FIELDS:
                check(L.lc_lead_set_date(h, _ffi.DATE_FIELDS[key], opt_time(value, key)))
            elif key == "agent":
                check(L.lc_lead_set_agent(h, 0 if value is None else self._agent_id(value)))
            elif key == "unit":
                check(L.lc_lead_set_unit(h, 0 if value is None else self._unit_id(value)))
            elif key in _FLAGS:
                check(L.lc_lead_set_flag(h, _FLAGS[key], int(bool(value))))
            elif key in _LISTS:
                if replace_lists:
                    check(L.lc_lead_list_clear(h, _LISTS[key]))
                self._add_list(h, key, value)
            else:
                raise TypeError(f"unknown lead field {key!r}; the fields are: "
                                + ", ".join(sorted(set(self._text_fields) | _OTHER_FIELDS)))

    def _set_amount(self, h: ctypes.c_void_p, value: Any, currency: Optional[str]) -> None:
        if value is None:
            check(self._L.lc_lead_set_amount(h, 0, None))
            return
        if not isinstance(value, Money):
            if currency is None:
                raise TypeError("amount= needs currency= (or pass a leadcore.Money)")
            value = Money.of(value, currency)
        check(self._L.lc_lead_set_amount(h, value.minor, enc(value.currency)))

    def _add_list(self, h: ctypes.c_void_p, key: str, value: Any) -> None:
        L = self._L
        if key == "attributes":
            for k, v in dict(value).items():
                check(L.lc_lead_attr_set(h, enc(k), enc(v)))
            return
        for item in value:
            if key == "products":
                p = item if isinstance(item, Product) else (
                    Product(item) if isinstance(item, str) else Product(*item))
                check(L.lc_lead_product_add(h, enc(p.name), enc(p.note)))
            elif key == "activities":
                a = item if isinstance(item, Activity) else Activity(*item)
                check(L.lc_lead_activity_add(h, enc(a.what), opt_time(a.when, "when"),
                                             enc(a.who)))
            else:
                check(L.lc_lead_name_add(h, _LISTS[key], enc(item)))

    def _query(self, filters: Mapping[str, Any]) -> ctypes.c_void_p:
        L, q = self._L, ctypes.c_void_p()
        check(L.lc_query_new(ctypes.byref(q)))
        try:
            for key, value in filters.items():
                if key not in ("after", "limit"):
                    self._add_filter(q, key, value)
            if "after" in filters or "limit" in filters:
                check(L.lc_query_set_page(q, int(filters.get("after", 0)),
                                          int(filters.get("limit", 0))))
        except BaseException:
            L.lc_query_free(q)
            raise
        return q

    def _add_filter(self, q: ctypes.c_void_p, key: str, value: Any) -> None:
        L = self._L
        if key in _STATE_AXES:  # a key, label or alias: the library resolves it
            check(L.lc_query_set_value(q, self._ax[key], enc(value)))
        elif key in self._text_fields:
            check(L.lc_query_set_text(q, self._text_fields[key], enc(value)))
        elif key in ("agent", "unit"):
            ident = _ffi.QUERY_NONE if value is None else (
                self._agent_id(value) if key == "agent" else self._unit_id(value))
            check(getattr(L, f"lc_query_set_{key}")(q, ident))
        elif key in ("follow_up", "created"):
            start, end = value
            check(getattr(L, f"lc_query_set_{key}")(q, opt_time(start, "start"),
                                                    opt_time(end, "end")))
        elif key == "attribute":
            check(L.lc_query_set_attribute(q, enc(value[0]), enc(value[1])))
        elif key == "recycled":
            if value not in _ffi.RECYCLED_FILTERS:
                raise ValueError(f"recycled= must be one of {sorted(_ffi.RECYCLED_FILTERS)}")
            check(L.lc_query_set_recycled(q, _ffi.RECYCLED_FILTERS[value]))
        elif key == "invalid":
            check(L.lc_query_set_invalid(q, int(bool(value))))
        else:
            raise TypeError(f"unknown filter {key!r}; the filters are: "
                            + ", ".join(sorted(set(_STATE_AXES) | set(self._text_fields)
                                               | _OTHER_FILTERS)))


class _Record:
    """An lc_lead record owned by Python for the length of one call."""

    def __init__(self, empty: bool = False) -> None:
        self.h = ctypes.c_void_p()
        if not empty:
            check(_ffi.lib().lc_lead_new(ctypes.byref(self.h)))

    def free(self) -> None:
        _ffi.lib().lc_lead_free(self.h)
        self.h = ctypes.c_void_p()


def _text_fields() -> Dict[str, int]:
    """The record's text fields by name, as the library numbers them."""
    L, out = _ffi.lib(), {}
    for i in range(64):
        name = text(L.lc_lead_text_name(i))
        if name is None:
            break
        out[name] = i
    return out


_FLAGS = {"do_not_call": _ffi.LEAD_DO_NOT_CALL, "do_not_email": _ffi.LEAD_DO_NOT_EMAIL,
          "automation_stopped": _ffi.LEAD_AUTOMATION_STOPPED}
_LISTS = {"products": _ffi.LIST_PRODUCTS, "team": _ffi.LIST_TEAM,
          "competitors": _ffi.LIST_COMPETITORS, "activities": _ffi.LIST_ACTIVITIES,
          "attributes": _ffi.LIST_ATTRIBUTES}
_OTHER_FIELDS = ({"probability", "amount", "currency", "agent", "unit"} | set(_ffi.DATE_FIELDS)
                 | set(_FLAGS) | set(_LISTS))
_OTHER_FILTERS = {"agent", "unit", "follow_up", "created", "attribute", "recycled", "invalid",
                  "after", "limit"}


def _opt_from_time(t: Optional[int]) -> Optional[datetime]:
    return None if t is None else from_time(t)


_LEAD_FIELDS = {f.name for f in dataclasses.fields(Lead)}


def _read_import(r: ctypes.c_void_p) -> ImportResult:
    rejects = tuple(Reject(row["line"], error_for(row["code"], "").name, row["reason"] or "")
                    for row in _ffi.read_table(r)[1])
    return ImportResult(**_ffi.read_summary(r), rejects=rejects)
