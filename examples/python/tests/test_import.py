"""import_csv(): a generated file, bad rows, skip mode, progress, and X Education's real data."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import leadcore
from conftest import source_root
from leadcore import Store

MAPPING: Dict[str, Any] = {
    "format": 1,
    "dedupe": "external_id",
    "placeholders": ["Select"],
    "actor": "crm import",
    "fields": {"external_id": "Id", "name": "Name", "source": "Source"},
    "attributes": {"campaign": "Campaign"},
    "dispositions": [
        {"action": {"column": "Touch", "values": {"Phone": "call", "Mail": "email"}},
         "status": {"column": "Result"}},
    ],
}


def write_csv(path: Path, rows: List[str]) -> Path:
    path.write_text("Id,Name,Source,Campaign,Touch,Result\n" + "\n".join(rows) + "\n")
    return path


def test_import_creates_leads_with_their_dispositions(store: Store, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "a.csv", ["a1,Ana,web,spring,Phone,attempted_contact",
                                         "a2,Bo,Select,,Mail,Bad Phone Number",
                                         "a3,Cy,fair,,,"])
    result = store.import_csv(csv, MAPPING)
    assert (result.rows, result.imported, result.updated, result.dispositions) == (3, 3, 0, 2)
    assert result.rejected == 0 and result.rejects == ()
    ana = store.lead("a1")
    assert ana.status == "attempted_contact" and ana.attributes == {"campaign": "spring"}
    assert store.lead("a2").source is None, "a placeholder is read as empty"
    assert store.lead("a2").status == "bad_phone_number", "a label works"
    assert [e.actor for e in store.history(ana)][-1] == "crm import"
    again = store.import_csv(csv, MAPPING)
    assert (again.imported, again.updated, again.unchanged, again.dispositions) == (0, 0, 3, 0)
    assert again.repeats == 2, "the dispositions are in the history already"
    changed = write_csv(tmp_path / "a2.csv", ["a1,Ana Diaz,web,spring,Phone,attempted_contact"])
    third = store.import_csv(changed, MAPPING)
    assert (third.updated, third.unchanged) == (1, 0) and store.lead("a1").name == "Ana Diaz"


def test_bad_rows_roll_everything_back_and_are_reported(store: Store, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "b.csv", ["b1,Ana,web,,Phone,attempted_contact",
                                         "b2,Bo,web,,Fax,new",
                                         "b3,Cy,web",
                                         "b4,Di,web,,Phone,hot"])
    with pytest.raises(leadcore.Error) as e:
        store.import_csv(csv, MAPPING)
    assert isinstance(e.value, (leadcore.FormatError, leadcore.ViolationError))
    result = e.value.import_result
    assert result is not None and result.imported == 0
    assert [r.line for r in result.rejects] == [3, 4, 5]
    assert "Fax" in result.rejects[0].reason and result.rejects[0].error == "LC_EFORMAT"
    assert result.rejects[2].error == "LC_EINVALID"  # hot needs a follow-up
    assert store.count() == 0
    skipped = store.import_csv(csv, MAPPING, skip_bad=True)
    assert (skipped.imported, skipped.skipped, skipped.rejected) == (1, 3, 3)
    assert [le.external_id for le in store.leads()] == ["b1"]


def test_bad_mappings_and_files(store: Store, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "c.csv", ["c1,Ana,web,,Phone,new"])
    with pytest.raises(leadcore.FormatError, match="colour"):
        store.import_csv(csv, {**MAPPING, "colour": 1})
    with pytest.raises(leadcore.FormatError, match="nope"):
        store.import_csv(csv, {**MAPPING, "dispositions": [{"action": "nope"}]})
    with pytest.raises(leadcore.StorageIOError):
        store.import_csv(tmp_path / "absent.csv", MAPPING)
    with pytest.raises(leadcore.StorageIOError):
        store.import_csv(csv, tmp_path / "absent.json")
    with pytest.raises(leadcore.StateError):
        with Store(":memory:") as empty:
            empty.import_csv(csv, MAPPING)


def test_progress_can_stop_the_import(store: Store, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "p.csv", [f"p{i},N{i},web,,Phone,new" for i in range(10)])
    seen: List[int] = []

    def stop_after_three(rows: int, done: int, total: int) -> Optional[bool]:
        seen.append(rows)
        assert 0 < done <= total == csv.stat().st_size
        return rows < 3

    with pytest.raises(leadcore.StoppedError):
        store.import_csv(csv, MAPPING, progress=stop_after_three, progress_every=1)
    assert seen == [1, 2, 3] and store.count() == 0

    def broken(rows: int, done: int, total: int) -> None:
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        store.import_csv(csv, MAPPING, progress=broken, progress_every=1)
    assert store.count() == 0
    every: List[int] = []
    store.import_csv(csv, MAPPING, progress=lambda r, d, t: every.append(r), progress_every=4)
    assert every[-1] == 10 and store.count() == 10


def test_x_education_real_data(tmp_path: Path) -> None:
    data = Path(os.environ.get("LC_DATA_DIR", source_root().parent / "shared" / "data"))
    csv = data / "x-education-leads.csv"
    if not csv.is_file():
        pytest.skip(f"{csv} is absent (../shared is not beside the checkout; "
                    "set LC_DATA_DIR to run the real-data import)")
    root = source_root()
    with Store(tmp_path / "x.db", model=root / "examples" / "models" / "x-education.json") as s:
        result = s.import_csv(csv, root / "examples" / "mappings" / "x-education.json")
        assert (result.rows, result.imported, result.rejected) == (9237, 9237, 0)
        by_lifecycle = {r.keys[0]: r.count for r in s.pipeline("lifecycle")}
        assert by_lifecycle == {"open": 5678, "won": 3559}
        assert s.count() == 9237
        assert sum(c.count for c in s.matrix() if not c.allowed) == 0
