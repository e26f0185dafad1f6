"""Every open finding's "closed by" list is exact: each control it names closes it alone.

For every open finding on the reference model and on every example model, each listed
mitigation is added, by itself, to the finding's target (a component's, flow's, zone's or
environment's ``controls``; a path's last component, the data it leads to; every component
for a fleet-wide gap reported on the whole ``system``) and the model is
analysed again: the finding must be gone. Each model change a finding lists (a field set
on named elements, such as a flow's ``authentication``) is applied the same way, once per
value it offers (a field whose value only the system's owners know, such as an
image's digest, is set to a sample value). A finding that neither closes lists none, and its fix names the design
change instead (AMT142, multi-layer attack paths).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from archmodel.api import load_project
from archmodel.model import Model, Ref
from archmodel.project import Project
from archmodel.threats import analyse
from archmodel.threats.types import Finding, ModelChange

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]
SECTIONS = ("components", "flows", "zones", "environments")


@cache
def loaded(model: Path) -> tuple[Project, tuple[Finding, ...]]:
    project = load_project(model)
    return project, tuple(analyse(project, locate_findings=False).open)


def with_control(model: Model, target: Ref, control: str) -> Model:
    """The model with ``control`` added to the finding's target element."""
    section, ident = target.section, target.id
    if section == "system":
        # A fleet-wide gap of a model without environments: the control on every component.
        comps = [c.model_copy(update={"controls": [*c.controls, control]}) for c in model.components]
        return dataclasses.replace(model, components=comps)
    if section == "paths":
        section, ident = "components", ident.split(">")[-1]
    assert section in SECTIONS, f"no controls on {target}"
    items: list[Any] = list(getattr(model, section))
    index = next(i for i, item in enumerate(items) if item.id == ident)
    items[index] = items[index].model_copy(update={"controls": [*items[index].controls, control]})
    changes: dict[str, Any] = {section: items}
    return dataclasses.replace(model, **changes)


# A valid value for each field whose change names no values (only its owners know it).
SAMPLES: dict[str, Any] = {
    "deploy.digest": "sha256:" + "0" * 64,
    "deploy.resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
}


def assigned(item: Any, field: str, value: Any) -> Any:
    """A copy of ``item`` with the dotted ``field`` set to ``value``, validated as the
    loader would."""
    head, _, rest = field.partition(".")
    copy = item.model_copy()
    if rest:
        value = assigned(getattr(item, head), rest, value)
    type(copy).__pydantic_validator__.validate_assignment(copy, head, value)
    return copy


def with_change(model: Model, change: ModelChange, value: Any) -> Model:
    """The model with ``change.field`` set to ``value`` on each of the change's targets."""
    changes: dict[str, Any] = {}
    for ref in change.targets:
        items: list[Any] = list(changes.get(ref.section, getattr(model, ref.section)))
        index = next(i for i, item in enumerate(items) if item.id == ref.id)
        items[index] = assigned(items[index], change.field, value)
        changes[ref.section] = items
    return dataclasses.replace(model, **changes)


def claims(model: Path) -> list[tuple[str, str]]:
    return [(f.id, control) for f in loaded(model)[1] for control in f.mitigations]


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_each_listed_control_closes_its_finding(model: Path) -> None:
    project, findings = loaded(model)
    by_id = {f.id: f for f in findings}
    still_open = []
    for finding_id, control in claims(model):
        changed = with_control(project.model, by_id[finding_id].target, control)
        again = analyse(Project.from_model(changed, project.root), locate_findings=False)
        if any(f.id == finding_id for f in again.open):
            still_open.append((finding_id, control))
    assert still_open == []
    assert claims(model), "the model proves nothing: no finding lists a control"


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_each_listed_model_change_closes_its_finding(model: Path) -> None:
    project, findings = loaded(model)
    still_open = []
    for finding in findings:
        for change in finding.changes:
            for value in change.values or (SAMPLES[change.field],):
                changed = with_change(project.model, change, value)
                again = analyse(Project.from_model(changed, project.root), locate_findings=False)
                if any(f.id == finding.id for f in again.open):
                    still_open.append((finding.id, str(change), value))
    assert still_open == []


def test_a_store_with_its_log_in_reach_claims_no_control() -> None:
    """AMT142: `logging` and `monitoring` are both there; only a flow out of the zone closes it."""
    _, findings = loaded(ROOT / "models" / "reference")
    audit = [f for f in findings if f.rule == "AMT142"]
    assert audit and all(f.mitigations == () for f in audit)
    assert all("monitoring component in another zone" in f.fix for f in audit)


def test_a_path_missing_several_layers_claims_no_single_control() -> None:
    _, findings = loaded(ROOT / "models" / "examples" / "online-boutique")
    paths = [f for f in findings if f.rule in ("AMT200", "AMT201", "AMT202")]
    assert paths and all(f.mitigations == () for f in paths)
