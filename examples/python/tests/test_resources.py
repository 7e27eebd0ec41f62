"""No handle leaks: context managers, close(), and finalisers free the C objects."""
from __future__ import annotations

import gc
import os
from pathlib import Path

import leadcore
from leadcore import Store


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_stores_left_to_the_collector_are_closed(tmp_path: Path) -> None:
    Store(tmp_path / "a.db", preset="leadmanager").close()
    gc.collect()
    before = open_fds()
    for i in range(50):
        s = Store(tmp_path / "a.db")
        s.add_lead(name=f"n{i}")
        del s
    gc.collect()
    assert open_fds() <= before + 1


def test_closing_a_store_closes_its_iterators(tmp_path: Path) -> None:
    s = Store(tmp_path / "b.db", preset="leadmanager")
    for i in range(3):
        s.add_lead(name=f"n{i}")
    leads, events = s.leads(), s.history()
    assert next(leads).name == "n0" and next(events).kind == "create"
    s.close()
    assert list(leads) == [] and list(events) == []


def test_iterators_free_at_the_end_and_on_break(store: Store) -> None:
    for i in range(5):
        store.add_lead(name=f"n{i}")
    with store.leads() as it:
        for lead in it:
            if lead.name == "n1":
                break
    assert list(it) == []
    full = store.leads()
    assert len(list(full)) == 5 and list(full) == []


def test_models_free_on_close_and_collection() -> None:
    for _ in range(200):
        m = leadcore.Model.preset("insurance")
        assert m.version == 1
    with leadcore.Model.preset("crm") as m2:
        assert m2.name == "crm"
    assert "closed" in repr(m2)
