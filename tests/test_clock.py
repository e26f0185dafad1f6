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
    monkeypatch.delenv("ARCHMODEL_TODAY")
    assert clock.today() == dt.date.today()


@pytest.mark.parametrize("command", [["validate"], ["threats"], ["generate", "-o", "OUT"]])
def test_an_unreadable_pin_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    monkeypatch.setenv("ARCHMODEL_TODAY", "31/03/2027")
    args = [command[0], str(REFERENCE), *[str(tmp_path / a) if a == "OUT" else a for a in command[1:]]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "ARCHMODEL_TODAY" in result.output and "YYYY-MM-DD" in result.output
    assert not list(tmp_path.iterdir())


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
