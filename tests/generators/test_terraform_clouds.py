"""Terraform for GCP and Azure: the reference and the infra fixture moved to each cloud
(every ``cloud: aws`` replaced), and the examples that are there already (online-boutique
on GCP, b2b-api on Azure), must match the provider schemas, be ``terraform fmt``-clean,
realise the controls they claim (checkov confirms each claim) and draw the network from
the flows only."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_terraform import checkov_binary
from test_terraform_fmt import NODE, TOOL, Formatter
from test_terraform_schema import generated_problems

from archmodel.api import valid_project
from archmodel.generators.terraform import CONTROL_CHECKS, generate
from archmodel.generators.terraform.azure_edge import app_size
from archmodel.generators.terraform.common import NoMapping, OtherCloud
from archmodel.generators.terraform.gcp_edge import run_size
from archmodel.runner import NoOptions

hcl2 = pytest.importorskip("hcl2")
ROOT = Path(__file__).resolve().parents[2]
SOURCES = {
    "reference": ROOT / "models" / "reference",
    "infra": ROOT / "tests" / "generators" / "fixtures" / "infra",
}
EXAMPLES = {"gcp": ROOT / "models/examples/online-boutique", "azure": ROOT / "models/examples/b2b-api"}
CLOUDS = ("gcp", "azure")


def moved(source: Path, cloud: str, dest: Path) -> Path:
    """A copy of ``source`` whose environments are all on ``cloud``."""
    shutil.copytree(source, dest)
    for path in dest.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "cloud: aws" in text:
            path.write_text(text.replace("cloud: aws", f"cloud: {cloud}"), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(model name, cloud) -> a model whose environments are all on that cloud."""
    root = tmp_path_factory.mktemp("clouds")
    found = {(n, c): moved(p, c, root / f"{n}-{c}") for n, p in SOURCES.items() for c in CLOUDS}
    return {**found, **{(p.name, c): p for c, p in EXAMPLES.items()}}


def files_of(model: Path) -> dict[str, bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        return {str(p): b for p, b in generate(valid_project(model), NoOptions()).items()}


def resources(files: dict[str, bytes], folder: str) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path, content in files.items():
        if path.startswith(f"{folder}/") and path.endswith(".tf"):
            for entry in hcl2.loads(content.decode()).get("resource", []):
                for rtype, named in entry.items():
                    found.update({(rtype, name): body for name, body in named.items()})
    return found


def test_every_model_on_every_cloud_matches_the_provider_schema(models: dict[tuple[str, str], Path]) -> None:
    for (name, cloud), model in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OtherCloud)
            assert generated_problems(model) == [], (name, cloud)
            assert any(p.startswith(f"terraform/{cloud}/") for p in files_of(model))


@pytest.fixture(scope="module")
def terraform_fmt() -> Iterator[Formatter]:
    if NODE is None or not (TOOL / "node_modules").is_dir():
        pytest.skip("node or tests/tools/hcl/node_modules missing (terraform fmt check)")
    formatter = Formatter()
    yield formatter
    formatter.close()


def test_every_file_on_every_cloud_is_already_formatted(
    models: dict[tuple[str, str], Path], terraform_fmt: Formatter
) -> None:
    for (name, cloud), model in models.items():
        for path, content in files_of(model).items():
            if path.startswith(f"terraform/{cloud}/"):
                text = content.decode()
                assert terraform_fmt(text) == text, (name, path)


def test_the_reference_on_gcp_realises_its_edge_and_data_controls(
    models: dict[tuple[str, str], Path],
) -> None:
    files = files_of(models[("reference", "gcp")])
    found = resources(files, "terraform/gcp")
    policy = found[("google_compute_security_policy", "alb")]  # the WAF in front of the ALB
    assert "realises WAF component waf" in policy["description"]
    expressions = json.dumps(policy["rule"])
    assert "cve-canary" in expressions and "sqli-v33-stable" in expressions
    backend = found[("google_compute_backend_service", "alb_TO_api")]
    assert backend["security_policy"] == "${google_compute_security_policy.alb.id}"
    assert (
        found[("google_compute_target_https_proxy", "alb")]["ssl_policy"]
        == "${google_compute_ssl_policy.alb.id}"
    )
    db = found[("google_sql_database_instance", "db")]
    assert db["encryption_key_name"] == "${var.kms_key_name}"  # encryption_at_rest -> CMEK
    settings = db["settings"][0]
    assert settings["availability_type"] == '${var.multi_az ? "REGIONAL" : "ZONAL"}'
    assert settings["ip_configuration"][0]["ipv4_enabled"] is False
    assert settings["backup_configuration"][0]["point_in_time_recovery_enabled"] is True
    prod = hcl2.loads(files["terraform/gcp/prod.tfvars"].decode())
    assert prod["multi_az"] is True and prod["deletion_protection"] is True
    dev = hcl2.loads(files["terraform/gcp/dev.tfvars"].decode())
    assert dev["multi_az"] is False


def test_the_edge_chain_on_each_cloud_keeps_one_front_door_and_the_waf(
    models: dict[tuple[str, str], Path],
) -> None:
    """CDN -> WAF -> load balancer -> api: on GCP the load balancer's backends get Cloud
    CDN and Cloud Armor; on Azure the CDN's Front Door routes to the api over Private Link
    (Front Door does not chain to Front Door) under a WAF policy tagged as the WAF."""
    gcp_files = files_of(models[("reference", "gcp")])
    gcp = resources(gcp_files, "terraform/gcp")
    assert gcp[("google_compute_backend_service", "alb_TO_api")]["enable_cdn"] is True
    assert "terraform/gcp/cdn.gen.tf" not in gcp_files
    assert b"realises component cdn (cdn)" in gcp_files["terraform/gcp/alb.gen.tf"]
    azure_files = files_of(models[("reference", "azure")])
    azure = resources(azure_files, "terraform/azure")
    assert "terraform/azure/alb.gen.tf" not in azure_files
    origin = azure[("azurerm_cdn_frontdoor_origin", "cdn_TO_api")]
    assert origin["host_name"] == "${azurerm_container_app.api.ingress[0].fqdn}"
    assert origin["private_link"][0]["target_type"] == "managedEnvironments"
    route = azure[("azurerm_cdn_frontdoor_route", "cdn_TO_api")]
    assert route["forwarding_protocol"] == "HttpsOnly" and route["https_redirect_enabled"] is True
    policy = azure[("azurerm_cdn_frontdoor_firewall_policy", "cdn")]
    assert policy["mode"] == "Prevention" and policy["tags"]["archmodel:component"] == "waf"
    assert azure[("azurerm_container_app", "api")]["ingress"][0]["external_enabled"] is True


def test_gcp_firewall_rules_are_the_flows_out_of_each_service_then_deny(
    models: dict[tuple[str, str], Path],
) -> None:
    model = models[("online-boutique", "gcp")]
    found = resources(files_of(model), "terraform/gcp")
    services = {name for (rtype, name) in found if rtype == "google_cloud_run_v2_service"}
    rules = {name: body for (rtype, name), body in found.items() if rtype == "google_compute_firewall"}
    graph = valid_project(model).graph
    expected = {f.id.replace("->", "_TO_") for f in graph.flows.values() if f.source in services}
    allowed = {n for n, r in rules.items() if "allow" in r}
    assert allowed == expected
    assert {n for n, r in rules.items() if "deny" in r} == {f"{s}_DENY_EGRESS" for s in services}
    for name, rule in rules.items():
        assert rule["direction"] == "EGRESS" and rule["target_tags"][0] in services, name
        if "allow" in rule:
            assert rule["destination_ranges"][0].startswith("${var."), name  # never a literal range
    cart = rules["cartservice_TO_redis-cart"]
    assert cart["destination_ranges"] == ["${var.private_service_cidr}"] and cart["allow"][0]["ports"] == [
        "6379"
    ]
    frontend = found[("google_cloud_run_v2_service", "frontend")]
    assert frontend["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"  # only through the LB
    assert found[("google_cloud_run_v2_service", "cartservice")]["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"


def test_azure_security_rules_admit_the_flows_into_each_zone_only(
    models: dict[tuple[str, str], Path],
) -> None:
    model = models[("b2b-api", "azure")]
    # production's module: the partner simulator runs in test only
    prod = generate(valid_project(model).for_environment("prod"), NoOptions())
    found = resources({str(p): b for p, b in prod.items()}, "terraform/azure")
    groups = {name for (rtype, name) in found if rtype == "azurerm_network_security_group"}
    assert groups == {"aks", "data"}  # the zones of the container apps and the database
    associated = {b["network_security_group_id"] for (t, _), b in found.items() if "association" in t}
    assert associated == {f"${{azurerm_network_security_group.{g}.id}}" for g in groups}
    rules = {n: b for (t, n), b in found.items() if t == "azurerm_network_security_rule"}
    by_group: dict[str, list[int]] = {}
    for name, rule in rules.items():
        by_group.setdefault(rule["network_security_group_name"], []).append(rule["priority"])
        if rule["access"] == "Allow":
            assert rule["source_address_prefix"].startswith("${var."), name  # never the internet
        else:
            assert rule["priority"] == 4096 and rule["source_address_prefix"] == "VirtualNetwork"
    assert all(len(p) == len(set(p)) for p in by_group.values())  # priorities unique per group
    assert rules["order-service_TO_db"]["destination_port_range"] == "5432"
    assert rules["order-service_TO_db"]["source_address_prefix"] == "${var.subnet_cidr_aks}"


def test_azure_paas_is_private_and_claims_become_settings(models: dict[tuple[str, str], Path]) -> None:
    found = resources(files_of(models[("b2b-api", "azure")]), "terraform/azure")
    db = found[("azurerm_postgresql_flexible_server", "db")]
    assert db["public_network_access_enabled"] is False and db["geo_redundant_backup_enabled"] is True
    assert db["authentication"][0]["password_auth_enabled"] is False  # iam: Entra ID only
    assert db["customer_managed_key"][0]["key_vault_key_id"] == "${var.key_vault_key_id}"  # kms
    assert "high_availability" in json.dumps(db["dynamic"])  # multi_az: zone-redundant HA
    endpoint = found[("azurerm_private_endpoint", "key-vault")]
    connection = endpoint["private_service_connection"][0]
    assert connection["private_connection_resource_id"] == "${azurerm_key_vault.key-vault.id}"
    assert found[("azurerm_key_vault", "key-vault")]["public_network_access_enabled"] is False
    assert not any(name == "broker" for _, name in found)  # RabbitMQ: Service Bus speaks no AMQP 0-9-1
    app = found[("azurerm_container_app", "order-service")]
    assert app["ingress"][0]["external_enabled"] is False
    assert (
        app["template"][0]["container"][0]["cpu"] == 0.5
        and app["template"][0]["container"][0]["memory"] == "1Gi"
    )


def test_a_kind_without_a_mapping_warns_and_writes_nothing(models: dict[tuple[str, str], Path]) -> None:
    with pytest.warns(NoMapping, match=r"component 'idp' \(identity_provider\) has no azure mapping"):
        found = generate(valid_project(models[("reference", "azure")]), NoOptions())
    files = {str(p): b for p, b in found.items()}
    assert not any("idp" in p for p in files)
    assert not any(b"aws_" in b or b"cognito" in b for b in files.values())


@pytest.mark.parametrize(
    ("cpu", "memory", "size"),
    [
        ("500m", "768Mi", (0.5, "1Gi")),
        (None, None, (0.25, "0.5Gi")),
        ("2", "1Gi", (2.0, "4Gi")),
        ("16", "1Gi", (4.0, "8Gi")),
    ],
)
def test_container_app_sizes_hold_the_model_request(
    cpu: str | None, memory: str | None, size: tuple[float, str]
) -> None:
    assert app_size(cpu, memory)[:2] == size


@pytest.mark.parametrize(
    ("cpu", "memory", "size"),
    [("200m", "64Mi", ("1", "512Mi")), ("1", "6Gi", ("2", "6144Mi")), ("3", "1Gi", ("4", "2048Mi"))],
)
def test_cloud_run_sizes_hold_the_model_request(cpu: str, memory: str, size: tuple[str, str]) -> None:
    assert run_size(cpu, memory)[:2] == size


# --- checkov ------------------------------------------------------------------------

# Failures left, each decided (docs/howto/terraform.md lists them with the reason).
EXPECTED_FAILURES = {
    "CKV_GCP_6",  # Cloud SQL client certificates: only the `mtls` control asks for them
    "CKV_GCP_79",  # checkov wants POSTGRES_18; the generator pins 17
    "CKV_GCP_97",  # Memorystore in-transit encryption: online-boutique's cache does not claim tls
    "CKV2_AZURE_57",  # PostgreSQL private endpoint: the server is VNet-injected (delegated subnet) instead
    "CKV_AZURE_228",  # Event Hubs zone redundancy: automatic in azurerm 4 (the argument is gone)
    "CKV_AZURE_206",  # storage geo-replication: ZRS with multi_az; multi_region is not claimed
    "CKV_AZURE_33",  # queue service logging: no storage queues are generated
    "CKV2_AZURE_21",  # blob read logging: checkov does not see the diagnostic setting's StorageRead
}


def checkov(folder: Path) -> dict[str, Any]:
    binary = checkov_binary()
    if binary is None:
        pytest.skip("checkov not installed (it needs its own venv: networkx<2.7 clashes with ours)")
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    cmd = [binary, "-d", str(folder), "--framework", "terraform", "-o", "json", "--skip-download"]
    result = subprocess.run(
        [*cmd, "--var-file", str(folder / "prod.tfvars")], capture_output=True, text=True, env=env
    )
    data = json.loads(result.stdout)
    data = data[0] if isinstance(data, list) else data
    assert data["summary"]["parsing_errors"] == 0, data["summary"]
    results: dict[str, Any] = data["results"]
    return results


def test_checkov_confirms_every_claimed_control_on_gcp_and_azure(
    models: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    claimed = 0
    for (name, cloud), model in sorted(models.items()):
        files = files_of(model)
        out = tmp_path / f"{name}-{cloud}"
        for path, content in files.items():
            if path.startswith(f"terraform/{cloud}/"):
                (out / Path(path).name).parent.mkdir(parents=True, exist_ok=True)
                (out / Path(path).name).write_bytes(content)
        results = checkov(out)
        graph = valid_project(model).graph
        prod = [e for e in graph.environments.values() if e.tier == "prod"] or list(
            graph.environments.values()
        )
        claims = {
            (check, f"{rtype}.{cid}")
            for rtype, cid in resources(files, f"terraform/{cloud}")
            if cid in graph.components
            for control in graph.effective_controls(cid, prod)
            for check in CONTROL_CHECKS.get(rtype, {}).get(control, ())
        }
        claimed += len(claims)
        passed = {(c["check_id"], c["resource"]) for c in results["passed_checks"]}
        assert claims <= passed, (name, cloud, sorted(claims - passed))
        failed = {c["check_id"] for c in results["failed_checks"]}
        assert failed <= EXPECTED_FAILURES, (name, cloud, sorted(failed - EXPECTED_FAILURES))
    assert claimed >= 20


def test_no_literal_open_range_outside_defaults(models: dict[tuple[str, str], Path]) -> None:
    """0.0.0.0/0 appears only as a deny rule's range, the clients a rate limit counts, or
    a variable's default."""
    for (name, cloud), model in models.items():
        for path, content in files_of(model).items():
            if path.startswith(f"terraform/{cloud}/") and not path.endswith("variables.gen.tf"):
                for match in re.finditer(r".*0\.0\.0\.0/0.*", content.decode()):
                    line = match.group(0)  # a deny rule, or the rate limit's "every client"
                    assert "destination_ranges" in line or "match_values" in line, (name, path, line)


def _with_ceiling(source: Path, dest: Path, after: str, ceiling: int) -> Path:
    """A copy of ``source`` with ``max_replicas`` added under the first ``after`` line."""
    shutil.copytree(source, dest)
    for path in dest.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if after in text:
            indent = after[: len(after) - len(after.lstrip())]
            path.write_text(
                text.replace(after, f"{after}\n{indent}max_replicas: {ceiling}", 1), encoding="utf-8"
            )
            return dest
    raise AssertionError(f"{after!r} is in no file of {source}")


def test_cloud_run_and_container_apps_scale_to_the_model_ceiling(tmp_path: Path) -> None:
    """``max_replicas`` is the autoscaling ceiling on Cloud Run and Container Apps, as in
    the Helm HPA; without one, Cloud Run keeps its own limit and Container Apps ten."""
    gcp = _with_ceiling(EXAMPLES["gcp"], tmp_path / "gcp", "      image: " + _FRONTEND_IMAGE, 7)
    runs = resources(files_of(gcp), "terraform/gcp")
    scaling = {
        n: b["template"][0]["scaling"][0] for (t, n), b in runs.items() if t == "google_cloud_run_v2_service"
    }
    assert scaling["frontend"] == {"min_instance_count": 1, "max_instance_count": 7}
    assert scaling["cartservice"] == {"min_instance_count": 1}
    azure = _with_ceiling(EXAMPLES["azure"], tmp_path / "azure", "      replicas: 3", 12)
    apps = resources(files_of(azure), "terraform/azure")
    bounds = {
        n: (b["template"][0]["min_replicas"], b["template"][0]["max_replicas"])
        for (t, n), b in apps.items()
        if t == "azurerm_container_app"
    }
    assert bounds["order-service"] == (3, 12)
    assert {n: b for n, b in bounds.items() if n != "order-service"} == {
        "billing-service": (2, 10),
        "partner-simulator": (1, 10),
    }
    for model in (gcp, azure):
        assert generated_problems(model) == []


_FRONTEND_IMAGE = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.6"
