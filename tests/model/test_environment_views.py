"""Per-environment topology: what each environment deploys, and the controls in force there.

A shop whose load generator runs only in dev, whose production adds a WAF and DDoS
protection at the load balancer and a certificate on one flow, and whose edge shield is
a control bought for production only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.api import load_project, valid_project
from archmodel.cli.main import cli
from archmodel.model.view import has_topology
from archmodel.threats import analyse

SHOP = """\
archmodel: 1
system: {name: Shop}
zones:
  - {id: internet, trust: untrusted}
  - {id: edge, trust: dmz}
  - {id: app, trust: internal}
data: [{id: orders, classification: confidential}]
controls:
  - {id: edge-shield, layer: network, name: Edge shield, environments: [prod]}
components:
  - {id: user, kind: actor, zone: internet}
  - {id: lb, kind: load_balancer, zone: edge, public: true, controls: [edge-shield]}
  - {id: web, kind: service, zone: app, deploy: {image: "web:1", port: 8080}}
  - {id: db, kind: database, zone: app, stores: [orders]}
  - {id: loadgen, kind: service, zone: app, environments: [dev], deploy: {image: "lg:1"}}
  - {id: debug, kind: service, zone: app, environments: [dev]}
flows:
  - {from: user, to: lb, protocol: https}
  - {from: lb, to: web, protocol: http}
  - {from: web, to: db, protocol: postgresql, data: [orders]}
  - {from: loadgen, to: web, protocol: http}
environments:
  - {id: dev, name: Dev, tier: dev}
  - id: prod
    name: Prod
    tier: prod
    adds:
      - {component: lb, controls: [waf, ddos_protection]}
      - {flow: lb->web, controls: [tls]}
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "archmodel.yaml"
    path.write_text(SHOP, encoding="utf-8")
    return path


def test_each_environment_sees_what_is_deployed_there(shop: Path) -> None:
    project = valid_project(shop)
    assert has_topology(project.model)
    dev, prod = project.for_environment("dev"), project.for_environment("prod")
    assert set(dev.graph.components) == {"user", "lb", "web", "db", "loadgen", "debug"}
    assert set(prod.graph.components) == {"user", "lb", "web", "db"}
    assert "loadgen->web" in dev.graph.flows and "loadgen->web" not in prod.graph.flows


def test_environments_add_controls_and_limited_controls_hold_only_there(shop: Path) -> None:
    project = valid_project(shop)
    dev, prod = project.for_environment("dev").graph, project.for_environment("prod").graph
    assert {"waf", "ddos_protection", "edge-shield"} <= prod.effective_controls("lb")
    assert dev.effective_controls("lb").isdisjoint({"waf", "ddos_protection", "edge-shield"})
    assert "tls" in prod.flows["lb->web"].controls and "tls" not in dev.flows["lb->web"].controls
    # the whole model is untouched by a view
    assert "waf" not in project.graph.components["lb"].controls


def test_a_view_keeps_the_locations_of_the_full_model(shop: Path) -> None:
    """Findings on a view point at the line the element is written on, although the
    view's lists are shorter than the model's."""
    report = analyse(valid_project(shop), environment="prod")
    db = [f for f in report.findings if str(f.target) == "component:db"]
    line = SHOP.splitlines().index(next(x for x in SHOP.splitlines() if "{id: db," in x)) + 1
    assert db and all(f.line == line for f in db)


def test_threats_name_the_environments_each_finding_applies_to(shop: Path) -> None:
    report = analyse(valid_project(shop))
    by_id = {f.id: f for f in report.findings}
    # production's WAF closes the edge finding there; dev still has it
    waf = by_id["AMT101:component:lb"]
    assert waf.environments == ("dev",)
    # a gap shared by both environments is one finding naming both
    assert by_id["AMT123:component:db"].environments == ("dev", "prod")
    # what runs only in dev is reported only for dev
    debug = [f for f in report.findings if str(f.target) == "component:loadgen"]
    assert debug and all(f.environments == ("dev",) for f in debug)


def test_one_environment_only_with_the_env_option(shop: Path) -> None:
    everything = {f.id for f in analyse(valid_project(shop)).findings}
    prod = analyse(valid_project(shop), environment="prod")
    assert {f.id for f in prod.findings} < everything
    assert all(f.environments == ("prod",) for f in prod.findings)
    assert "AMT101:component:lb" not in {f.id for f in prod.findings}


def test_without_topology_every_environment_is_still_named(tmp_path: Path) -> None:
    model = tmp_path / "archmodel.yaml"
    text = SHOP.replace(", environments: [dev]", "").replace(", environments: [prod]", "")
    model.write_text(text.replace("adds:", "x-adds:"))
    project = valid_project(model)
    assert not has_topology(project.model)
    findings = analyse(project).findings
    assert findings and all(f.environments for f in findings)


def test_validate_env_reports_what_is_unreachable_there(tmp_path: Path) -> None:
    model = tmp_path / "archmodel.yaml"
    # `debug` is reached only by a flow that exists in dev
    text = SHOP.replace(
        "  - {from: loadgen, to: web, protocol: http}\n",
        "  - {from: loadgen, to: web, protocol: http}\n"
        "  - {from: web, to: debug, protocol: http, environments: [dev]}\n",
    ).replace(
        "{id: debug, kind: service, zone: app, environments: [dev]}", "{id: debug, kind: service, zone: app}"
    )
    model.write_text(text)
    assert not [d for d in load_project(model).diagnostics if d.code == "AM304"]
    result = CliRunner().invoke(cli, ["validate", str(model), "--env", "prod", "--strict"])
    assert result.exit_code == 1
    assert "AM304" in result.stdout and "in environment 'prod'" in result.stdout
    assert CliRunner().invoke(cli, ["validate", str(model), "--env", "dev", "--strict"]).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "threats", "drift", "generate", "check", "paths"])
def test_an_unknown_env_is_a_usage_error_with_a_suggestion(shop: Path, tmp_path: Path, command: str) -> None:
    extra = {"drift": ["--k8s", str(tmp_path)], "generate": ["-o", str(tmp_path / "o")]}
    extra["check"] = extra["generate"]
    args = [command, str(shop), *extra.get(command, []), "--env", "prd"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "did you mean 'prod'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_threats_json_carries_the_environments(shop: Path) -> None:
    result = CliRunner().invoke(cli, ["threats", str(shop), "--format", "json"])
    records = json.loads(result.stdout)
    assert all(set(r["environments"]) <= {"dev", "prod"} and r["environments"] for r in records)


def test_kubernetes_output_is_per_environment(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(shop), "-o", str(out), "--only", "helm"])
    assert result.exit_code == 0, result.output
    assert (out / "k8s/dev/loadgen.yaml").exists() and not (out / "k8s/prod/loadgen.yaml").exists()
    assert not (out / "helm/loadgen/values-prod.yaml").exists()
    dev_web = (out / "k8s/dev/web.yaml").read_text()
    prod_web = (out / "k8s/prod/web.yaml").read_text()
    assert "archmodel.io/component: loadgen" in dev_web
    assert "archmodel.io/component: loadgen" not in prod_web


def test_generate_env_writes_one_environment(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["generate", str(shop), "-o", str(out), "--only", "helm", "--env", "prod"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "k8s").iterdir()) == ["prod"]
    assert not (out / "helm/loadgen").exists()
    check = CliRunner().invoke(cli, ["check", str(shop), "-o", str(out), "--only", "helm", "--env", "prod"])
    assert check.exit_code == 0, check.output
    stale = CliRunner().invoke(cli, ["check", str(shop), "-o", str(out), "--only", "helm"])
    assert stale.exit_code == 1


PIPELINE = """\
pipeline:
  stages:
    - {id: src, kind: source, name: Source}
    - {id: deploy-dev, kind: deploy, name: Dev, needs: [src], environment: dev, tool: terraform}
    - {id: deploy-prod, kind: deploy, name: Prod, needs: [deploy-dev], environment: prod, tool: terraform}
"""


def test_terraform_is_one_root_module_per_environment(shop: Path, tmp_path: Path) -> None:
    """The dev-only load generator and its security-group rule exist in dev's module only;
    production's module has the WAF it adds; CI plans each environment in its module."""
    shop.write_text(SHOP + PIPELINE, encoding="utf-8")
    out = tmp_path / "out"
    args = ["generate", str(shop), "-o", str(out), "--only", "terraform,ci"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    dev, prod = out / "terraform/dev", out / "terraform/prod"
    assert (dev / "loadgen.gen.tf").exists() and not (prod / "loadgen.gen.tf").exists()
    assert sorted(p.name for p in dev.glob("*.tfvars")) == ["dev.tfvars"]
    assert "aws_wafv2_web_acl" in (prod / "lb.gen.tf").read_text()
    assert "aws_wafv2_web_acl" not in (dev / "lb.gen.tf").read_text()
    assert "loadgen" not in (prod / "web.gen.tf").read_text()
    workflow = (out / "ci/github-actions.yml").read_text()
    assert 'cd "$ARCHMODEL_OUT/terraform/prod"' in workflow
    assert 'cd "$ARCHMODEL_OUT/terraform/dev"' in workflow
    assert 'cd "$ARCHMODEL_OUT/terraform" ' not in workflow


def test_paths_trace_one_environment(shop: Path) -> None:
    """Production's WAF and TLS are on production's paths; dev's have neither."""

    def hops(env: str) -> str:
        result = CliRunner().invoke(cli, ["paths", str(shop), "--env", env, "--format", "json"])
        assert result.exit_code in (0, 1), result.output
        return result.stdout

    assert "waf" in hops("prod") and "waf" not in hops("dev")
