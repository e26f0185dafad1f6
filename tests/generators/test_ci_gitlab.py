"""GitLab CI target: valid against GitLab's schema, the stage DAG as needs, approval as a manual job."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml
from test_ci import FIXTURE, REFERENCE, generated


def gitlab_schema() -> dict[str, Any]:
    pytest.importorskip("check_jsonschema")
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "gitlab-ci.json"
    return json.loads(vendor.read_text(encoding="utf-8"))


@pytest.mark.parametrize("model", [FIXTURE, REFERENCE], ids=["fixture", "reference"])
def test_valid_against_the_gitlab_schema(model: Any) -> None:
    doc = yaml.safe_load(generated(model)["ci/gitlab-ci.yml"])
    jsonschema.validate(doc, gitlab_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**doc, "build": {**doc["build"], "when": "sometimes"}}, gitlab_schema())


def test_stage_dag_and_manual_approval() -> None:
    doc = yaml.safe_load(generated(REFERENCE)["ci/gitlab-ci.yml"])
    assert doc["stages"] == ["source", "build-scan-test", "publish", "deploy", "deploy-2", "monitor"]
    assert doc["publish"]["needs"] == ["build", "scan", "test"]
    # the approval stage is no job: the prod deploy waits for staging and is started by hand
    assert "approval" not in {job.get("stage") for job in doc.values() if isinstance(job, dict)}
    assert doc["deploy-prod"]["needs"] == ["deploy-staging"]
    # started by hand, and only on the default branch or a tag (the rule says both)
    assert doc["deploy-prod"]["rules"] == [
        {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG", "when": "manual"}
    ]
    assert doc["deploy-prod"]["allow_failure"] is False and doc["deploy-prod"]["interruptible"] is False
    assert doc["deploy-prod"]["environment"] == {"name": "prod"}
    assert "when" not in doc["deploy-staging"]["rules"][0] and "when" not in doc["monitor"]["rules"][0]
    assert doc["scan"]["image"]["name"].startswith("aquasec/trivy")
