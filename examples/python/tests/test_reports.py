"""Reports: pipeline, matrix and its cells, follow-ups, overdue, funnel."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

import pytest

import leadcore
from leadcore import Store


def test_pipeline_by_one_and_two_axes(store: Store, days: Callable[[float], datetime]) -> None:
    ana, bo = store.add_lead(name="Ana"), store.add_lead(name="Bo")
    store.add_lead(name="Cy")
    store.dispose(ana, action="call", milestone="contacted", status="hot", follow_up=days(1))
    store.dispose(bo, action="call", status="attempted_contact")
    by_status = {r.keys: r.count for r in store.pipeline("status")}
    assert by_status == {("new",): 1, ("attempted_contact",): 1, ("hot",): 1}
    two = store.pipeline("milestone", "status")
    cell = next(r for r in two if r.keys == ("contacted", "hot"))
    assert cell.labels == ("Contacted", "Hot") and cell.count == 1
    assert sum(r.count for r in two) == 3
    owners = store.pipeline("owner")
    assert owners == [leadcore.PipelineRow((None,), (None,), 3)]
    store.update_lead(bo, source="web")
    assert [(r.keys, r.count) for r in store.pipeline("source", "status")] == [
        (("web", "attempted_contact"), 1), ((None, "new"), 1), ((None, "hot"), 1)]
    with pytest.raises(leadcore.NotFoundError, match="milestone"):
        store.pipeline("colour")
    with pytest.raises(leadcore.InvalidArgumentError):
        store.pipeline()
    with pytest.raises(leadcore.InvalidArgumentError):
        store.pipeline("status", "status")


def test_lifecycle_pipeline_works(particle: Store) -> None:
    particle.add_lead(name="Ana")
    rows = particle.pipeline("lifecycle")
    assert sum(r.count for r in rows) == 1


def test_matrix_and_cells(store: Store, days: Callable[[float], datetime]) -> None:
    ana = store.add_lead(name="Ana", external_id="a1")
    store.dispose(ana, action="call", milestone="contacted", status="hot", follow_up=days(1))
    cells = store.matrix()
    hot = next(c for c in cells if (c.milestone, c.status) == ("contacted", "hot"))
    assert hot.count == 1 and hot.allowed and hot.status_label == "Hot"
    assert any(not c.allowed for c in cells)
    assert store.matrix_cell("contacted", "hot") == [leadcore.CellLead(ana.id, "a1", "Ana")]
    assert store.matrix_cell("Contacted", "New") == []


def test_followups_and_overdue(store: Store, days: Callable[[float], datetime]) -> None:
    maria = store.add_agent("Maria")
    ana = store.add_lead(name="Ana", agent=maria, expected_completion=days(-2))
    bo = store.add_lead(name="Bo", external_id="b")
    store.dispose(ana, action="call", milestone="contacted", status="hot", follow_up=days(1))
    store.dispose(bo, action="call", milestone="contacted", status="hot", follow_up=days(2))
    rows = store.followups(days(-1), days(5))
    assert {(r.owner, r.day) for r in rows} == {("Maria", days(1).date()), (None, days(2).date())}
    assert [r.day for r in store.followups(agent=maria)] == [days(1).date()]
    assert store.followups(days(10), days(12)) == []
    with pytest.raises(leadcore.InvalidArgumentError):
        store.followups(days(5), days(1))
    late = store.overdue()
    assert [o.lead for o in late] == [ana.id] and late[0].owner == "Maria"
    assert late[0].overdue is not None and late[0].overdue >= timedelta(days=2) - timedelta(
        minutes=1)
    assert late[0].expected_completion == days(-2).replace(microsecond=0)
    assert store.overdue(agent="Maria") == late
    with pytest.raises(leadcore.NotFoundError):
        store.overdue(agent="Nobody")


def test_funnel(particle: Store) -> None:
    for _ in range(2):
        lead = particle.add_lead(name="x")
        particle.dispose(lead, action="call", stage="contact", outcome="progressing")
    stages = particle.funnel()
    first, contact = stages[0], next(s for s in stages if s.key == "contact")
    assert (first.key, first.reached, first.advanced) == ("enquiry", 2, 2)
    assert first.conversion == 1.0 and first.median is not None
    assert contact.reached == 2 and contact.advanced == 0 and contact.median is None
    assert all(s.reached == 0 for s in particle.funnel(start="2100-01-01"))


def test_reports_take_the_lead_filters(store: Store, days: Callable[[float], datetime]) -> None:
    maria = store.add_agent("Maria")
    won = [store.add_lead(name=f"W{i}", agent=maria, source="web", amount=f"{100 * (i + 1)}.50",
                          currency="EUR") for i in range(2)]
    store.add_lead(name="USD", agent=maria, source="web", amount=7, currency="USD")
    store.add_lead(name="fair", source="fair", amount=5, currency="EUR")
    for lead in won:
        store.dispose(lead, action="call", milestone="contacted", status="hot", follow_up=days(1))
    by_owner = store.pipeline("owner", sum_amount=True, status="hot")
    assert by_owner == [leadcore.PipelineRow(("Maria",), ("Maria",), 2,
                                             leadcore.Money(30100, "EUR"))]
    web = store.pipeline("owner", sum_amount=True, source="web")
    assert {(r.keys, r.amount) for r in web} == {
        (("Maria",), leadcore.Money(30100, "EUR")), (("Maria",), leadcore.Money(700, "USD"))}
    assert [r.count for r in store.pipeline("status", source="fair")] == [1]
    assert store.pipeline("status")[0].amount is None, "no sums unless asked"
    assert sum(c.count for c in store.matrix(source="web")) == 3
    assert [c.lead for c in store.matrix_cell("contacted", "hot", name="W1")] == [won[1].id]
    assert sum(f.count for f in store.followups(days(-1), days(3), source="fair")) == 0
    assert sum(f.count for f in store.followups(days(-1), days(3), status="hot")) == 2
    assert store.overdue(source="web") == []
    assert store.funnel(status="hot")[0].reached == 2
    with pytest.raises(TypeError, match="unknown filter"):
        store.matrix(colour="red")
