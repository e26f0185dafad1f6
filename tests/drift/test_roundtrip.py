"""What archmodel generates for a model has no drift against that model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

MODELS = Path(__file__).resolve().parents[2] / "models"


EXAMPLES = ("b2b-api", "bookinfo", "online-boutique", "spring-petclinic-microservices")


@pytest.mark.filterwarnings("ignore::archmodel.generators.terraform.common.OtherCloud")
@pytest.mark.parametrize(
    "model", [MODELS / "reference", *(MODELS / "examples" / e for e in EXAMPLES)], ids=lambda p: p.name
)
def test_generated_infrastructure_matches_the_model(model: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    assert (
        runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform,helm"]).exit_code
        == 0
    )
    args = ["drift", str(model)]
    if (out / "terraform" / "versions.gen.tf").is_file():  # none for an Azure-only model
        args += ["--terraform", str(out / "terraform")]
    if (out / "k8s" / "prod").is_dir():  # production's manifests, against production's view
        args += ["--k8s", str(out / "k8s" / "prod"), "--env", "prod"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stdout


def test_a_cidr_input_is_its_source_component_not_the_internet(tmp_path: Path) -> None:
    """Generated rules from `var.cidr_decoder` are the decoder's flows, not open paths
    (the functions and gateway themselves are not generated yet: AM501 only)."""
    runner = CliRunner()
    model, out = MODELS / "examples" / "event-ingestion", tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform"]).exit_code == 0
    assert "var.cidr_decoder" in (out / "terraform" / "registry.gen.tf").read_text()
    result = runner.invoke(cli, ["drift", str(model), "--terraform", str(out / "terraform")])
    codes = set(re.findall(r": error (AM\d+):", result.stdout))
    assert codes == {"AM501"}
