"""The command line: exit codes, output formats, schema and init."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from archmodel.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
GOOD = "archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n"
WARN = GOOD.replace("]\n", ", {id: lost, kind: service, name: L}]\n")
BAD = GOOD + "flows: [{from: u, to: nowhere, protocol: https}]\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_exit_codes(write_model: Callable[..., Path], tmp_path: Path) -> None:
    assert run("validate", str(write_model(GOOD)))[0] == 0
    assert run("validate", str(write_model(WARN)))[0] == 0
    assert run("validate", "--strict", str(write_model(WARN)))[0] == 1
    code, out, _ = run("validate", str(write_model(BAD)))
    assert code == 1
    assert "archmodel.yaml:4:" in out and "error AM203" in out
    assert run("validate", str(tmp_path / "missing"))[0] == 2
    assert run("validate", "--format", "xml", str(write_model(GOOD)))[0] == 2


def test_validate_json_format(write_model: Callable[..., Path]) -> None:
    code, out, _ = run("validate", "--format", "json", str(write_model(BAD)))
    (item,) = json.loads(out)
    assert code == 1
    assert set(item) == {"file", "line", "column", "severity", "code", "message", "hint"}
    assert (item["code"], item["line"], item["severity"]) == ("AM203", 4, "error")


def test_validate_sarif_format(write_model: Callable[..., Path]) -> None:
    _, out, _ = run("validate", "--format", "sarif", str(write_model(BAD)))
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    (result,) = run_["results"]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rule_ids[result["ruleIndex"]] == "AM203"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 4


def test_validate_github_format(write_model: Callable[..., Path]) -> None:
    _, out, _ = run("validate", "--format", "github", str(write_model(BAD)))
    assert out.startswith("::error file=") and ",line=4," in out


def test_schema_command_matches_committed_file() -> None:
    code, out, _ = run("schema")
    assert code == 0
    committed = (ROOT / "schema" / "archmodel.schema.json").read_text()
    assert out == committed, "schema/archmodel.schema.json is stale: run `make schema`"
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_schema_rejects_unknown_keys_but_not_x_keys() -> None:
    schema = json.loads((ROOT / "schema" / "archmodel.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    base = {"archmodel": 1, "system": {"name": "T"}}
    component = {"id": "a", "kind": "service", "name": "A"}
    assert validator.is_valid({**base, "components": [{**component, "x-note": 1}]})
    assert not validator.is_valid({**base, "components": [{**component, "zonee": "z"}]})
