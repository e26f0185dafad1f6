"""The Terraform reader's pieces: address and port ranges, JSON positions, what is not
analysed, and how resources are mapped to components."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli
from archmodel.tfread import read_network, read_terraform
from archmodel.tfread.values import is_open, parse_ports, port_range

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        (["0.0.0.0/0"], True),
        (["::/0"], True),
        (["0.0.0.0/1", "128.0.0.0/1"], True),
        (["0.0.0.0/1"], False),
        (["10.0.0.0/8"], False),
        (["*"], True),
    ],
)
def test_any_address(ranges: list[str], expected: bool) -> None:
    assert is_open(ranges) is expected


@pytest.mark.parametrize(
    ("low", "high", "protocol", "expected"),
    [
        (0, 65535, "tcp", None),
        (1, 65535, "tcp", None),
        (0, 0, "-1", None),
        (22, 22, "tcp", (22, 22)),
        (None, None, "-1", None),
    ],
)
def test_port_ranges(low: object, high: object, protocol: str, expected: object) -> None:
    assert port_range(low, high, protocol) == expected


def test_written_port_ranges() -> None:
    assert parse_ports("*") is None and parse_ports("1-65535") is None
    assert parse_ports("8000-9000") == (8000, 9000) and parse_ports("443") == (443, 443)


def test_json_resources_point_at_their_lines() -> None:
    net = read_network(FIXTURES / "tf-json" / "terraform")
    lines = {b.address: b.line for b in net.config.blocks}
    assert lines["aws_security_group.web"] == 11
    assert lines["aws_security_group_rule.db_debug_all_tcp"] == 39
    assert lines["aws_secretsmanager_secret.local-secret"] == 39  # in cdk.tf.json


def test_a_json_file_without_network_resources_has_no_rules() -> None:
    inv = read_terraform(FIXTURES / "tf-json" / "terraform" / "checkov-cdk", set())
    assert [r.address for r in inv.resources] == [
        "aws_secretsmanager_secret.local-secret",
        "aws_secretsmanager_secret.external-secret",
    ]
    assert inv.rules == [] and inv.wide == [] and inv.summary() == ""


def test_a_google_redis_instance_the_model_names_is_read() -> None:
    """The issue's example: every google_* resource was ignored, Memorystore included."""
    inv = read_terraform(FIXTURES / "tf-gcp" / "terraform", {"main-redis"})
    assert [r.component for r in inv.resources if r.address == "google_redis_instance.main"] == ["main-redis"]


def test_import_needs_one_source(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["import"]).exit_code == 2
    both = ["import", "--k8s", str(tmp_path), "--terraform", str(tmp_path)]
    assert CliRunner().invoke(cli, both).exit_code == 2


def test_import_names_the_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_security_group" "x" {\n  name = \n')
    result = CliRunner().invoke(cli, ["import", "--terraform", str(tmp_path)])
    assert result.exit_code == 1 and "main.tf" in result.stderr and "not valid HCL" in result.stderr


def _drift_codes(tmp_path: Path, model: str, terraform: str) -> list[tuple[str, str]]:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "archmodel.yaml").write_text("archmodel: 1\nsystem: {name: T}\n" + model)
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(terraform)
    result = CliRunner().invoke(
        cli, ["drift", str(tmp_path), "--terraform", str(tmp_path / "tf"), "--format", "json"]
    )
    return sorted((d["code"], d["message"]) for d in findings(result.stdout))


AZURE_VM = """
resource "azurerm_virtual_network" "net" {
  address_space = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "app" {
  virtual_network_name = azurerm_virtual_network.net.name
  address_prefixes     = ["10.1.1.0/24"]
}
resource "azurerm_network_interface" "api" {
  ip_configuration {
    subnet_id = azurerm_subnet.app.id
  }
}
resource "azurerm_linux_virtual_machine" "api" {
  network_interface_ids = [azurerm_network_interface.api.id]
}
resource "azurerm_network_interface" "worker" {
  ip_configuration {
    subnet_id = azurerm_subnet.app.id
  }
}
resource "azurerm_linux_virtual_machine" "worker" {
  network_interface_ids = [azurerm_network_interface.worker.id]
}
resource "azurerm_network_security_group" "app" {
  security_rule {
    name                       = "api-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8080"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}
resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}
"""


def test_an_nsg_governs_the_machines_of_its_subnet(tmp_path: Path) -> None:
    model = (
        "components:\n  - {id: api, kind: service, name: API}\n  - {id: worker, kind: service, name: W}\n"
        "flows:\n  - {from: worker, to: api, protocol: http, port: 8080}\n"
    )
    assert _drift_codes(tmp_path, model, AZURE_VM) == [
        (
            "AM503",
            "azurerm_network_security_group.app allows 'api' (from VirtualNetwork) to reach 'worker' on port 8080, "
            "but no flow models it",
        )
    ]


def test_a_component_in_two_security_groups_gets_what_either_admits(tmp_path: Path) -> None:
    terraform = """
resource "aws_instance" "api" {
  vpc_security_group_ids = [aws_security_group.a.id, aws_security_group.b.id]
}
resource "aws_instance" "web" {
  vpc_security_group_ids = [aws_security_group.web.id]
}
resource "aws_security_group" "web" {
}
resource "aws_security_group" "a" {
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }
}
resource "aws_security_group" "b" {
}
"""
    model = (
        "components:\n  - {id: api, kind: service, name: API}\n  - {id: web, kind: service, name: Web}\n"
        "flows:\n  - {from: web, to: api, protocol: http, port: 8080}\n"
    )
    assert _drift_codes(tmp_path, model, terraform) == []
    blocked = _drift_codes(tmp_path / "x", model.replace("port: 8080", "port: 9090"), terraform)
    assert [code for code, _ in blocked] == ["AM503", "AM504"]  # 8080 unmodelled, 9090 blocked
