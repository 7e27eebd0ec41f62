"""The examples in the READMEs run as written, on any date."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import source_root


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.S)


@pytest.mark.parametrize("readme", ["README.md", "examples/python/README.md"])
def test_readme_example_runs(readme: str, tmp_path: Path) -> None:
    blocks = python_blocks(source_root() / readme)
    assert blocks, f"{readme} has no python example"
    example = blocks[0]
    assert len(example.strip().splitlines()) <= 10, "the example is meant to fit ten lines"
    r = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env=os.environ.copy(), check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "('Contacted', 'Hot') 1"
    assert (tmp_path / "leads.db").is_file()
    again = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "('Contacted', 'Hot') 2", "a second run adds a second lead"
