"""dispose() and validate(): every field, violations, stale versions, a concurrent writer."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

import pytest

import leadcore
from leadcore import Store, Violation


def test_dispose_every_field(particle: Store, days: Callable[[float], datetime]) -> None:
    lead = particle.add_lead(name="Ana")
    particle.dispose(lead, action="call", stage="contact", outcome="progressing")
    particle.dispose(lead, action="meeting", stage="Selected", outcome="Progressing",
                     note="skipped one", actor="maria")
    e = particle.dispose(lead, action="email", outcome="exiting", reason="still_comparing",
                         follow_up=days(10))
    now = particle.lead(lead)
    assert now.stage != "selected" and now.state.phase is not None
    last = list(particle.history(lead))[-1]
    assert last.id == e and (last.outcome, last.reason) == ("exiting", "still_comparing")
    assert last.after.stage == now.stage and last.follow_up is not None


def test_follow_up_forms(store: Store, days: Callable[[float], datetime]) -> None:
    lead = store.add_lead(name="Ana")
    future = days(3).date()
    store.dispose(lead, action="call", milestone="contacted", status="hot", follow_up=future)
    assert store.lead(lead).follow_up == datetime(future.year, future.month, future.day,
                                                  tzinfo=days(0).tzinfo)
    store.dispose(lead, action="call", status="hot", follow_up=days(4).isoformat())
    assert store.lead(lead).follow_up == days(4).replace(microsecond=0)
    with pytest.raises(ValueError, match="time zone"):
        store.dispose(lead, action="call", status="hot", follow_up=datetime(2100, 1, 1))


def test_violations_are_listed_and_nothing_is_written(store: Store) -> None:
    lead = store.add_lead(name="Bo")
    with pytest.raises(leadcore.ViolationError) as e:
        store.dispose(lead, action="email", milestone="sold", status="new")
    err = e.value
    assert err.code == -5 and err.name == "LC_EINVALID" and isinstance(err, leadcore.Error)
    assert all(isinstance(v, Violation) for v in err.violations)
    codes = {v.code for v in err.violations}
    assert "combination_not_allowed" in codes
    combo = next(v for v in err.violations if v.code == "combination_not_allowed")
    assert combo.field and "Sold" in combo.message
    assert store.lead(lead).version == 1 and len(list(store.history(lead))) == 1
    with pytest.raises(leadcore.ViolationError) as e2:
        store.dispose(lead, action="call", milestone="contacted", status="hot")
    assert [v.code for v in e2.value.violations] == ["follow_up_required"]
    assert e2.value.violations[0].field == "follow_up"


def test_validate_writes_nothing(store: Store, days: Callable[[float], datetime]) -> None:
    lead = store.add_lead(name="Ana")
    assert store.validate(lead, action="call", milestone="contacted", status="hot",
                          follow_up=days(1)) == []
    found = store.validate(lead, action="call", milestone="contacted", status="hot",
                           follow_up=days(-1))
    assert [v.code for v in found] == ["follow_up_in_past"]
    assert store.lead(lead).version == 1
    with pytest.raises(leadcore.NotFoundError, match="new, attempted_contact"):
        store.validate(lead, action="call", status="cold")
    with pytest.raises(leadcore.NotFoundError):
        store.validate(4242, action="call")


def test_bad_values(store: Store) -> None:
    lead = store.add_lead(name="Ana")
    with pytest.raises(leadcore.NotFoundError, match="hot"):
        store.dispose(lead, action="call", status="Hott")
    with pytest.raises(leadcore.NotFoundError):
        store.dispose(lead, action="call", outcome="sideways")
    with pytest.raises(leadcore.NotFoundError):
        store.dispose(98765, action="call")
    with pytest.raises(leadcore.RangeError):
        store.dispose(lead, action="call", actor="x" * 300)
    with pytest.raises(UnicodeEncodeError):
        store.dispose(lead, action="call", note="\udcff")
    assert store.lead(lead).version == 1


def test_expect_version(store: Store, days: Callable[[float], datetime]) -> None:
    lead = store.add_lead(name="Ana")
    store.dispose(lead, action="call", status="attempted_contact", expect_version=lead.version)
    with pytest.raises(leadcore.ConflictError) as e:
        store.dispose(lead, action="call", status="attempted_contact", expect_version=lead.version)
    assert e.value.name == "LC_ECONFLICT" and "version" in str(e.value)


def test_a_concurrent_writer_gets_conflict(db_path: Path) -> None:
    with Store(db_path, preset="leadmanager") as a, Store(db_path) as b:
        lead = a.add_lead(name="Ana")
        seen_by_a, seen_by_b = a.lead(lead.id), b.lead(lead.id)
        assert seen_by_a.version == seen_by_b.version == 1
        a.dispose(lead, action="call", status="attempted_contact",
                  expect_version=seen_by_a.version)
        with pytest.raises(leadcore.ConflictError):
            b.dispose(lead, action="email", status="attempted_contact",
                      expect_version=seen_by_b.version)
        assert [e.action for e in b.history(lead)] == [None, "call"]


def test_a_writer_in_another_thread_holds_the_store(db_path: Path) -> None:
    with Store(db_path, preset="leadmanager") as a:
        lead = a.add_lead(name="Ana")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Store(db_path) as writer, writer.transaction():
            writer.add_note(lead, "held")
            holding.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert holding.wait(30)
        with Store(db_path, busy_timeout=0.05) as b:
            with pytest.raises(leadcore.BusyError):
                b.dispose(lead, action="call", status="attempted_contact")
    finally:
        release.set()
        t.join()
    with Store(db_path) as c:
        assert c.lead(lead).notes[0].text == "held"
