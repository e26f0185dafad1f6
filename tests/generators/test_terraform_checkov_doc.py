"""The checkov failures docs/howto/terraform.md lists are the ones checkov reports.

Every model's AWS Terraform (the reference, the infra fixture, every example, the GCP
and Azure examples moved to AWS) is scanned with its ``prod.tfvars`` when it has one;
each failing check must have a row in the doc's AWS table that names the model, and the
failures the other checkov tests accept must be in the doc too, so a new failure cannot
be accepted in a test without its reason being written down.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from test_terraform import EXPECTED_FAILURES as FIXTURE_FAILURES
from test_terraform import checkov_binary
from test_terraform_clouds import EXPECTED_FAILURES as CLOUD_FAILURES

from archmodel.api import valid_project
from archmodel.generators.terraform import GENERATOR
from archmodel.runner import NoOptions

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "howto" / "terraform.md"
MODELS = {
    "reference": ROOT / "models" / "reference",
    "infra": ROOT / "tests" / "generators" / "fixtures" / "infra",
    **{
        p.name: p for p in sorted((ROOT / "models" / "examples").iterdir()) if (p / "archmodel.yaml").exists()
    },
}
# How the doc names a model whose directory name is long.
SHORT = {"deathstarbench-hotel-reservation": "deathstarbench", "spring-petclinic-microservices": "petclinic"}


def documented() -> tuple[dict[str, str], set[str]]:
    """The AWS table (check id -> its models cell) and every check id either table lists."""
    text = DOC.read_text(encoding="utf-8")
    aws_part = text.split("## What checkov still reports", 1)[1].split("\nOn GCP and Azure", 1)[0]
    rows: dict[str, str] = {}
    for line in aws_part.splitlines():
        if line.startswith("| CKV"):
            checks, _, models, _ = (cell.strip() for cell in line.strip("|").split(" | "))
            rows |= {check: models for check in checks.split(", ")}
    every = {
        check
        for line in text.splitlines()
        if line.startswith("| CKV")
        for check in line.strip("|").split(" | ")[0].strip().split(", ")
    }
    return rows, every


def on_aws(source: Path, dest: Path) -> Path:
    """A copy of the model with every environment on AWS."""
    shutil.copytree(source, dest)
    for path in dest.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("cloud: gcp", "cloud: aws").replace("cloud: azure", "cloud: aws"))
    return dest


def failures(model: Path, out: Path) -> set[str]:
    """Check ids checkov fails on the model's AWS root module (``terraform/prod/`` when the
    environments have one each), with ``prod.tfvars`` when there is one."""
    binary = checkov_binary()
    if binary is None:
        pytest.skip("checkov not installed (it needs its own venv: networkx<2.7 clashes with ours)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = GENERATOR.generate(valid_project(model), NoOptions())
    out.mkdir()
    for path, content in files.items():
        parts = path.parts
        if len(parts) == 2 or (len(parts) == 3 and parts[1] == "prod"):
            (out / path.name).write_bytes(content)
    tfvars = ["--var-file", str(out / "prod.tfvars")] if (out / "prod.tfvars").exists() else []
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    cmd = [binary, "-d", str(out), "--framework", "terraform", "-o", "json", "--skip-download", *tfvars]
    data = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=env).stdout)
    data = data[0] if isinstance(data, list) else data
    assert data["summary"]["parsing_errors"] == 0, data["summary"]
    assert data["summary"]["resource_count"] > 0, model
    return {c["check_id"] for c in data["results"]["failed_checks"]}


def test_the_failures_other_tests_accept_are_documented() -> None:
    _, every = documented()
    accepted = FIXTURE_FAILURES | CLOUD_FAILURES
    assert not accepted - every, sorted(accepted - every)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_checkov_failure_on_aws_is_documented_for_its_model(name: str, tmp_path: Path) -> None:
    rows, _ = documented()
    failed = failures(on_aws(MODELS[name], tmp_path / "model"), tmp_path / "tf")
    short = SHORT.get(name, name)
    missing = sorted(check for check in failed if short not in rows.get(check, ""))
    assert not missing, (name, missing)
