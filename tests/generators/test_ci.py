"""CI generator: GitHub Actions workflow from the pipeline, checked against its schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from archmodel.generators.ci import generate
from archmodel.generators.ci.options import CiOptions
from archmodel.load import load
from archmodel.project import Project

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "infra"
REFERENCE = Path(__file__).resolve().parents[2] / "models" / "reference"


def generated(path: Path) -> dict[str, bytes]:
    loaded = load(path)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return {str(p): b for p, b in generate(Project.from_loaded(loaded), CiOptions()).items()}


def workflow_schema() -> dict[str, Any]:
    pytest.importorskip("check_jsonschema")
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "github-workflows.json"
    return json.loads(vendor.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(generated(FIXTURE)["ci/github-actions.yml"])


def test_valid_against_the_github_workflow_schema(workflow: dict[str, Any]) -> None:
    jsonschema.validate(workflow, workflow_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**workflow, "jobs": {"x": {"steps": []}}}, workflow_schema())


def test_jobs_follow_the_stage_dag(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert "approve-prod" not in jobs  # approval is the environment's reviewers
    assert jobs["publish"]["needs"] == ["build", "scan", "test"]
    assert jobs["deploy-prod"]["needs"] == ["deploy-staging"]
    assert jobs["deploy-prod"]["environment"] == {"name": "prod"}
    assert jobs["deploy-dev"]["environment"] == {"name": "dev"}
    scan = [s.get("uses", "") for s in jobs["scan"]["steps"]]
    assert any(u.startswith("aquasecurity/trivy-action@") for u in scan)
    publish = [s.get("uses", "") for s in jobs["publish"]["steps"]]
    assert "aws-actions/amazon-ecr-login@v2" in publish


def test_prod_requires_approval_note() -> None:
    text = generated(FIXTURE)["ci/github-actions.yml"].decode()
    assert "# Approval: configure the GitHub environment 'prod' with required reviewers" in text
    assert "'dev'" not in text.split("concurrency")[0]


def test_no_pipeline_no_workflow(write_model: Callable[..., Path]) -> None:
    assert generated(write_model("archmodel: 1\nsystem: {name: X}\n")) == {}


def test_golden_fixture(golden: Callable[[str, bytes], None]) -> None:
    golden("ci/infra/github-actions.yml", generated(FIXTURE)["ci/github-actions.yml"])


@pytest.mark.skipif(not (REFERENCE / "archmodel.yaml").exists(), reason="reference model not written yet")
def test_golden_reference(golden: Callable[[str, bytes], None]) -> None:
    for path, content in generated(REFERENCE).items():
        golden(f"ci/reference/{path.removeprefix('ci/')}", content)


@pytest.mark.parametrize(
    ("out", "expected"), [("infra/generated", "infra/generated"), ("./out/", "out"), ("../elsewhere", ".")]
)
def test_workflows_find_the_output_where_it_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, expected: str
) -> None:
    from click.testing import CliRunner

    from archmodel.cli.main import cli

    work = tmp_path / "repo"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(
        cli, ["generate", str(ROOT / "models" / "reference"), "-o", out, "--only", "ci"]
    )
    assert result.exit_code == 0, result.output
    written = (work / out / "ci").resolve()
    github = yaml.safe_load((written / "github-actions.yml").read_text())
    gitlab = yaml.safe_load((written / "gitlab-ci.yml").read_text())
    assert github["env"]["ARCHMODEL_OUT"] == expected
    assert gitlab["variables"]["ARCHMODEL_OUT"] == expected
