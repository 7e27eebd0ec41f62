"""Workflow rules, sweeps, daily assignment, worklists; model upgrades and migrations."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Callable, List, Tuple

import pytest

import leadcore
from conftest import model_dict
from leadcore import Store


def test_ruleset_sweep_assign_worklist(store: Store, days: Callable[[float], datetime]) -> None:
    assert store.ruleset is None
    with pytest.raises(leadcore.StateError):
        store.sweep()
    assert store.install_ruleset("seed002") == 1
    assert store.ruleset == ("seed002", 1) or store.ruleset is not None
    maria, li = store.add_agent("Maria"), store.add_agent("Li")
    leads = [store.add_lead(name=f"L{i}", phone=f"+1 555 01{i:02}") for i in range(5)]
    given = store.assign(quota=2)
    assert len(given.leads) == 4
    assert {a.agent: a.given for a in given.agents} == {maria.id: 2, li.id: 2}
    work = store.worklist(maria)
    assert [w.reason for w in work] == ["new", "new"] and work[0].follow_up is None
    store.dispose(work[0].lead, action="call", milestone="contacted", status="hot",
                  follow_up=days(0.5))
    assert store.worklist(maria, days(1))[0].reason in ("due", "overdue")
    first = store.sweep(days(400))
    assert first.checked >= len(leads) and first.failures == 0
    assert all(e.error is None and e.effect for e in first.effects)
    second = store.sweep(days(400))
    assert second.effects == (), "a sweep at the same time changes nothing"
    with pytest.raises(leadcore.NotFoundError):
        store.worklist("Nobody")
    with pytest.raises(leadcore.NotFoundError):
        store.install_ruleset("nosuch")
    with pytest.raises(leadcore.FormatError):
        store.install_ruleset({"format": 1, "colour": "red"})


def test_rules_from_a_file_and_assignment_to_chosen_agents(store: Store, tmp_path: Path) -> None:
    rules = {"format": 1, "name": "mine", "version": 3, "rules": []}
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    assert store.install_ruleset(tmp_path / "rules.json") == 1
    assert store.ruleset == ("mine", 3)
    with pytest.raises(leadcore.StorageIOError):
        store.install_ruleset(tmp_path / "absent.json")
    maria, li = store.add_agent("Maria"), store.add_agent("Li")
    for i in range(3):
        store.add_lead(name=f"L{i}", phone=f"+1 555 02{i:02}")
    given = store.assign(quota=5, agents=["Li"])
    assert {agent for _, agent in given.leads} == {li.id} and len(given.leads) == 3
    assert store.worklist(maria) == []
    with pytest.raises(leadcore.NotFoundError):
        store.assign(agents=["Nobody"])
    with pytest.raises(leadcore.InvalidArgumentError):
        store.assign(quota=1_000_000)


def test_progress_of_long_work(store: Store) -> None:
    seen: List[Tuple[str, int, int]] = []
    store.set_progress(lambda what, done, total: seen.append((what, done, total)))
    store.install_ruleset("seed002")
    store.add_agent("Maria")
    for i in range(3):
        store.add_lead(name=f"L{i}", phone=f"+1 555 03{i:02}")
    store.sweep()
    store.assign(quota=2)
    assert {w for w, _, _ in seen} >= {"sweep", "assign"}
    assert ("sweep", 0, 3) in seen and ("sweep", 3, 3) in seen
    seen.clear()
    store.set_progress(None)
    store.sweep()
    assert seen == []


def test_upgrade_dry_run_and_migrate(store: Store) -> None:
    lead = store.add_lead(name="Ana")
    store.dispose(lead, action="call", status="attempted_contact")
    d = model_dict("leadmanager", version=2)
    d["statuses"] = [s for s in d["statuses"] if s["key"] != "attempted_contact"]
    d["links"] = {m: [s for s in ss if s != "attempted_contact"] for m, ss in d["links"].items()}
    newer = leadcore.Model.from_json(d)
    report = store.dry_run(newer)
    assert report.invalid == 1 and report.checked == 1
    assert report.rows[0].code == "unknown_value" and report.rows[0].value == "attempted_contact"
    store.install_model(newer)
    assert store.count_invalid() == 1 and store.count(invalid=True) == 1
    assert store.migrate({"status": {"attempted_contact": "new"}}) == 1
    assert store.count_invalid() == 0 and store.lead(lead).status == "new"
    assert list(store.history(lead))[-1].kind == "migrate"
    with pytest.raises(leadcore.NotFoundError):
        store.migrate({"status": {"new": "nowhere"}})


def test_upgrade_drops_a_source() -> None:
    """A model that drops a source: the lead holding it is invalid, named by the
    dry run, and a migration moves the record's value as it moves a status."""
    with leadcore.Store(":memory:", preset="crm") as store:
        lead = store.add_lead(name="Ana", source="Website")
        d = model_dict("crm", version=2)
        d["sources"] = [s for s in d["sources"] if s["key"] != "web"]
        newer = leadcore.Model.from_json(d)
        report = store.dry_run(newer)
        assert report.invalid == 1
        assert [(r.code, r.field, r.value) for r in report.rows] == [("unknown_value", "source", "web")]
        store.install_model(newer)
        assert store.count_invalid() == 1 and store.count(invalid=True) == 1
        assert store.migrate({"source": {"web": "Referral"}}) == 1
        assert store.count_invalid() == 0 and store.lead(lead).source == "referral"
        assert list(store.history(lead))[-1].kind == "migrate"
