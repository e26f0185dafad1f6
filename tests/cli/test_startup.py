"""What a command pays before it works: `validate` with text output imports neither the
threat engine nor the shared findings renderers (the whole rule catalog), and file names
shown relative to the working directory follow it when it changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archmodel.diagnostics import relative

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from archmodel.cli.main import cli
try:
    cli(["validate", sys.argv[1]])
except SystemExit:
    pass
heavy = [m for m in ("archmodel.findings", "archmodel.threats.engine", "concurrent.futures.process")
         if m in sys.modules]
print("HEAVY", heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("model", ["models/reference", "models/examples/bookinfo"])
def test_validate_loads_only_what_it_needs(model: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / model)], capture_output=True, text=True, cwd=ROOT
    )
    assert "HEAVY []" in done.stderr, done.stderr


def test_relative_paths_follow_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "m" / "archmodel.yaml"
    model.parent.mkdir()
    model.write_text("archmodel: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert relative(str(model)) == os.path.join("m", "archmodel.yaml")
    monkeypatch.chdir(model.parent)
    assert relative(str(model)) == "archmodel.yaml"
    assert relative(str(model), tmp_path) == os.path.join("m", "archmodel.yaml")
