"""leadcore.Model: presets, JSON, files, axes and values, rules, export, bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import leadcore
from conftest import model_dict


def test_presets_are_listed_and_load() -> None:
    names = leadcore.Model.presets()
    assert {"leadmanager", "insurance", "particle", "crm", "conversica"} <= set(names)
    for name in names:
        with leadcore.Model.preset(name) as m:
            assert m.name == name and m.version >= 1


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(leadcore.NotFoundError) as e:
        leadcore.Model.preset("nosuch")
    assert "leadmanager" in str(e.value) and e.value.name == "LC_ENOTFOUND"
    assert isinstance(e.value, LookupError) and e.value.code == -3


def test_axes_values_labels_flags_parents() -> None:
    m = leadcore.Model.preset("particle")
    assert set(m.axes) == set(leadcore.AXES)
    stages = m.values("stage")
    assert stages[0].key == "enquiry"
    assert all(s.parent for s in stages), "every particle stage belongs to a phase"
    assert {p.key for p in m.values("phase")} >= {s.parent for s in stages if s.parent}
    check_in = next(s for s in stages if s.key == "periodic_check_in")
    assert "repeatable" in check_in.flags
    assert m.key("stage", check_in.label) == "periodic_check_in"
    assert m.label("stage", "periodic_check_in") == check_in.label
    with pytest.raises(leadcore.NotFoundError, match="enquiry"):
        m.key("stage", "nowhere")
    with pytest.raises(leadcore.NotFoundError):
        m.values("colour")
    lm = leadcore.Model.preset("leadmanager")
    assert any("initial" in v.flags for v in lm.values("status"))
    assert lm.values("stage") == ()


def test_next_value_on_an_ordered_axis() -> None:
    m = leadcore.Model.preset("particle")
    assert m.next("stage", "Contact") == "engaged"
    assert m.next("stage", "periodic_check_in") == "periodic_check_in"  # entered once more
    assert m.next("stage", "problem") is None  # terminal
    assert m.next("stage", "nurture") is None  # closed: the order says nothing
    with pytest.raises(leadcore.NotFoundError):
        m.next("stage", "nowhere")
    with pytest.raises(leadcore.InvalidArgumentError, match="ordered"):
        leadcore.Model.preset("leadmanager").next("status", "new")
    assert leadcore.Model.preset("leadmanager").next("milestone", "No Milestone") == "contacted"


def test_rules_json_dot_round_trip() -> None:
    m = leadcore.Model.preset("leadmanager")
    assert len(m.rules) > 5 and all(r.endswith(".") for r in m.rules)
    text = m.to_json()
    again = leadcore.Model.from_json(text)
    assert again.to_json() == text
    assert leadcore.Model.from_json(json.loads(text)).version == m.version
    assert m.to_dot().startswith("digraph")
    assert repr(m) == "<leadcore.Model leadmanager v1>"


def test_model_files_and_their_problems(tmp_path: Path) -> None:
    good = tmp_path / "m.json"
    good.write_text(json.dumps(model_dict("leadmanager", name="mine", version=3)))
    m = leadcore.Model.from_file(good)
    assert (m.name, m.version) == ("mine", 3)
    assert leadcore.Model.check(good) == []
    bad = model_dict("leadmanager", colour="blue")
    problems = leadcore.Model.check(bad)
    assert problems and "colour" in problems[0]
    with pytest.raises(leadcore.FormatError, match="colour"):
        leadcore.Model.from_json(bad)
    with pytest.raises(leadcore.FormatError):
        leadcore.Model.from_json("{not json")
    with pytest.raises(leadcore.StorageIOError):
        leadcore.Model.from_file(tmp_path / "absent.json")


def test_closed_model_refuses_use() -> None:
    m = leadcore.Model.preset("crm")
    m.close()
    m.close()
    with pytest.raises(ValueError, match="closed"):
        m.name
    assert "closed" in repr(m)
