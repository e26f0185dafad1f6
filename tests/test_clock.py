"""ARCHMODEL_TODAY pins the date that risk expiry is judged by."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel import clock
from archmodel.cli.main import cli

REFERENCE = Path(__file__).resolve().parents[1] / "models" / "reference"


def test_pinned_and_unpinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHMODEL_TODAY", "2030-01-02")
    assert clock.today() == dt.date(2030, 1, 2)
    monkeypatch.setenv("ARCHMODEL_TODAY", "not a date")
    assert clock.today() == dt.date.today()


def test_an_acceptance_reopens_when_the_pinned_date_passes_its_expiry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def status(day: str) -> str:
        monkeypatch.setenv("ARCHMODEL_TODAY", day)
        out = CliRunner().invoke(cli, ["threats", str(REFERENCE), "--format", "json"]).stdout
        data = json.loads(out)
        findings = data["findings"] if isinstance(data, dict) else data
        return next(f["status"] for f in findings if f["id"] == "AMT122:component:cache")

    assert status("2027-03-31") == "accepted"
    assert status("2027-04-01") == "open"
