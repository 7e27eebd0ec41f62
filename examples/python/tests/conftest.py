"""Fixtures shared by the suite. Dates are relative to now, so the tests pass on any day."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import pytest

import leadcore


def source_root() -> Path:
    """The leadcore checkout (LC_SOURCE_ROOT, else the one these tests sit in)."""
    env = os.environ.get("LC_SOURCE_ROOT")
    return Path(env) if env else Path(__file__).resolve().parents[3]


@pytest.fixture
def src() -> Path:
    return source_root()


@pytest.fixture
def days() -> Callable[[float], datetime]:
    """days(n): now plus n days, an aware UTC datetime."""
    now = datetime.now(timezone.utc)
    return lambda n: now + timedelta(days=n)


@pytest.fixture
def store() -> Iterator[leadcore.Store]:
    with leadcore.Store(":memory:", preset="leadmanager") as s:
        yield s


@pytest.fixture
def particle() -> Iterator[leadcore.Store]:
    with leadcore.Store(":memory:", preset="particle") as s:
        yield s


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "leads.db"


def model_dict(preset: str, **changes: Any) -> Dict[str, Any]:
    """A preset as a dict (its canonical JSON), with top-level fields changed."""
    with leadcore.Model.preset(preset) as m:
        d: Dict[str, Any] = json.loads(m.to_json())
    d.update(changes)
    return d
