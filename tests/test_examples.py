"""Every example under models/examples validates with zero errors as written, and the
threat analysis runs on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.threats import analyse

EXAMPLES = sorted(
    p for p in (Path(__file__).resolve().parent.parent / "models" / "examples").iterdir() if p.is_dir()
)
REAL_SYSTEMS = {
    "online-boutique",
    "bookinfo",
    "spring-petclinic-microservices",
    "deathstarbench-hotel-reservation",
}


def test_real_systems_are_there() -> None:
    assert {p.name for p in EXAMPLES} >= REAL_SYSTEMS
    for name in REAL_SYSTEMS:
        assert "Commit read" in (EXAMPLES[0].parent / name / "SOURCE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_and_threats_run(example: Path) -> None:
    project = load_project(example)
    errors = [d for d in project.diagnostics if str(d.severity) == "error"]
    assert errors == []
    report = analyse(project, today=dt.date(2026, 11, 24))
    assert report.findings
    assert all(f.file is not None for f in report.open)
