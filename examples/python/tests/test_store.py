"""Store: opening, model installs, leads (every field), queries, history, agents and units."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

import leadcore
from conftest import model_dict
from leadcore import Money, Store


def test_reopening_does_not_install_the_model_again(db_path: Path) -> None:
    for _ in range(3):
        with Store(db_path, preset="leadmanager") as s:
            assert s.model_version == 1
            assert s.model is not None and s.model.name == "leadmanager"


def test_a_newer_model_is_installed_an_older_one_is_not(db_path: Path) -> None:
    with Store(db_path, preset="leadmanager") as s:
        assert s.model_version == 1
    newer = leadcore.Model.from_json(model_dict("leadmanager", version=2))
    with Store(db_path, model=newer) as s:
        assert s.model_version == 2 and s.model is not None and s.model.version == 2
    with Store(db_path, preset="leadmanager") as s:  # version 1 < 2: kept as it is
        assert s.model_version == 2


def test_another_model_is_refused_and_install_model_switches(db_path: Path) -> None:
    Store(db_path, preset="leadmanager").close()
    with pytest.raises(leadcore.StateError, match="install_model"):
        Store(db_path, preset="insurance")
    with Store(db_path) as s:
        assert s.install_model("insurance") == 2
        assert s.model is not None and s.model.name == "insurance"


def test_model_from_a_file_path(tmp_path: Path, db_path: Path) -> None:
    import json
    f = tmp_path / "m.json"
    f.write_text(json.dumps(model_dict("crm", name="ours")))
    with Store(db_path, model=str(f)) as s:
        assert s.model is not None and s.model.name == "ours"
    with pytest.raises(TypeError):
        Store(db_path, preset="crm", model=str(f))


def test_store_without_model_and_bad_uris(tmp_path: Path) -> None:
    with Store(":memory:") as s:
        assert s.model is None and s.model_version == 0
        with pytest.raises(leadcore.StateError, match="no model"):
            s.add_lead(name="x")
    with pytest.raises(leadcore.NotFoundError):
        Store(tmp_path / "absent.db", create=False)
    with pytest.raises(leadcore.NotFoundError):
        Store("nosuchscheme:x")


def test_store_actor_is_recorded(db_path: Path) -> None:
    with Store(db_path, preset="leadmanager", actor="nightly sync") as s:
        lead = s.add_lead(name="Ana")
        s.add_note(lead, "called twice")
        s.set_actor(None)
        s.add_note(lead, "no author")
        assert [e.actor for e in s.history(lead)] == ["nightly sync", "nightly sync", None]
        with pytest.raises(leadcore.RangeError):
            s.set_actor("x" * 300)


def test_readonly_store_refuses_writes(db_path: Path) -> None:
    with Store(db_path, preset="leadmanager") as s:
        s.add_lead(name="Ana")
    with Store(db_path, readonly=True) as s:
        assert s.count() == 1
        with pytest.raises(leadcore.ReadOnlyError, match="read-only") as e:
            s.add_lead(name="Bo")
        assert e.value.code == leadcore.ReadOnlyError.code == -16
        with pytest.raises(leadcore.ReadOnlyError):
            s.add_agent("Bo")
        assert s.count() == 1


def test_closed_store() -> None:
    s = Store(":memory:", preset="leadmanager")
    s.close()
    s.close()
    assert s.closed
    with pytest.raises(ValueError, match="closed"):
        s.add_lead(name="x")


def test_add_lead_every_field_round_trips(store: Store, days: Callable[[float], datetime]) -> None:
    agent = store.add_agent("Maria")
    unit = store.add_unit("North")
    start, due = days(-3).replace(microsecond=0), days(30).replace(microsecond=0)
    lead = store.add_lead(
        external_id="crm-1", name="Ana Díaz", email="ana@example.com", phone="+1 555 0100",
        company="Acme", type="inbound", category="customer", priority="high",
        importance="a", source="web", lost_reason=None, owner_group="sales", segment="engaged",
        probability=40, amount=Decimal("1054.50"), currency="EUR", start=start,
        expected_completion=due, agent=agent, unit="North", do_not_email=True,
        products=["basic", ("pro", "wants a demo")], team=["Maria", "Li"],
        competitors=["Globex"], activities=[("call back", due, "Maria")],
        attributes={"campaign": "spring", "score": "7"})
    assert lead.id > 0 and lead.version == 1
    assert lead.name == "Ana Díaz" and lead.external_id == "crm-1" and lead.source == "web"
    assert lead.amount == Money(105450, "EUR") and lead.amount.amount == Decimal("1054.50")
    assert str(lead.amount) == "1054.50 EUR"
    assert lead.start == start and lead.expected_completion == due
    assert lead.start is not None and lead.start.tzinfo == timezone.utc
    assert (lead.agent, lead.unit) == (agent.id, unit.id)
    assert lead.do_not_email and not lead.do_not_call and lead.state.do_not_email
    assert lead.products == (leadcore.Product("basic"), leadcore.Product("pro", "wants a demo"))
    assert lead.team == ("Maria", "Li") and lead.competitors == ("Globex",)
    assert lead.activities == (leadcore.Activity("call back", due, "Maria"),)
    assert lead.attributes == {"campaign": "spring", "score": "7"}
    assert lead.probability == 40 and lead.priority == "high"
    # A new lead starts where the model says (leadmanager: No Milestone, New).
    assert (lead.milestone, lead.status) == ("no_milestone", "new")
    assert store.lead("crm-1") == lead == store.lead(lead.id) == store.lead(lead)


def test_money_in_minor_units_and_other_currencies(store: Store) -> None:
    assert store.add_lead(amount=Money(999, "JPY")).amount == Money(999, "JPY")
    assert store.add_lead(amount=12, currency="KWD").amount == Money(12000, "KWD")
    assert Money.of("0.5", "USD") == Money(50, "USD")
    with pytest.raises(ValueError, match="decimals"):
        Money.of("1.005", "EUR")
    with pytest.raises(TypeError, match="currency"):
        store.add_lead(amount=Decimal("1"))
    with pytest.raises(leadcore.InvalidArgumentError, match="currency"):
        store.add_lead(amount=1, currency="euro")
    with pytest.raises(leadcore.RangeError):
        store.add_lead(amount=Money(-1, "EUR"))


def test_bad_lead_input(store: Store) -> None:
    with pytest.raises(TypeError, match="unknown lead field 'colour'.*email"):
        store.add_lead(colour="red")
    with pytest.raises(leadcore.RangeError):
        store.add_lead(external_id="x" * 300)
    with pytest.raises(leadcore.RangeError):
        store.add_lead(probability=101)
    with pytest.raises(ValueError, match="time zone"):
        store.add_lead(start=datetime(2030, 1, 1))
    with pytest.raises(leadcore.FormatError):
        store.add_lead(start="yesterday")
    with pytest.raises(UnicodeEncodeError):
        store.add_lead(name="bad \udcff")
    with pytest.raises(leadcore.NotFoundError):
        store.add_lead(agent="nobody")
    store.add_lead(external_id="dup")
    with pytest.raises(leadcore.AlreadyExistsError):
        store.add_lead(external_id="dup")
    assert store.count() == 1, "refused leads leave nothing behind"
    with pytest.raises(leadcore.NotFoundError):
        store.lead(999)
    with pytest.raises(leadcore.NotFoundError):
        store.lead("no-such-external-id")


def test_dates_and_times_in_and_out(store: Store) -> None:
    lead = store.add_lead(start=date(2031, 5, 6), expected_completion="2031-06-01T10:00:00+02:00")
    assert lead.start == datetime(2031, 5, 6, tzinfo=timezone.utc)
    assert lead.expected_completion == datetime(2031, 6, 1, 8, tzinfo=timezone.utc)
    assert lead.created_at is not None
    assert abs(lead.created_at - store.now()) < timedelta(minutes=1)
    with pytest.raises(TypeError):
        store.add_lead(start=12345)


def test_update_lead_and_stale_versions(store: Store) -> None:
    lead = store.add_lead(name="Ana", team=["a"], products=["x"])
    updated = store.update_lead(lead, name="Ana B", team=["b", "c"], expect_version=lead.version)
    assert updated.name == "Ana B" and updated.team == ("b", "c")
    assert updated.products == (leadcore.Product("x"),), "lists not given are kept"
    assert updated.version == lead.version + 1
    with pytest.raises(leadcore.ConflictError):
        store.update_lead(lead, name="stale", expect_version=lead.version)
    assert store.lead(lead).name == "Ana B"


def test_leads_filters_and_paging(store: Store, days: Callable[[float], datetime]) -> None:
    maria = store.add_agent("Maria")
    ids = [store.add_lead(name=f"L{i}", source="web" if i % 2 else "fair").id for i in range(6)]
    store.assign_lead(ids[0], agent=maria)
    store.dispose(ids[1], action="call", milestone="contacted", status="hot", follow_up=days(1))
    store.add_note(ids[2], "likes blue", author="Li")
    assert [le.id for le in store.leads()] == ids
    assert [le.id for le in store.leads(source="web")] == ids[1::2]
    assert [le.id for le in store.leads(status="Hot")] == [ids[1]]  # a label works too
    assert [le.id for le in store.leads(agent="Maria")] == [ids[0]]
    assert [le.id for le in store.leads(agent=None)] == ids[1:]
    assert [le.id for le in store.leads(follow_up=(days(0), days(2)))] == [ids[1]]
    assert [le.id for le in store.leads(limit=2)] == ids[:2]
    assert [le.id for le in store.leads(created=(days(-1), days(1)))] == ids
    assert store.count(created=(days(1), None)) == 0
    store.update_lead(ids[4], attributes={"campaign": "spring"})
    assert [le.id for le in store.leads(attribute=("campaign", "spring"))] == [ids[4]]
    assert [le.id for le in store.leads(after=ids[3])] == ids[4:]
    assert store.count(source="fair") == 3 and store.count(limit=1) == 6
    store.recycle(ids[5])
    assert store.count() == 5 and store.count(recycled="only") == 1
    assert [le.id for le in store.leads(recycled="include")] == ids
    assert store.lead(ids[5]).recycled
    store.restore(ids[5])
    assert store.count() == 6
    note = store.lead(ids[2]).notes[0]
    assert (note.text, note.author) == ("likes blue", "Li") and note.at is not None
    with pytest.raises(TypeError, match="unknown filter 'colour'"):
        store.count(colour="red")
    with pytest.raises(leadcore.NotFoundError, match="query's condition: status 'hott'"):
        store.count(status="hott")
    with pytest.raises(leadcore.NotFoundError, match="lc_db_query"):
        list(store.leads(milestone="Contacted Yesterday"))
    with pytest.raises(ValueError, match="recycled"):
        store.count(recycled="maybe")


def test_history_records_every_event(store: Store, days: Callable[[float], datetime]) -> None:
    lead = store.add_lead(name="Ana")
    event = store.dispose(lead, action="call", milestone="contacted", status="hot",
                          follow_up=days(2), note="wants a quote", actor="maria")
    store.add_note(lead, "shared")
    events = list(store.history(lead))
    assert [e.kind for e in events] == ["create", "disposition", "note"]
    assert [e.seq for e in events] == [1, 2, 3]
    d = events[1]
    assert d.id == event and d.lead == lead.id and d.actor == "maria"
    assert (d.action, d.milestone, d.status, d.note) == ("call", "contacted", "hot", "wants a quote")
    assert d.before.status == "new" and d.after.status == "hot"
    assert d.follow_up == days(2).replace(microsecond=0) and d.model_version == 1
    assert len(list(store.history())) == 3
    with pytest.raises(leadcore.NotFoundError):
        store.history(12345)


def test_replay_gives_the_stored_state(store: Store, days: Callable[[float], datetime]) -> None:
    lead = store.add_lead(name="Ana")
    store.dispose(lead, action="call", milestone="contacted", status="hot", follow_up=days(1))
    assert store.replay(lead) == store.lead(lead).state


def test_agents_units_assignment(store: Store) -> None:
    maria, li = store.add_agent("Maria"), store.add_agent("Li")
    north = store.add_unit("North")
    store.join(north, maria)
    store.join("North", "Li")
    assert [a.name for a in store.agents(unit=north)] == ["Maria", "Li"]
    assert store.units(agent=maria) == [north]
    store.leave(north, li)
    assert store.agents(unit="North") == [maria]
    store.set_agent_active(li, False)
    assert store.agents()[1] == leadcore.Agent(li.id, "Li", False)
    with pytest.raises(leadcore.AlreadyExistsError):
        store.add_agent("Maria")
    lead = store.add_lead(name="Ana")
    store.assign_lead(lead, unit=north)
    store.accept(lead, maria)
    assert store.lead(lead).agent == maria.id
    with pytest.raises(leadcore.StateError):
        store.accept(lead, maria)
    with pytest.raises(leadcore.StateError):
        store.assign_lead(store.add_lead(name="Bo"), agent=li)  # inactive
    assert [e.kind for e in store.history(lead)][-2:] == ["assign", "accept"]


def test_transactions_commit_and_roll_back(store: Store) -> None:
    with store.transaction():
        store.add_lead(name="a")
        store.add_lead(name="b")
    assert store.count() == 2
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_lead(name="c")
            raise RuntimeError("boom")
    assert store.count() == 2
