"""Terraform that plans: what the generator writes for clouds, variables, backend and edge."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

from archmodel.api import valid_project
from archmodel.generators.terraform import azure_root, common, gcp_root, generate
from archmodel.generators.terraform.common import NoMapping, OtherCloud
from archmodel.runner import NoOptions

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"


def files_of(model: Path) -> dict[str, bytes]:
    return {str(p): b for p, b in generate(valid_project(model), NoOptions()).items()}


def test_an_azure_only_model_gets_the_azure_root_module_and_a_warning_per_unmapped_kind() -> None:
    with pytest.warns(NoMapping) as caught:
        files = files_of(ROOT / "models" / "examples" / "b2b-api")
    assert sorted(str(w.message).split(":")[0] for w in caught if w.category is NoMapping) == [
        "component 'apim' (api_gateway) has no azure mapping",
        "component 'broker' (queue, RabbitMQ) has no azure mapping",
        "component 'entra-id' (identity_provider) has no azure mapping",
        "component 'monitor' (monitoring) has no azure mapping",
    ]
    assert all(p.startswith("terraform/azure/") for p in files)
    assert {"terraform/azure/test.tfvars", "terraform/azure/prod.azurerm.tfbackend"} <= set(files)
    assert not any(b"aws_" in b or b"google_" in b for b in files.values())


def _with_clouds(tmp_path: Path, *clouds: str) -> Path:
    """The reference with its first environments moved to ``clouds`` (dev, then staging)."""
    model = tmp_path / "model"
    shutil.copytree(REFERENCE, model)
    envs = model / "environments.yaml"
    text = envs.read_text()
    assert text.count("cloud: aws") == 3
    for cloud in clouds:
        text = text.replace("cloud: aws", f"cloud: {cloud}", 1)
    envs.write_text(text)
    return model


def test_a_mixed_model_gets_one_root_module_per_cloud_and_keeps_aws_byte_identical(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        alone = files_of(REFERENCE)
    with pytest.warns(NoMapping) as caught:
        files = files_of(_with_clouds(tmp_path, "gcp", "azure"))
    aws = {p: b for p, b in files.items() if p.count("/") == 1}
    expected = {p: b for p, b in alone.items() if not p.startswith(("terraform/dev.", "terraform/staging."))}
    assert aws == expected  # the AWS root module does not change for the other clouds
    assert {"terraform/gcp/dev.tfvars", "terraform/gcp/dev.gcs.tfbackend"} <= set(files)
    assert {"terraform/azure/staging.tfvars", "terraform/azure/staging.azurerm.tfbackend"} <= set(files)
    assert not any(p.startswith("terraform/gcp/") and p.endswith("staging.tfvars") for p in files)
    messages = {str(w.message).split(":")[0] for w in caught}
    assert "component 'idp' (identity_provider) has no gcp mapping" in messages
    assert "component 'monitoring' (monitoring) has no azure mapping" in messages
    gcp = b"".join(b for p, b in files.items() if p.startswith("terraform/gcp/"))
    assert b"aws_" not in gcp and b"azurerm_" not in gcp


def test_an_onprem_environment_gets_a_note_and_a_warning_and_no_terraform(tmp_path: Path) -> None:
    with pytest.warns(OtherCloud, match="is on onprem") as caught:
        files = files_of(_with_clouds(tmp_path, "onprem"))
    onprem = next(str(w.message).split("'")[1] for w in caught if w.category is OtherCloud)
    assert onprem == "dev"
    assert "terraform/dev.tfvars" not in files and not any("/onprem" in p for p in files)
    assert b"'dev' is on onprem" in files["terraform/notes.gen.tf"]
    assert b"Kubernetes manifests only" in files["terraform/notes.gen.tf"]
    assert len([p for p in files if p.endswith(".tfvars")]) == 2


MODELS = [REFERENCE, ROOT / "tests/generators/fixtures/infra", *sorted((ROOT / "models/examples").iterdir())]
ALL = pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
hcl2 = pytest.importorskip("hcl2")


def trees(model: Path) -> dict[str, dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        files = files_of(model)
    return {p: hcl2.loads(b.decode()) for p, b in files.items() if p.endswith(".tf")}


def blocks(model: Path, kind: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(type, name) -> body of every ``resource`` or ``data`` block."""
    return {
        (rtype, name): body
        for tree in trees(model).values()
        for entry in tree.get(kind, [])
        for rtype, named in entry.items()
        for name, body in named.items()
    }


@ALL
def test_variables_are_declared_iff_used_and_infrastructure_has_no_default(model: Path) -> None:
    tables = {
        "terraform": common.VARIABLES,
        "terraform/gcp": gcp_root.VARIABLES,
        "terraform/azure": azure_root.VARIABLES,
    }
    for folder, table in tables.items():
        declared: dict[str, dict[str, Any]] = {}
        text = ""
        for path, tree in trees(model).items():
            if path.rpartition("/")[0] != folder:
                continue
            text += json.dumps(tree)
            for entry in tree.get("variable", []):
                declared.update(entry)
        used = set(re.findall(r"var\.([A-Za-z0-9_-]+)", text))
        assert set(declared) == used, folder
        for name, body in declared.items():
            if "default" in body:  # a default is a working value, never a null or empty placeholder
                assert body["default"] not in (None, [], ""), name
                assert table[name][1] is not common.REQUIRED
        assert "[null]" not in text and "= null" not in text


@ALL
def test_no_ingress_is_open_to_the_internet_by_default(model: Path) -> None:
    rules = {
        n: b for (t, n), b in blocks(model, "resource").items() if t == "aws_vpc_security_group_ingress_rule"
    }
    for name, rule in rules.items():
        assert rule.get("cidr_ipv4", "${var.cidr_").startswith("${var.cidr_"), name


@ALL
def test_every_security_group_is_attached_to_a_resource(model: Path) -> None:
    found = blocks(model, "resource")
    groups = {n for (t, n) in found if t == "aws_security_group"}
    attachers = json.dumps(
        [
            b
            for (t, _), b in found.items()
            if t not in ("aws_security_group",) and "security_group_rule" not in t
        ]
    )
    for group in groups:
        assert f"aws_security_group.{group}.id" in attachers, group


def test_the_edge_chain_reaches_the_alb_through_cloudfront_and_its_web_acl() -> None:
    found = blocks(REFERENCE, "resource")
    dist = found[("aws_cloudfront_distribution", "cdn")]
    assert dist["origin"][0]["origin_id"] == "alb"
    assert dist["origin"][0]["domain_name"] == "${var.origin_domain_name_alb}"  # a name the ALB's cert covers
    assert dist["web_acl_id"] == "${aws_wafv2_web_acl.cdn.arn}"
    acl = found[("aws_wafv2_web_acl", "cdn")]
    assert acl["scope"] == "CLOUDFRONT" and acl["tags"]["archmodel:component"] == "waf"
    assert found[("aws_lb", "alb")]["internal"] is False  # CloudFront reaches it ...
    rule = found[("aws_vpc_security_group_ingress_rule", "waf_TO_alb")]
    assert rule["prefix_list_id"] == "${data.aws_ec2_managed_prefix_list.cloudfront.id}"  # ... and only it
    assert ("aws_ec2_managed_prefix_list", "cloudfront") in blocks(REFERENCE, "data")


def test_an_external_source_is_a_cidr_variable_with_no_default() -> None:
    tree = trees(ROOT / "models/examples/bookinfo")["terraform/variables.gen.tf"]
    variables = {k: v for entry in tree["variable"] for k, v in entry.items()}
    assert "default" not in variables["cidr_user"] and variables["cidr_user"]["type"] == "string"


def test_backend_and_pins() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        files = files_of(REFERENCE)
    terraform = hcl2.loads(files["terraform/versions.gen.tf"].decode())["terraform"][0]
    assert terraform["required_version"] == common.TERRAFORM
    assert terraform["required_providers"][0]["aws"]["version"] == common.AWS_PROVIDER
    assert terraform["backend"] == [{"s3": {}}]
    for env in ("dev", "staging", "prod"):
        values = hcl2.loads(files[f"terraform/{env}.s3.tfbackend"].decode())
        assert values["key"].endswith(f"/{env}.tfstate") and values["use_lockfile"] is True


def test_environment_wide_logging_and_monitoring_are_realised() -> None:
    """The reference's environments claim logging and monitoring; the components do not."""
    found = blocks(REFERENCE, "resource")
    db = found[("aws_db_instance", "db")]
    assert db["enabled_cloudwatch_logs_exports"] and db["monitoring_interval"] == 60
    assert db["monitoring_role_arn"] == "${var.rds_monitoring_role_arn}"
    assert found[("aws_msk_cluster", "queue")]["logging_info"]
    cache = found[("aws_elasticache_replication_group", "cache")]
    assert cache["log_delivery_configuration"][0]["log_type"] == "slow-log"


def test_a_cognito_identity_provider_is_a_user_pool_and_gets_no_security_group() -> None:
    found = blocks(REFERENCE, "resource")
    pool = found[("aws_cognito_user_pool", "idp")]
    assert pool["mfa_configuration"] == "ON" and pool["tags"]["archmodel:component"] == "idp"
    assert ("aws_security_group", "idp") not in found
    assert ("aws_security_group", "monitoring") not in found  # nothing here would attach it
