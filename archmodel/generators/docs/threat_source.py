"""The one place the docs site asks the threat engine for findings and rules.

Pages only see the plain records below, so the site still builds (with empty threat
pages) if the engine is missing or broken, and a change in the engine's types touches
this module alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from archmodel.model import Ref, ThreatSeverity

if TYPE_CHECKING:
    from archmodel.project import Project

# Most severe first: the order the register summary and lists are read in.
SEVERITIES: tuple[str, ...] = tuple(str(s) for s in reversed(ThreatSeverity))


@dataclass(frozen=True)
class ThreatItem:
    """One finding as the register shows it (SPEC §4 fields plus the risk decision)."""

    id: str
    rule: str
    title: str
    stride: tuple[str, ...]
    severity: str
    target: str
    status: str
    description: str
    mitigations: tuple[str, ...] = ()
    layer: str = ""
    justification: str | None = None
    owner: str | None = None
    expires: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @cached_property
    def component(self) -> str | None:
        """The component id a ``component:<id>`` target names, if any (parsed once: the
        site asks it of every finding on several pages)."""
        ref = Ref.parse(self.target)
        return ref.id if ref.section == "components" else None


@dataclass(frozen=True)
class ThreatRuleItem:
    id: str
    title: str
    stride: tuple[str, ...]
    layer: str
    mitigations: tuple[str, ...]
    doc: str
    fix: str


def threat_findings(project: Project) -> list[ThreatItem]:
    """Findings of the model, most severe first; [] when no threat engine is installed."""
    try:
        from archmodel.threats import report_for
    except ImportError:
        return []
    report = report_for(project)
    items = [
        ThreatItem(
            id=f.id,
            rule=f.rule,
            title=f.title,
            stride=tuple(str(s) for s in f.stride),
            severity=str(f.severity),
            target=str(f.target),
            status=str(f.status),
            description=f.description,
            mitigations=tuple(f.mitigations),
            layer=f.layer,
            justification=f.justification,
            owner=f.risk_owner,
            expires=f.expires,
        )
        for f in report.findings
    ]
    return sorted(items, key=lambda t: (-ThreatSeverity(t.severity).rank, t.id))


@dataclass(frozen=True)
class PathItem:
    """One attack path that lacks a layer its target requires."""

    entry: str
    entry_kind: str
    target: str
    what: str
    path: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class BlastItem:
    """What owning one component reaches."""

    component: str
    kind: str
    classification: str
    sensitive: int
    credentials: tuple[str, ...]
    calls: int
    opens: tuple[str, ...]


@dataclass(frozen=True)
class AttackItems:
    paths: tuple[PathItem, ...] = ()
    path_count: int = 0
    blast: tuple[BlastItem, ...] = ()


def attack_items(project: Project, paths: int = 100, blast: int = 15) -> AttackItems:
    """Weak attack paths (by entry, most layers missing first) and the largest blast
    radii, at most ``paths`` and ``blast`` of them; empty without a threat engine."""
    try:
        from archmodel.threats import report_for
    except ImportError:
        return AttackItems()
    report = report_for(project)
    weak = [p for p in report.paths if p.missing]
    weak.sort(key=lambda p: (p.entry.id, -len(p.missing), p.missing, p.target.id, str(p.target.cls)))
    return AttackItems(
        paths=tuple(
            PathItem(
                entry=p.entry.id,
                entry_kind=str(p.entry.kind),
                target=p.target.id,
                what=p.target.what,
                path=tuple(p.components),
                missing=tuple(str(x) for x in p.missing),
            )
            for p in weak[:paths]
        ),
        path_count=len(weak),
        blast=tuple(
            BlastItem(
                component=b.component,
                kind=b.kind,
                classification=b.classification,
                sensitive=b.sensitive,
                credentials=b.credentials,
                calls=len(b.calls),
                opens=b.opens,
            )
            for b in report.blast[:blast]
        ),
    )


def threat_rules() -> list[ThreatRuleItem]:
    """The threat rule catalog for the rules reference; [] without a threat engine."""
    try:
        from archmodel.threats import catalog
    except ImportError:
        return []
    return [
        ThreatRuleItem(
            id=r.id,
            title=r.title,
            stride=tuple(str(s) for s in r.stride),
            layer=r.layer,
            mitigations=tuple(r.mitigations),
            doc=r.doc,
            fix=r.fix,
        )
        for r in sorted(catalog(), key=lambda r: r.id)
    ]
