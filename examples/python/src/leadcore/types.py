"""The values the package hands out: frozen dataclasses, aware UTC datetimes, Money."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Dict, Optional, Tuple, Union

from . import _ffi
from .errors import Violation

__all__ = ["Money", "State", "Lead", "Product", "Activity", "Note", "Event", "Agent", "Unit",
           "PipelineRow", "MatrixCell", "CellLead", "FunnelStage", "FollowupDay", "OverdueLead",
           "ImportResult", "Reject", "WorkItem", "Assignment", "AgentLoad", "SweepResult",
           "SweepEffect", "UpgradeReport", "UpgradeRow", "Violation", "When"]

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: What a time argument may be: an aware datetime, a date (midnight UTC), or ISO 8601 text.
When = Union[datetime, date, str]


def to_time(value: When, what: str = "time") -> int:
    """A time argument as lc_time (seconds since the epoch, UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{what} {value.isoformat()} has no time zone: pass an aware "
                             "datetime, e.g. datetime.now(timezone.utc)")
        return (value - EPOCH) // timedelta(seconds=1)
    if isinstance(value, date):
        return (datetime(value.year, value.month, value.day, tzinfo=UTC) - EPOCH).days * 86400
    if isinstance(value, str):
        out = ctypes.c_int64()
        _ffi.check(_ffi.lib().lc_time_parse(value.encode("utf-8"), ctypes.byref(out)))
        return out.value
    raise TypeError(f"{what} must be a datetime, a date or ISO 8601 text, not "
                    f"{type(value).__name__}")


def opt_time(value: Optional[When], what: str = "time") -> int:
    return _ffi.TIME_NONE if value is None else to_time(value, what)


def from_time(t: int) -> Optional[datetime]:
    """lc_time to an aware UTC datetime (None for LC_TIME_NONE)."""
    return None if t == _ffi.TIME_NONE else EPOCH + timedelta(seconds=t)


def seconds(v: Optional[int]) -> Optional[timedelta]:
    return None if v is None else timedelta(seconds=v)


# ISO 4217 currencies whose minor unit is not the cent (the rest have two decimals).
_EXPONENTS = {**{c: 0 for c in ("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF "
                                "XOF XPF").split()},
              **{c: 3 for c in "BHD IQD JOD KWD LYD OMR TND".split()},
              "CLF": 4, "UYW": 4}


@dataclass(frozen=True)
class Money:
    """An amount in a currency's minor units (cents), exactly as the store keeps it."""

    minor: int
    currency: str

    @property
    def exponent(self) -> int:
        return _EXPONENTS.get(self.currency, 2)

    @property
    def amount(self) -> Decimal:
        """The amount in major units, as a Decimal (1054.50 for 105450 EUR cents)."""
        return Decimal(self.minor).scaleb(-self.exponent)

    @classmethod
    def of(cls, amount: Union[Decimal, int, str], currency: str) -> "Money":
        """Money from major units: Money.of(Decimal("1054.50"), "EUR"). Never rounds."""
        exp = _EXPONENTS.get(currency, 2)
        scaled = Decimal(amount).scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{amount} {currency} has more decimals than the currency's "
                             f"{exp}: round it first")
        return cls(int(scaled), currency)

    def __str__(self) -> str:
        return f"{self.amount:.{self.exponent}f} {self.currency}"


@dataclass(frozen=True)
class State:
    """A lead's disposition state: the key of each axis, the follow-up, the completion."""

    milestone: Optional[str] = None
    status: Optional[str] = None
    stage: Optional[str] = None
    phase: Optional[str] = None
    lifecycle: Optional[str] = None
    follow_up: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    do_not_call: bool = False
    do_not_email: bool = False


@dataclass(frozen=True)
class Product:
    name: str
    note: Optional[str] = None


@dataclass(frozen=True)
class Activity:
    what: str
    when: Optional[datetime] = None
    who: Optional[str] = None


@dataclass(frozen=True)
class Note:
    text: str
    at: Optional[datetime]
    author: Optional[str]


@dataclass(frozen=True)
class Lead:
    """A snapshot of a lead record as the store had it when it was read."""

    id: int
    version: int
    created_at: Optional[datetime]
    touched_at: Optional[datetime]
    state: State
    external_id: Optional[str] = None
    name: Optional[str] = None
    email: Optional[str] = None
    phone: Optional[str] = None
    company: Optional[str] = None
    type: Optional[str] = None
    category: Optional[str] = None
    priority: Optional[str] = None
    importance: Optional[str] = None
    source: Optional[str] = None
    lost_reason: Optional[str] = None
    owner_group: Optional[str] = None
    segment: Optional[str] = None
    account: Optional[str] = None
    probability: Optional[int] = None
    amount: Optional[Money] = None
    start: Optional[datetime] = None
    expected_completion: Optional[datetime] = None
    actual_completion: Optional[datetime] = None
    unit: Optional[int] = None
    agent: Optional[int] = None
    do_not_call: bool = False
    do_not_email: bool = False
    automation_stopped: bool = False
    recycled: bool = False
    products: Tuple[Product, ...] = ()
    team: Tuple[str, ...] = ()
    competitors: Tuple[str, ...] = ()
    activities: Tuple[Activity, ...] = ()
    attributes: Dict[str, str] = field(default_factory=dict)
    notes: Tuple[Note, ...] = ()

    # Shortcuts to the state, the fields people read most.
    @property
    def milestone(self) -> Optional[str]:
        return self.state.milestone

    @property
    def status(self) -> Optional[str]:
        return self.state.status

    @property
    def stage(self) -> Optional[str]:
        return self.state.stage

    @property
    def follow_up(self) -> Optional[datetime]:
        return self.state.follow_up


@dataclass(frozen=True)
class Event:
    """One history event: what was chosen, and the lead's state before and after."""

    id: int
    lead: int
    seq: int
    at: Optional[datetime]
    kind: str
    actor: Optional[str]
    action: Optional[str]
    milestone: Optional[str]
    status: Optional[str]
    stage: Optional[str]
    reason: Optional[str]
    outcome: Optional[str]
    follow_up: Optional[datetime]
    note: Optional[str]
    rule: Optional[str]
    model_version: int
    before: State
    after: State


@dataclass(frozen=True)
class Agent:
    id: int
    name: str
    active: bool = True


@dataclass(frozen=True)
class Unit:
    id: int
    name: str


@dataclass(frozen=True)
class PipelineRow:
    """A group of the pipeline: the value keys (None where leads have none), labels, count,
    and with sum_amount=True the group's total amount (None for leads without one)."""

    keys: Tuple[Optional[str], ...]
    labels: Tuple[Optional[str], ...]
    count: int
    amount: Optional[Money] = None


@dataclass(frozen=True)
class MatrixCell:
    milestone: Optional[str]
    status: Optional[str]
    milestone_label: Optional[str]
    status_label: Optional[str]
    count: int
    allowed: bool


@dataclass(frozen=True)
class CellLead:
    lead: int
    external_id: Optional[str]
    name: Optional[str]


@dataclass(frozen=True)
class FunnelStage:
    """A stage of the funnel: leads that reached it, that advanced, and time spent in it."""

    key: Optional[str]
    label: Optional[str]
    reached: int
    advanced: int
    median: Optional[timedelta]
    p90: Optional[timedelta]

    @property
    def conversion(self) -> Optional[float]:
        return self.advanced / self.reached if self.reached else None


@dataclass(frozen=True)
class FollowupDay:
    owner: Optional[str]
    day: date
    count: int


@dataclass(frozen=True)
class OverdueLead:
    lead: int
    external_id: Optional[str]
    name: Optional[str]
    owner: Optional[str]
    status: Optional[str]
    expected_completion: Optional[datetime]
    overdue: Optional[timedelta]


@dataclass(frozen=True)
class Reject:
    """A CSV row the import refused: its line (the header is 1), error name and reason."""

    line: int
    error: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``updated`` rows changed a lead their dedupe key found,
    ``unchanged`` ones had nothing new for it; ``repeats`` are dispositions already in the
    lead's history, ``undated`` ones had an empty time cell (neither is applied)."""

    rows: int
    imported: int
    updated: int
    unchanged: int
    skipped: int
    rejected: int
    dispositions: int
    repeats: int
    undated: int
    agents_created: int
    units_created: int
    rejects: Tuple[Reject, ...]


@dataclass(frozen=True)
class WorkItem:
    """A row of an agent's call list: the lead, why it is there (overdue, due, new)."""

    lead: int
    reason: str
    follow_up: Optional[datetime]


@dataclass(frozen=True)
class AgentLoad:
    agent: int
    load: int
    given: int


@dataclass(frozen=True)
class Assignment:
    """What a daily assignment dealt: (lead, agent) pairs, and each agent's load before."""

    leads: Tuple[Tuple[int, int], ...]
    agents: Tuple[AgentLoad, ...]


@dataclass(frozen=True)
class SweepEffect:
    """An effect a time rule wrote, or (error set) a lead whose changes were rolled back."""

    lead: int
    rule: Optional[str]
    effect: Optional[str]
    error: Optional[str]
    message: str


@dataclass(frozen=True)
class SweepResult:
    checked: int
    effects: Tuple[SweepEffect, ...]
    failures: int


@dataclass(frozen=True)
class UpgradeRow:
    code: str
    field: str
    value: str
    leads: int


@dataclass(frozen=True)
class UpgradeReport:
    """What installing a model would make invalid (Store.dry_run())."""

    checked: int
    invalid: int
    rows: Tuple[UpgradeRow, ...]
