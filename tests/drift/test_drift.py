"""`archmodel drift` on hand-written Terraform and Kubernetes with deliberate drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"
MODEL = FIXTURES / "model"


def drift(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["drift", str(MODEL), "--format", "json", *args])
    return result.exit_code, findings(result.stdout)


def test_terraform_drift_of_each_kind() -> None:
    code, found = drift("--terraform", str(FIXTURES / "terraform"))
    assert code == 1
    summary = sorted((d["code"], Path(str(d["file"])).name, d["line"]) for d in found)
    assert summary == [
        ("AM501", "archmodel.yaml", 12),  # cache has no resource
        ("AM502", "main.tf", 89),  # aws_s3_bucket.reports belongs to nothing
        ("AM503", "main.tf", 80),  # db_from_lb: no flow lb -> db
        ("AM504", "archmodel.yaml", 16),  # orders -> billing: billing's group admits nobody
    ]


def test_kubernetes_drift() -> None:
    code, found = drift("--k8s", str(FIXTURES / "k8s"))
    assert code == 1
    messages = sorted(str(d["message"]) for d in found)
    assert messages == [
        "Deployment/legacy-batch belongs to no component of the model",
        "NetworkPolicy/default/orders ingress rule 1 allows 'billing' to reach 'orders', but no flow models it",
        # the public load balancer drawn in front of orders is run by no workload, so a
        # LoadBalancer Service, Ingress or route must realise it, and none does
        "component 'orders' is behind the public load balancer 'lb' in the model, but nothing in "
        "the manifests exposes it",
    ]


def test_fixed_infrastructure_has_no_drift(tmp_path: Path) -> None:
    tf = tmp_path / "tf"
    shutil.copytree(FIXTURES / "terraform", tf)
    text = (tf / "main.tf").read_text()
    start = text.index('resource "aws_security_group_rule" "db_from_lb"')
    text = text[:start] + text[text.index('resource "aws_s3_bucket"') :]
    text = text.replace('resource "aws_s3_bucket" "reports" {\n  bucket = "shop-reports"\n}\n', "")
    text += (
        'resource "aws_elasticache_replication_group" "cache" {\n  replication_group_id = "c"\n}\n'
        'resource "aws_vpc_security_group_ingress_rule" "billing_from_orders" {\n'
        "  security_group_id            = aws_security_group.billing.id\n"
        "  referenced_security_group_id = aws_security_group.orders.id\n"
        '  from_port = 8080\n  to_port = 8080\n  ip_protocol = "tcp"\n}\n'
    )
    (tf / "main.tf").write_text(text)
    assert drift("--terraform", str(tf)) == (0, [])


def test_sarif_and_usage() -> None:
    result = CliRunner().invoke(
        cli, ["drift", str(MODEL), "--terraform", str(FIXTURES / "terraform"), "--format", "sarif"]
    )
    log = json.loads(result.stdout)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
    }
    assert any(u.endswith("main.tf") for u in uris)
    assert CliRunner().invoke(cli, ["drift", str(MODEL)]).exit_code == 2


def test_map_names_the_workload_of_a_component(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T}\n"
        "components:\n  - {id: shop-ui, kind: service, name: UI, deploy: {runtime: container, port: 8080}}\n"
    )
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    (k8s / "ui.yaml").write_text(
        "kind: Deployment\nmetadata: {name: front-end}\nspec: {template: {metadata: {labels: {name: front-end}}}}\n"
        "---\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n"
        "---\nkind: ConfigMap\nmetadata: {name: settings}\n"
    )
    args = ["drift", str(tmp_path), "--k8s", str(k8s)]
    unmapped = CliRunner().invoke(cli, args)
    assert "AM501" in unmapped.stdout and "AM502" in unmapped.stdout
    mapped = CliRunner().invoke(cli, [*args, "--map", "shop-ui=front-end"])
    assert mapped.exit_code == 0, mapped.stdout
    assert "1 resources of 1 kinds not analysed: 1 ConfigMap" in mapped.stderr + mapped.stdout
    wrong = CliRunner().invoke(cli, [*args, "--map", "nothing=front-end"])
    assert wrong.exit_code == 2


def test_a_helm_chart_is_refused_with_the_command_that_renders_it(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    result = CliRunner().invoke(cli, ["drift", str(MODEL), "--k8s", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{chart / 'Chart.yaml'}" in result.stderr + result.stdout and "helm template" in result.stderr
