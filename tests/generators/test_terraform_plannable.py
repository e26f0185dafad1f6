"""Terraform that plans: what the generator writes for clouds, variables, backend and edge."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archmodel.api import valid_project
from archmodel.generation import GenerateOptions
from archmodel.generators.terraform import generate
from archmodel.generators.terraform.common import OtherCloud

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"


def files_of(model: Path) -> dict[str, bytes]:
    return generate(valid_project(model), GenerateOptions())


def test_an_environment_on_another_cloud_gets_no_aws_output_and_a_warning() -> None:
    with pytest.warns(OtherCloud) as caught:
        files = files_of(ROOT / "models" / "examples" / "b2b-api")
    assert sorted(str(w.message).split(":")[0] for w in caught) == [
        "environment 'prod' is on azure",
        "environment 'test' is on azure",
    ]
    assert list(files) == ["terraform/notes.gen.tf"]
    assert b"'test' is on azure" in files["terraform/notes.gen.tf"]


def test_a_mixed_model_keeps_aws_for_its_aws_environments_only(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(REFERENCE, model)
    envs = model / "environments.yaml"
    text = envs.read_text()
    assert text.count("cloud: aws") == 3
    envs.write_text(text.replace("cloud: aws", "cloud: gcp", 1))
    with pytest.warns(OtherCloud, match="is on gcp") as caught:
        files = files_of(model)
    gcp = next(str(w.message).split("'")[1] for w in caught)
    assert f"terraform/{gcp}.tfvars" not in files
    assert f"'{gcp}' is on gcp".encode() in files["terraform/notes.gen.tf"]
    assert len([p for p in files if p.endswith(".tfvars")]) == 2
