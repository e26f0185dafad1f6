"""Every rule of every kind has a case file, ``tests/cases/<CODE>.yaml``, run here.

A case file holds named ``fail`` examples (each must report the rule) and named ``pass``
examples (none may). An example is a root file (``archmodel: 1`` and a system are put
in front when missing) or a mapping of files. Threat cases name the ``target`` the
finding is on and the control (or design change) that closes it; drift cases put
Kubernetes manifests under ``k8s/`` and Terraform under ``terraform/``; plugin cases map entry point groups to plugins.
The same files are the examples of the rules reference (docs/gen_reference.py).
"""

from __future__ import annotations

import datetime as dt
import os
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
import yaml

from archmodel.api import load_project
from archmodel.catalog import RuleKind, Severity
from archmodel.drift import Inventory, compare, expected_components
from archmodel.drift.kube_check import kubernetes_drift, placement_of
from archmodel.drift.kube_rules import inventory as workload_inventory
from archmodel.findings import rule_catalog
from archmodel.kube import Cluster, read_cluster
from archmodel.tfread import read_terraform
from archmodel.threats import analyse, engine, installed_rules, registry

CASES = Path(__file__).parent
HEADER = "archmodel: 1\nsystem: {name: T}\n"
TODAY = dt.date(2025, 1, 1)
CATALOG = rule_catalog()


def case(code: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CASES / f"{code}.yaml").read_text(encoding="utf-8"))
    return data


def examples() -> list[Any]:
    return [
        pytest.param(path.stem, side, name, id=f"{path.stem}-{side}-{name}")
        for path in sorted(CASES.glob("*.yaml"))
        for side in ("fail", "pass")
        for name in case(path.stem).get(side, {})
    ]


def write_model(directory: Path, example: str | dict[str, Any]) -> Path:
    """Write an example; a file may be bytes (``!!binary``) or ``{content, mode}`` or
    ``{content, size}``."""
    files = example if isinstance(example, dict) else {"archmodel.yaml": example}
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            path.write_text(content["content"], encoding="utf-8")
            if "size" in content:  # grown to a size (sparse, NUL-padded) without writing it out
                os.truncate(path, content["size"])
            if "mode" in content:
                path.chmod(content["mode"])
                if not content["mode"] and os.access(path, os.R_OK):
                    pytest.skip("this user reads files whatever their mode (root)")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif name == "archmodel.yaml" and not content.lstrip("-\n").startswith("archmodel:"):
            path.write_text(HEADER + content, encoding="utf-8")
        else:
            path.write_text(content, encoding="utf-8")
    return directory


def valid(model: Path) -> Any:
    project = load_project(model)
    errors = [d for d in project.diagnostics if d.severity is Severity.error]
    assert not errors, errors
    return project


def reported(code: str, example: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The codes a run reports on the example (threats: ``rule@target`` of open findings)."""
    kind = CATALOG[code].kind
    if case(code).get("plugins"):
        return plugin_codes(example, tmp_path, monkeypatch, case(code).get("model", "components: []\n"))
    model = write_model(tmp_path / "model", example)
    if kind is RuleKind.validation:
        return {d.code for d in load_project(model).diagnostics}
    project = valid(model)
    if kind is RuleKind.drift:
        k8s, terraform = (model / "k8s").is_dir(), (model / "terraform").is_dir()
        placement = placement_of(project, read_cluster(model / "k8s") if k8s else Cluster())
        inventory = Inventory()
        inventory.merge(workload_inventory(placement))
        if terraform:
            inventory.merge(read_terraform(model / "terraform", set(project.graph.components)))
        expect = expected_components(project.graph, terraform, k8s)
        found = [*compare(project, inventory, expect), *kubernetes_drift(project, placement)]
        return {d.code for d in found}
    report = analyse(project, today=TODAY)
    if kind is RuleKind.threat:
        return {f"{f.rule}@{f.target}" for f in report.open} | {f.rule for f in report.open}
    return {d.code for d in report.warnings}


def plugin_codes(
    groups: dict[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str
) -> set[str]:
    """Policy problems about plugins: the entry points are the example; the model is the
    case file's ``model`` (empty when it gives none)."""

    def fake(group: str) -> list[EntryPoint]:
        return [EntryPoint(name, value, group) for name, value in groups.get(group, {}).items()]

    monkeypatch.setattr(registry, "entry_points", fake)
    engine.plugins.cache_clear()
    try:
        project = valid(write_model(tmp_path / "model", model))
        return {d.code for d in analyse(project, today=TODAY).warnings}
    finally:
        engine.plugins.cache_clear()


@pytest.mark.parametrize(("code", "side", "name"), examples())
def test_example(code: str, side: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = case(code)
    found = reported(code, spec[side][name], tmp_path, monkeypatch)
    expected = f"{code}@{spec['target']}" if "target" in spec else code
    if side == "fail":
        assert expected in found, sorted(found)
    else:
        assert code not in found, sorted(found)


def test_every_rule_has_a_case_file() -> None:
    files = {p.stem for p in CASES.glob("*.yaml")}
    assert sorted(set(CATALOG) - files) == []
    assert sorted(files - set(CATALOG)) == []  # a case for a rule that no longer exists


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_case_file_has_named_failing_and_passing_examples(code: str) -> None:
    spec = case(code)
    assert spec.get("fail") and spec.get("pass"), f"{code}: needs fail and pass examples"
    assert all(isinstance(name, str) for name in [*spec["fail"], *spec["pass"]])


@pytest.mark.parametrize("code", sorted(c for c, r in CATALOG.items() if r.kind is RuleKind.threat))
def test_threat_case_names_what_closes_it(code: str) -> None:
    spec, rule = case(code), installed_rules()[code]
    assert spec.get("target") and spec.get("closed_by"), f"{code}: needs target and closed_by"
    if spec["closed_by"] in rule.mitigations:
        assert all(spec["closed_by"] in str(example) for example in spec["pass"].values())
    else:
        assert spec["closed_by"].startswith(("design change", "a design change", "model change"))
