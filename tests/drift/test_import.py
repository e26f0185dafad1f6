"""`archmodel import --k8s`: a first model from manifests, which drift then agrees with."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"


def imported(name: str, tmp_path: Path) -> Path:
    result = CliRunner().invoke(
        cli, ["import", "--k8s", str(FIXTURES / name / "k8s"), "-o", str(tmp_path / "archmodel.yaml")]
    )
    assert result.exit_code == 0, result.output
    return tmp_path


@pytest.mark.parametrize("name", ["sock-shop", "online-boutique", "acs-security-demos"])
def test_drift_finds_no_flow_drift_in_what_import_wrote(name: str, tmp_path: Path) -> None:
    model = imported(name, tmp_path)
    assert CliRunner().invoke(cli, ["validate", str(model)]).exit_code == 0
    result = CliRunner().invoke(
        cli, ["drift", str(model), "--k8s", str(FIXTURES / name / "k8s"), "--format", "json"]
    )
    codes = {d["code"] for d in findings(result.stdout)}
    assert codes.isdisjoint({"AM501", "AM502", "AM503", "AM504", "AM508", "AM509"}), codes


def test_online_boutique_flows_are_the_ones_its_policies_name(tmp_path: Path) -> None:
    """Every real flow of TRUTH.md but loadgenerator -> frontend (the frontend admits any
    source, which names no caller), on container ports (emailservice: 8080)."""
    model = yaml.safe_load((imported("online-boutique", tmp_path) / "archmodel.yaml").read_text())
    flows = {(f["from"], f["to"], f.get("port")) for f in model["flows"]}
    truth = yaml.safe_load((FIXTURES / "online-boutique" / "archmodel.yaml").read_text())
    expected = {(f["from"], f["to"]) for f in truth["flows"]} - {
        ("loadgenerator", "frontend"),
        ("shoppers", "frontend"),
    }
    assert {(s, t) for s, t, _ in flows if s != "clients"} == expected
    assert ("checkoutservice", "emailservice", 8080) in flows
    assert ("clients", "frontend", 80) in flows
    public = {c["id"] for c in model["components"] if c.get("public")}
    assert public == {"frontend"}


def test_import_never_replaces_a_file_unasked_nor_writes_through_a_link(tmp_path: Path) -> None:
    """``-o archmodel.yaml`` beside a hand-written model must not destroy it: a file that
    exists needs ``--force``, and a link (to anything) is never written through."""
    k8s = str(FIXTURES / "sock-shop" / "k8s")
    mine = tmp_path / "archmodel.yaml"
    mine.write_text("hand-written\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(mine)])
    assert refused.exit_code == 2 and "use --force" in refused.output
    assert mine.read_text(encoding="utf-8") == "hand-written\n"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(victim)
    for force in ([], ["--force"]):
        linked = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(tmp_path / "link.yaml"), *force])
        assert linked.exit_code == 1 and "never writes through links" in linked.output
    assert victim.read_text(encoding="utf-8") == "keep\n"
    directory = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(tmp_path), "--force"])
    assert directory.exit_code == 1 and "is a directory" in directory.output
    forced = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(mine), "--force"])
    assert forced.exit_code == 0, forced.output
    assert yaml.safe_load(mine.read_text(encoding="utf-8"))["archmodel"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archmodel.yaml", "link.yaml", "victim.txt"]
