"""GCP firewall rules by direction: an ingress rule's target tags are the instances that
receive, an egress rule's the instances that send. Cloud Run takes no VPC ingress: the
tags of its Direct VPC egress interface select it for egress rules only. What archmodel
generates for GCP (Cloud Run services, each with egress rules for its flows) therefore
agrees with its model, and a rule that keeps a flow out of an instance is still reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"

MODEL = """archmodel: 1
system: {name: T}
components:
  - {id: web, kind: service, name: Web}
  - {id: api, kind: service, name: API}
  - {id: worker, kind: service, name: Worker}
flows:
  - {from: web, to: api, protocol: http, port: 8080}
  - {from: api, to: worker, protocol: http, port: 7000}
"""

INSTANCES = """
resource "google_compute_instance" "web" {
  tags = ["web"]
  network_interface { network = "main" }
}
resource "google_compute_instance" "api" {
  tags = ["api"]
  network_interface { network = "main" }
}
resource "google_compute_instance" "worker" {
  tags = ["worker"]
  network_interface { network = "main" }
}
"""


def drift(model: Path, terraform: Path) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    args = ["drift", str(model), "--terraform", str(terraform), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, findings(result.stdout), json.loads(result.stdout)[-1]


def written(tmp_path: Path, terraform: str) -> tuple[Path, Path]:
    (tmp_path / "archmodel.yaml").write_text(MODEL)
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(terraform)
    return tmp_path, tmp_path / "tf"


def test_generated_gcp_terraform_has_no_drift(tmp_path: Path) -> None:
    """Bank of Anthos on GCP: eight Cloud Run services and two Cloud SQL databases behind
    an external load balancer; each service's egress rules are tagged with its id, which
    drift read as ingress groups admitting nobody (seven flows 'not allowed')."""
    model, out = FIXTURES / "bank-of-anthos", tmp_path / "out"
    generated = CliRunner().invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform"])
    assert generated.exit_code == 0
    gcp = out / "terraform" / "gcp"
    assert 'direction          = "EGRESS"' in (gcp / "balancereader.gen.tf").read_text()
    code, found, _ = drift(model, gcp)
    assert (code, found) == (0, [])


def test_an_ingress_rule_that_keeps_a_flow_out_is_reported(tmp_path: Path) -> None:
    """api admits web on 9090 only (the flow is on 8080); worker's tag is named by an
    egress rule alone, which lets worker send, not receive: the implied deny-ingress keeps
    api's calls out."""
    rules = """
resource "google_compute_firewall" "api_from_web" {
  network     = "main"
  direction   = "INGRESS"
  target_tags = ["api"]
  source_tags = ["web"]
  allow {
    protocol = "tcp"
    ports    = ["9090"]
  }
}
resource "google_compute_firewall" "worker_out" {
  network            = "main"
  direction          = "EGRESS"
  target_tags        = ["worker"]
  destination_ranges = ["10.0.0.0/8"]
  allow {
    protocol = "tcp"
    ports    = ["7000"]
  }
}
"""
    code, found, _ = drift(*written(tmp_path, INSTANCES + rules))
    assert code == 1
    assert sorted((d["code"], d["message"]) for d in found) == [
        (
            "AM503",
            "google_compute_firewall.api_from_web allows 'web' to reach 'api' on port 9090, "
            "but no flow models it",
        ),
        ("AM504", "flow 'api->worker' is not allowed by the rules of 'network main worker', 'tag worker'"),
        ("AM504", "flow 'web->api' is not allowed by the rules of 'network main api', 'tag api'"),
    ]


def test_an_egress_rule_admits_nothing_into_its_tag(tmp_path: Path) -> None:
    """An egress rule's target tags are its senders: ``source_tags`` cannot be set on it,
    and its destination ranges name where traffic goes, not who may come in."""
    rules = """
resource "google_compute_firewall" "api_in" {
  network     = "main"
  target_tags = ["api"]
  source_tags = ["web"]
  allow {
    protocol = "tcp"
    ports    = ["8080"]
  }
}
resource "google_compute_firewall" "worker_in" {
  network     = "main"
  target_tags = ["worker"]
  source_tags = ["api"]
  allow {
    protocol = "tcp"
    ports    = ["7000"]
  }
}
resource "google_compute_firewall" "web_out" {
  network            = "main"
  direction          = "EGRESS"
  target_tags        = ["web"]
  destination_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}
"""
    code, found, _ = drift(*written(tmp_path, INSTANCES + rules))
    assert (code, found) == (0, [])


def test_an_ingress_rule_for_a_cloud_run_tag_is_a_note(tmp_path: Path) -> None:
    """Who calls a Cloud Run service is its ingress setting and run.invoker: an ingress
    rule naming the tag of its egress interface selects nothing and decides nothing."""
    services = "".join(
        f"""
resource "google_cloud_run_v2_service" "{name}" {{
  name     = "{name}"
  location = "us-central1"
  template {{
    vpc_access {{
      egress = "ALL_TRAFFIC"
      network_interfaces {{
        network = "main"
        tags    = ["{name}"]
      }}
    }}
    containers {{ image = "{name}:1" }}
  }}
}}
"""
        for name in ("web", "api", "worker")
    )
    rule = """
resource "google_compute_firewall" "api_in" {
  network     = "main"
  target_tags = ["api"]
  source_tags = ["worker"]
  allow {
    protocol = "tcp"
    ports    = ["8080"]
  }
}
"""
    code, found, summary = drift(*written(tmp_path, services + rule))
    assert (code, found) == (0, [])
    note = "google_compute_firewall.api_in: tag api is only on Cloud Run"
    assert any(n.startswith(note) for n in summary["notes"]), summary["notes"]
