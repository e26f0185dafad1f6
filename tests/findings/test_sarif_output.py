"""One SARIF renderer for validate, threats and drift: valid SARIF 2.1.0 (checked against
the OASIS schema), the whole catalog in ``tool.driver.rules``, and results that GitHub
code scanning can place and track across runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "schema" / "sarif-schema-2.1.0.json").read_text())
SHOP = ROOT / "tests" / "threats" / "models" / "shop"
DRIFT = ROOT / "tests" / "drift" / "fixtures"
BAD = "archmodel: 1\nsystem: {name: T}\ncomponents:\n  - {id: a, kind: service, name: A, zonee: z}\n"


def sarif(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--format", "sarif"])
    log: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def fresh_process(*args: str) -> str:
    """Run the CLI in a new interpreter: what it lists must not depend on earlier imports."""
    code = "from archmodel.cli.main import cli; cli()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    return done.stdout


@pytest.fixture
def bad_model(tmp_path: Path) -> Path:
    (tmp_path / "archmodel.yaml").write_text(BAD)
    return tmp_path


def test_validate_sarif_lists_every_rule_of_the_catalog() -> None:
    """Regression: drift rules were missing unless drift had run in the same process."""
    listed = [r["code"] for r in json.loads(fresh_process("rules", "--format", "json"))]
    log = json.loads(fresh_process("validate", str(ROOT / "models" / "reference"), "--format", "sarif"))
    in_sarif = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert in_sarif == listed
    assert {"AM501", "AMT101", "AMT001", "AM201"} <= set(in_sarif)


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "BAD"),
        ("threats", str(SHOP)),
        ("drift", str(DRIFT / "model"), "--terraform", str(DRIFT / "terraform")),
    ],
    ids=["validate", "threats", "drift"],
)
def test_every_command_writes_schema_valid_sarif_for_code_scanning(
    args: tuple[str, ...], bad_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(bad_model if args[1] == "BAD" else ROOT)
    log = sarif(*[str(bad_model) if a == "BAD" else a for a in args])
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "archmodel"
    assert run["automationDetails"]["id"] == f"archmodel/{args[0]}/"
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert rule["properties"]["tags"]
        if rule["properties"]["kind"] == "threat":
            assert "security" in rule["properties"]["tags"]
            assert 0 < float(rule["properties"]["security-severity"]) <= 10
            assert any(
                t in rule["properties"]["tags"]
                for t in (
                    "spoofing",
                    "tampering",
                    "repudiation",
                    "information-disclosure",
                    "denial-of-service",
                    "elevation-of-privilege",
                )
            )
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["archmodel/v1"]) == 32


def test_fingerprints_survive_moved_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archmodel.yaml").write_text(BAD)
    before = sarif("validate", str(tmp_path))["runs"][0]["results"]
    (tmp_path / "archmodel.yaml").write_text("# a comment\n\n" + BAD)
    after = sarif("validate", str(tmp_path))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert before[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "archmodel.yaml"


def test_threat_fingerprints_name_rule_and_target_not_line() -> None:
    first = sarif("threats", str(SHOP))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["archmodel/v1"] for r in first]
    assert len(set(prints)) == len(prints)
    assert prints == [
        r["partialFingerprints"]["archmodel/v1"] for r in sarif("threats", str(SHOP))["runs"][0]["results"]
    ]


def test_decided_threats_are_suppressed_results() -> None:
    results = sarif("threats", str(SHOP))["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["AMT181"]
