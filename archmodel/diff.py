"""What changed between two versions of a model, security-relevant changes first.

Elements are matched by id per section; a changed element lists the fields that
differ. Security rules then look at the pairs for the changes a reviewer must see:
new internet exposure, new trust-boundary crossings, removed controls, plaintext,
raised classification and dropped approval gates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from archmodel.graph import ArchGraph
from archmodel.model import Ref, StageKind

SECTIONS = ("zones", "data", "controls", "components", "flows", "environments", "stages", "scenarios")


@dataclass(frozen=True)
class Change:
    section: str
    id: str
    kind: str  # added | removed | changed
    fields: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "id": self.id, "change": self.kind, "fields": list(self.fields)}


@dataclass(frozen=True)
class SecurityChange:
    kind: str
    target: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "target": self.target, "message": self.message}


@dataclass
class ModelDiff:
    changes: list[Change] = field(default_factory=list)
    security: list[SecurityChange] = field(default_factory=list)
    threats_opened: list[str] = field(default_factory=list)
    threats_closed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.threats_opened or self.threats_closed)


def _by_id(items: Sequence[Any]) -> dict[str, BaseModel]:
    return {item.id: item for item in items}


def _items(graph: ArchGraph, section: str) -> dict[str, BaseModel]:
    model = graph.model
    return _by_id(model.stages if section == "stages" else getattr(model, section))


def element_changes(old: ArchGraph, new: ArchGraph) -> Iterator[Change]:
    for section in SECTIONS:
        before, after = _items(old, section), _items(new, section)
        for key in sorted(after.keys() - before.keys()):
            yield Change(section, key, "added")
        for key in sorted(before.keys() - after.keys()):
            yield Change(section, key, "removed")
        for key in sorted(before.keys() & after.keys()):
            a, b = before[key].model_dump(), after[key].model_dump()
            fields = tuple(sorted(f for f in a.keys() | b.keys() if a.get(f) != b.get(f)))
            if fields:
                yield Change(section, key, "changed", fields)


def security_changes(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    yield from _exposure(old, new)
    yield from _flows(old, new)
    yield from _controls(old, new)
    yield from _classification(old, new)
    yield from _approval(old, new)
    yield from _bypassed_approval(old, new)
    yield from _scope(old, new)
    yield from _silencing(old, new)


def _exposure(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    for cid, c in sorted(new.components.items()):
        before = old.components.get(cid)
        if c.public and not (before and before.public):
            yield SecurityChange(
                "exposure", str(Ref.component(cid)), f"component '{cid}' is newly reachable from the internet"
            )


def _flows(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    for fid, f in sorted(new.flows.items()):
        before = old.flows.get(fid)
        if new.crosses_boundary(f) and not (before and old.crosses_boundary(before)):
            a, b = new.zone_of(f.source), new.zone_of(f.target)
            where = f"{a.id if a else '?'} -> {b.id if b else '?'}"
            yield SecurityChange(
                "boundary", str(Ref.flow(fid)), f"flow '{fid}' newly crosses a trust boundary ({where})"
            )
        if f.plaintext and (before is None or not before.plaintext):
            yield SecurityChange("plaintext", str(Ref.flow(fid)), f"flow '{fid}' is plaintext ({f.protocol})")


def _controls(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    for section in ("components", "flows", "zones", "environments"):
        before, after = _items(old, section), _items(new, section)
        for key in sorted(before.keys() & after.keys()):
            kept: list[str] = after[key].controls  # type: ignore[attr-defined]
            for control in sorted(set(before[key].controls) - set(kept)):  # type: ignore[attr-defined]
                target = f"{section[:-1]}:{key}"
                yield SecurityChange("control_removed", target, f"control '{control}' removed from {target}")


def _classification(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    for did, d in sorted(new.data.items()):
        before = old.data.get(did)
        if before and d.classification > before.classification:
            msg = f"data '{did}' raised from {before.classification} to {d.classification}"
            yield SecurityChange("classification", f"data:{did}", msg)


def _approval(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    gates = {s.id for s in new.stages.values() if s.kind == StageKind.approval}
    for sid, s in sorted(old.stages.items()):
        if s.kind == StageKind.approval and sid not in gates:
            yield SecurityChange(
                "approval_dropped", str(Ref.stage(sid)), f"approval gate '{sid}' was removed"
            )


def _approvals_before(graph: ArchGraph, stage_id: str) -> set[str]:
    """Approval stages a stage waits for, directly or through the stages it needs."""
    return {s for s in graph.stages_before(stage_id) if graph.stages[s].kind == StageKind.approval}


def _bypassed_approval(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    """A deploy stage that no longer waits for an approval it waited for (the gate may
    still exist, but nothing makes the deploy wait for it)."""
    for sid, s in sorted(new.stages.items()):
        if s.kind != StageKind.deploy or sid not in old.stages:
            continue
        lost = _approvals_before(old, sid) - _approvals_before(new, sid)
        for gate in sorted(lost):
            where = f" to {s.environment}" if s.environment else ""
            msg = f"deploy stage '{sid}'{where} no longer waits for approval '{gate}'"
            yield SecurityChange("approval_bypassed", f"stage:{sid}", msg)


def _scope(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    """A component newly declared out of scope drops out of the threat analysis."""
    for cid, c in sorted(new.components.items()):
        before = old.components.get(cid)
        if c.out_of_scope and before is not None and not before.out_of_scope:
            msg = f"component '{cid}' is newly out of scope of the threat analysis: {c.out_of_scope}"
            yield SecurityChange("out_of_scope", f"component:{cid}", msg)


def _silencing(old: ArchGraph, new: ArchGraph) -> Iterator[SecurityChange]:
    """A newly disabled threat rule, or a new blanket risk decision, can hide every
    finding of its kind: a reviewer must see it."""
    from archmodel.threats.silencing import describe, is_blanket

    for rule in sorted(set(new.model.policies.disable) - set(old.model.policies.disable)):
        yield SecurityChange(
            "rule_disabled", f"rule:{rule}", f"threat rule {rule} is newly disabled by x-policies"
        )
    before = {describe(r) for r in old.model.risks if is_blanket(r)}
    for text in sorted({describe(r) for r in new.model.risks if is_blanket(r)} - before):
        yield SecurityChange("blanket_risk", "risks", f"new blanket risk decision {text}")


def diff_models(old: ArchGraph, new: ArchGraph) -> ModelDiff:
    return ModelDiff(list(element_changes(old, new)), list(security_changes(old, new)))
