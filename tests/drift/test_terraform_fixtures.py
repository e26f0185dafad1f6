"""`archmodel drift --terraform` and `import --terraform` on real Terraform (AWS, GCP,
Azure, ``.tf.json``), against the truth each fixture's TRUTH.md works out by hand.

Per fixture, against the hand-written model of the intended architecture (archmodel.yaml):

| fixture | true findings (TRUTH.md) | reported | correct | false | missed |
|---|---|---|---|---|---|
| tf-aws | 13 (below) | 13 | 13 | 0 | 0 (replies dropped by NACL `main` egress are not judged) |
| tf-gcp | 4 | 4 | 4 | 0 | 3: VM public IPs bypass the LB, Redis without TLS, implicit `default`-network rules |
| tf-azure | 6 | 6 | 6 | 0 | 3: AKS without a policy engine, PG subnet without NSG, AKS->PostgreSQL has no path |
| tf-json | 4 | 4 | 4 | 0 | 0 |

(GCP: Cloud Run `allUsers` is public by design and the model says so: no drift.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"
Found = set[tuple[str, str, int | str]]  # code, file, line (the message, for findings on the model)

TRUTH: dict[str, Found] = {
    "tf-aws": {
        (  # NACL main admits only 10.3.0.0/18
            "AM504",
            "archmodel.yaml",
            "flow 'users->web-elb' is dropped by the network ACL aws_network_acl.main of the subnet of 'web-elb'",
        ),
        ("AM503", "data_tier.tf", 21),  # 10.0.0.0/8:80 into db: wider than the VPC, not a DB port
        ("AM503", "data_tier.tf", 40),  # all_ipv6: everything from ::/0 into db
        ("AM506", "data_tier.tf", 40),  # ... on every port (ip_protocol -1)
        ("AM506", "data_tier.tf", 57),  # all_ipv4 egress -1
        ("AM506", "eks.tf", 25),  # demo-cluster egress -1
        ("AM508", "eks.tf", 47),  # EKS public endpoint, public_access_cidrs default 0.0.0.0/0
        ("AM506", "two-tier.tf", 47),  # elb egress -1
        ("AM506", "two-tier.tf", 63),  # SSH from 0.0.0.0/0 (the NACL drops it today)
        ("AM503", "two-tier.tf", 71),  # HTTP from the whole VPC: the EKS cluster too, only the ELB needs it
        ("AM506", "two-tier.tf", 79),  # default egress -1
        ("AM510", "data_tier.tf", 92),  # NACL bar is associated with no subnet
        ("AM510", "data_tier.tf", 96),  # its allow 200 is shadowed by deny 100 (0.0.0.0/0:22)
    },
    "tf-gcp": {
        ("AM506", "gke_module_firewall.tf", 27),  # intra_egress: all protocols, all ports
        ("AM506", "gke_module_firewall.tf", 92),  # shadow_allow_pods: all ports
        ("AM506", "gke_module_firewall.tf", 141),  # shadow_allow_nodes: 1-65535
        ("AM508", "workers_gke.tf", 3),  # public control plane, no authorised networks
    },
    "tf-azure": {
        ("AM508", "aks.tf", 7),  # public API server, no authorized_ip_ranges
        ("AM506", "nsg.tf", 27),  # SSH from * (to a subnet no modelled component is in)
        ("AM506", "nsg_rule_outbound.tf", 8),  # outbound to Sql.WestEurope on every port
        ("AM508", "redis.tf", 8),  # public endpoint, no firewall rule
        ("AM508", "servicebus.tf", 5),  # public endpoint, no network rule set
        ("AM508", "sql_azure.tf", 8),  # 0.0.0.0-0.0.0.0: all of Azure
    },
    "tf-json": {
        ("AM506", "main.tf.json", 11),  # web egress -1
        ("AM503", "main.tf.json", 39),  # db_debug_all_tcp: 10.0.0.0/8 on every TCP port
        ("AM506", "main.tf.json", 39),
        ("AM506", "main.tf.json", 46),  # db_all_out -1
    },
}


def drift(model: Path, terraform: Path) -> tuple[Found, list[dict[str, object]]]:
    args = ["drift", str(model), "--terraform", str(terraform), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    found = findings(result.stdout)
    return {_key(d) for d in found}, found


def _key(d: dict[str, object]) -> tuple[str, str, int | str]:
    name = Path(str(d["file"])).name
    return (str(d["code"]), name, str(d["message"]) if name == "archmodel.yaml" else int(str(d["line"])))


def imported(terraform: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(
        cli, ["import", "--terraform", str(terraform), "-o", str(out / "archmodel.yaml")]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_drift_against_the_intended_model_is_the_truth(name: str) -> None:
    found, _ = drift(FIXTURES / name, FIXTURES / name / "terraform")
    assert found == TRUTH[name]


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_what_import_writes_drift_agrees_with(name: str, tmp_path: Path) -> None:
    """No flow or component drift on the imported model; what remains are defects of the
    code no model can change: rules wider than any flow (every port or protocol) and
    network ACL entries that never apply."""
    model = imported(FIXTURES / name / "terraform", tmp_path)
    assert CliRunner().invoke(cli, ["validate", str(model)]).exit_code == 0
    found, _ = drift(model, FIXTURES / name / "terraform")
    assert {code for code, _, _ in found} <= {"AM506", "AM510"}, found
    text = (model / "archmodel.yaml").read_text()
    assert text.startswith("# TODO: ")
    assert "not analysed" in text or name == "tf-json"


def test_imported_aws_model(tmp_path: Path) -> None:
    text = (imported(FIXTURES / "tf-aws" / "terraform", tmp_path) / "archmodel.yaml").read_text()
    data = yaml.safe_load(text)
    kinds = {c["id"]: (c["kind"], c.get("technology"), c["zone"]) for c in data["components"]}
    assert kinds["web-elb"] == ("load_balancer", "aws-elb", "subnet-default")
    assert kinds["web-instance"] == ("service", "ec2", "subnet-default")
    assert kinds["db"] == ("database", "postgresql", "cloud")  # stands in for its security group
    flows = {(f["from"], f["to"], f.get("port")) for f in data["flows"]}
    assert ("web-instance", "db", 5432) in flows and ("web-elb", "web-instance", 80) in flows
    assert ("clients", "web-elb", 80) not in flows  # the NACL drops it
    assert "the network ACL aws_network_acl.main drops it" in text
    assert {z["id"]: z["trust"] for z in data["zones"]}["subnet-default"] == "dmz"


def _without_flow(model: Path, out: Path, source: str, target: str, port: int) -> Path:
    data = yaml.safe_load((model / "archmodel.yaml").read_text())
    data["flows"] = [
        f for f in data["flows"] if (f["from"], f["to"], f.get("port")) != (source, target, port)
    ]
    out.mkdir()
    (out / "archmodel.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return out


@pytest.mark.parametrize(
    ("name", "source", "target", "expected"),
    [
        ("tf-aws", "web-instance", "db", ("AM503", "data_tier.tf", 31)),
        ("tf-json", "web", "db", ("AM503", "main.tf.json", 34)),
    ],
)
def test_one_flow_taken_out_of_the_model_is_one_report(
    name: str, source: str, target: str, expected: tuple[str, str, int], tmp_path: Path
) -> None:
    terraform = FIXTURES / name / "terraform"
    before, _ = drift(FIXTURES / name, terraform)
    after, _ = drift(_without_flow(FIXTURES / name, tmp_path / "m", source, target, 5432), terraform)
    assert after - before == {expected} and before - after == set()
    model = imported(terraform, tmp_path / "imported")
    before, _ = drift(model, terraform)
    after, _ = drift(_without_flow(model, tmp_path / "m2", source, target, 5432), terraform)
    assert after - before == {expected} and before - after == set()


def _edited(name: str, tmp_path: Path, file: str, old: str, new: str) -> Path:
    terraform = tmp_path / "terraform"
    shutil.copytree(FIXTURES / name / "terraform", terraform)
    path = terraform / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return terraform


def test_one_rule_removed_blocks_one_flow(tmp_path: Path) -> None:
    start = 'resource "aws_vpc_security_group_ingress_rule" "postgres_from_web" {'
    text = (FIXTURES / "tf-aws" / "terraform" / "data_tier.tf").read_text()
    block = text[text.index(start) : text.index("}\n", text.index(start)) + 2]
    terraform = _edited("tf-aws", tmp_path, "data_tier.tf", block, "\n" * block.count("\n"))
    found, _ = drift(FIXTURES / "tf-aws", terraform)
    assert found - TRUTH["tf-aws"] == {
        ("AM504", "archmodel.yaml", "flow 'web-instance->db' is not allowed by the rules of 'db'")
    }
    assert TRUTH["tf-aws"] - found == set()


def test_one_firewall_port_changed_blocks_the_imported_flow(tmp_path: Path) -> None:
    model = imported(FIXTURES / "tf-gcp" / "terraform", tmp_path / "m")
    before, _ = drift(model, FIXTURES / "tf-gcp" / "terraform")
    terraform = _edited(
        "tf-gcp", tmp_path, "firewall/two_tier_firewall.tf", 'ports    = ["80"]', 'ports    = ["8080"]'
    )
    after, found = drift(model, terraform)
    assert before - after == set()
    assert after - before == {
        (
            "AM504",
            "archmodel.yaml",
            "flow 'clients->www' is not allowed by the rules of 'network default', 'tag www-node'",
        )
    }
    assert len(found) == len(before) + 1


def test_one_endpoint_closed_is_one_report_fewer(tmp_path: Path) -> None:
    terraform = _edited(
        "tf-azure",
        tmp_path,
        "redis.tf",
        "non_ssl_port_enabled = false",
        "non_ssl_port_enabled = false\n  public_network_access_enabled = false",
    )
    found, _ = drift(FIXTURES / "tf-azure", terraform)
    assert TRUTH["tf-azure"] - found == {("AM508", "redis.tf", 8)} and found <= TRUTH["tf-azure"]


def test_resource_types_not_analysed_are_listed_by_type() -> None:
    args = ["drift", str(FIXTURES / "tf-gcp"), "--terraform", str(FIXTURES / "tf-gcp" / "terraform")]
    result = CliRunner().invoke(cli, args)
    assert "22 resources of 17 types not analysed: 1 google_compute_forwarding_rule," in result.stderr
    assert "3 google_container_node_pool" in result.stderr
    assert "network 'default' (google_compute_firewall.default," in result.stderr  # its implicit rules
    assert "`count`/`for_each` not evaluated" in result.stderr
    assert (
        "1 module calls not read (their resources are not analysed): 1 module.project-services"
        in result.stderr
    )


def test_import_of_generated_terraform_agrees_with_drift(tmp_path: Path) -> None:
    """Generated Terraform tags every resource with its component: import keeps the ids."""
    reference = Path(__file__).resolve().parents[2] / "models" / "reference"
    out = tmp_path / "out"
    args = ["generate", str(reference), "-o", str(out), "--only", "terraform"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    model = imported(out / "terraform", tmp_path / "imported")
    ids = {c["id"] for c in yaml.safe_load((model / "archmodel.yaml").read_text())["components"]}
    assert {"alb", "api", "db", "cache", "queue"} <= ids
    found, _ = drift(model, out / "terraform")
    assert found == set()
