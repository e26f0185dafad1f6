"""``x-policies``: a validated section of the model, read by the engine from the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from archmodel.api import load_project
from archmodel.cli.main import cli
from archmodel.model import Layer, Policies
from archmodel.threats import analyse

TODAY = dt.date(2025, 1, 1)
HEAD = "archmodel: 1\nsystem: {name: T}\n"
RULE = (
    "    - {id: %s, title: PCI services need mTLS, stride: [spoofing], severity: high,\n"
    "       select: {tags: [pci]}, require: [mtls], fix: Enable the mesh.}\n"
)
COMPONENTS = "components:\n  - {id: s, kind: service, name: S, tags: [pci, entry_point]}\n"


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "archmodel.yaml").write_text(text)
    return tmp_path


def _errors(tmp_path: Path) -> list[tuple[str, int | None, str]]:
    project = load_project(tmp_path)
    return [(d.code, d.line, d.message) for d in project.diagnostics if d.severity == "error"]


def test_policies_are_part_of_the_model(tmp_path: Path) -> None:
    _write(
        tmp_path,
        HEAD + "x-policies:\n  required_layers: [network]\n  rules:\n" + RULE % "ACME001" + COMPONENTS,
    )
    project = load_project(tmp_path)
    assert not project.failed()
    assert project.model.policies.required_layers == [Layer.network]
    assert [r.id for r in project.model.policies.rules] == ["ACME001"]


def test_defaults_without_policies(tmp_path: Path) -> None:
    project = load_project(_write(tmp_path, HEAD))
    assert project.model.policies == Policies()
    assert Layer.physical not in project.model.policies.required_layers


def test_engine_never_reads_the_root_file_again(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + "x-policies:\n  rules:\n" + RULE % "ACME001" + COMPONENTS)
    project = load_project(tmp_path)
    (tmp_path / "archmodel.yaml").write_text(HEAD)  # what the engine would see on disk
    report = analyse(project, today=TODAY, locate_findings=False)
    assert [str(f.target) for f in report.findings if f.rule == "ACME001"] == ["component:s"]


def test_malformed_policies_are_located_load_errors(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + "x-policies:\n  required_layers: [aplication]\n")
    ((code, line, message),) = _errors(tmp_path)
    assert code == "AM102" and line == 4 and "aplication" in message


def test_malformed_policies_fail_validate_and_threats(tmp_path: Path) -> None:
    """Regression: a bad x-policies passed `validate`, and `threats` printed it yet exited 0."""
    _write(tmp_path, HEAD + "x-policies:\n  rules:\n    - {id: ACME001, title: T}\n")
    runner = CliRunner()
    validate = runner.invoke(cli, ["validate", str(tmp_path)])
    assert validate.exit_code == 1
    assert "archmodel.yaml:5:" in validate.output + validate.stderr
    threats = runner.invoke(cli, ["threats", str(tmp_path)])
    assert threats.exit_code == 1 and "invalid model" in threats.stderr


def test_policy_rule_reusing_a_builtin_id_is_an_error(tmp_path: Path) -> None:
    """Regression: such a rule was dropped without a word."""
    _write(tmp_path, HEAD + "x-policies:\n  rules:\n" + RULE % "AMT150" + RULE % "ACME001" + RULE % "ACME001")
    errors = _errors(tmp_path)
    assert [(code, line) for code, line, _ in errors] == [("AM210", 5), ("AM210", 9)]
    assert "built-in threat catalog" in errors[0][2] and "used twice" in errors[1][2]


def test_policy_rule_id_pattern_is_not_an_element_id(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + "x-policies:\n  rules:\n" + RULE % "acme1")
    ((code, _, message),) = _errors(tmp_path)
    assert code == "AM102" and "'id'" in message


def test_policies_belong_to_the_root_file(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + "include: [more.yaml]\n")
    (tmp_path / "more.yaml").write_text("x-policies: {disable: [AMT114]}\n")
    ((code, line, _),) = _errors(tmp_path)
    assert (code, line) == ("AM012", 1)


def test_other_x_keys_stay_free(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + "x-team: {anything: [1, 2]}\n")
    assert _errors(tmp_path) == []
