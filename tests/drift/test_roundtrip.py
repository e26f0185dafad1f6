"""What archmodel generates for a model has no drift against that model."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.mark.parametrize(
    "model", [MODELS / "reference", MODELS / "examples" / "b2b-api"], ids=lambda p: p.name
)
def test_generated_infrastructure_matches_the_model(model: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    assert (
        runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform,helm"]).exit_code
        == 0
    )
    args = ["drift", str(model), "--terraform", str(out / "terraform")]
    if (out / "k8s" / "prod").is_dir():
        args += ["--k8s", str(out / "k8s" / "prod")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stdout
