"""Every generated name is valid for its target and unique; a clash names both elements."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from archmodel.cli.main import cli
from archmodel.generators.helm.manifests import k8s_name

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _model(components: str, pipeline: str = "") -> str:
    return (
        "archmodel: 1\nsystem: {name: T}\n"
        "zones: [{id: net, name: N, trust: untrusted}, {id: app, name: A, trust: internal}]\n"
        f"components:\n{components}{pipeline}"
    )


def _generate(root: Path, only: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["generate", str(root), "-o", str(root / "out"), "--only", only])
    return result.exit_code, result.output


@pytest.mark.parametrize("ident", ["a", "svc_x", "svc-", "a_", "x" * 63, "a-b_c-"])
def test_kubernetes_names_are_dns_labels(ident: str) -> None:
    name = k8s_name(ident)
    assert DNS_LABEL.match(name) and len(name) <= 53, name


def test_two_ids_meeting_in_one_kubernetes_name_is_an_error(write_model: Callable[..., Path]) -> None:
    clash = k8s_name("svc_x")
    root = write_model(
        _model(
            "  - {id: svc_x, kind: service, name: X, zone: app, deploy: {runtime: container}}\n"
            f"  - {{id: {clash}, kind: service, name: Y, zone: app, deploy: {{runtime: container}}}}\n"
        )
    )
    code, out = _generate(root, "helm")
    assert code == 1
    assert "svc_x" in out and clash in out and "nothing written" in out
    assert not (root / "out").exists()


def test_a_component_named_like_a_synthetic_terraform_resource(write_model: Callable[..., Path]) -> None:
    root = write_model(
        _model(
            "  - {id: api, kind: service, name: API, zone: app, deploy: {runtime: container}}\n"
            "  - {id: aws_apis, kind: service, name: Other, zone: app, deploy: {runtime: container}}\n"
        )
        + "flows: [{from: api, to: aws_apis, protocol: https}]\n"
    )
    code, out = _generate(root, "terraform")
    assert code == 0, out
    addresses = []
    for path in (root / "out" / "terraform").glob("*.tf"):
        addresses += re.findall(r'^resource "([^"]+)" "([^"]+)"', path.read_text(), re.M)
    assert len(addresses) == len(set(addresses))


@pytest.mark.parametrize("stage", ["stages", "default", "variables", "include", "workflow", "image", "pages"])
def test_gitlab_keywords_never_become_job_names(write_model: Callable[..., Path], stage: str) -> None:
    pipeline = (
        "pipeline:\n  stages:\n"
        "    - {id: src, kind: source, name: Git}\n"
        f"    - {{id: {stage}, kind: build, name: B, needs: [src]}}\n"
        f"    - {{id: after, kind: test, name: T, needs: [{stage}]}}\n"
    )
    root = write_model(_model("  - {id: u, kind: actor, name: U, zone: net}\n", pipeline))
    code, out = _generate(root, "ci")
    assert code == 0, out
    doc = yaml.safe_load((root / "out" / "ci" / "gitlab-ci.yml").read_text())
    job = f"{stage}-job"
    assert job in doc and "script" in doc[job]
    assert doc["after"]["needs"] == [job]
    if stage in ("stages", "variables", "include", "workflow", "image", "default"):
        assert not (isinstance(doc.get(stage), dict) and "script" in doc[stage])


@pytest.mark.parametrize(
    ("field", "value"), [("cpu", "infm"), ("cpu", "1e999m"), ("memory", "1e999Mi"), ("replicas", 0)]
)
def test_unusable_sizes_are_model_errors(write_model: Callable[..., Path], field: str, value: object) -> None:
    shown = f"'{value}'" if isinstance(value, str) else str(value)
    root = write_model(
        _model(
            f"  - {{id: a, kind: service, name: A, zone: app, deploy: {{runtime: container, {field}: {shown}}}}}\n"
        )
    )
    result = CliRunner().invoke(cli, ["validate", str(root)])
    assert result.exit_code == 1
    assert "AM10" in result.output and field in result.output
