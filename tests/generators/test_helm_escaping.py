"""Hostile model text survives the Helm generator: every file parses and holds it intact,
and no model text reaches a template (where Helm would run it as Go template code)."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from test_terraform_escaping import SETTINGS, hostile, hostile_graph

from archmodel.generators.helm import generate
from archmodel.runner import NoOptions


@SETTINGS
@given(name=hostile, description=hostile, technology=hostile, image=hostile)
def test_helm_survives_hostile_text(name: str, description: str, technology: str, image: str) -> None:
    files = {
        str(p): b
        for p, b in generate(hostile_graph(name, description, technology, image), NoOptions()).items()
    }
    for path, content in files.items():
        text = content.decode("utf-8")
        if path.endswith(".json"):
            json.loads(text)
        elif "/templates/" in path:
            assert "{{" not in text.replace("{{ index .Values", "").replace("| toJson }}", "")
        else:
            list(yaml.safe_load_all(text))
    values = yaml.safe_load(files["helm/api/values-prod.yaml"])
    expected_image = image or "api:latest"  # an empty image means "none": the default is used
    assert values["image"] == expected_image
    assert values["annotations"]["archmodel.io/name"] == name
    assert values["annotations"].get("archmodel.io/description", "") == description
    assert values["annotations"].get("archmodel.io/technology", "") == technology
    rendered = {d["kind"]: d for d in yaml.safe_load_all(files["k8s/prod/api.yaml"])}
    assert rendered["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] == expected_image
    assert yaml.safe_load(files["helm/api/Chart.yaml"])["description"] == (description or name)
