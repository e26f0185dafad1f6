"""`threats --format github`: one workflow annotation per open finding, safely escaped."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archmodel.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "models" / "examples" / "event-ingestion"


def test_annotations_point_at_model_lines() -> None:
    result = CliRunner().invoke(cli, ["threats", str(EXAMPLE), "--format", "github"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and lines
    for line in lines:
        assert line.startswith(("::error file=", "::warning file=", "::notice file="))
        assert ",line=" in line and "\n" not in line
