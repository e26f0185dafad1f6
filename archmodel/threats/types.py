"""The vocabulary of threat findings: STRIDE, severities, statuses and the Finding record.

Kept free of graph imports so that renderers and plugins can depend on it alone; STRIDE and
the severity scale are defined with the model and re-exported from here.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Any

from archmodel.catalog import Severity
from archmodel.diagnostics import Located
from archmodel.model.ref import Ref
from archmodel.model.stride import STRIDE_LETTER, Stride, ThreatSeverity

# The scale and STRIDE are model vocabulary (policies declare rules in them); listed
# here, lowest first, for renderers that group a register by severity.
SEVERITY_ORDER: tuple[ThreatSeverity, ...] = tuple(ThreatSeverity)

# GitHub code scanning ranks security results by this CVSS-like score.
SECURITY_SEVERITY: dict[ThreatSeverity, str] = {
    ThreatSeverity.critical: "9.5",
    ThreatSeverity.high: "8.0",
    ThreatSeverity.medium: "5.5",
    ThreatSeverity.low: "3.0",
}
# How a threat shows among diagnostics: the levels every output format knows.
LEVEL: dict[ThreatSeverity, Severity] = {
    ThreatSeverity.critical: Severity.error,
    ThreatSeverity.high: Severity.error,
    ThreatSeverity.medium: Severity.warning,
    ThreatSeverity.low: Severity.info,
}


class Status(StrEnum):
    open = "open"
    accepted = "accepted"
    in_progress = "in_progress"
    mitigated = "mitigated"
    false_positive = "false_positive"


@dataclass(frozen=True)
class ModelChange:
    """A change to the model, not a control, that closes a finding: ``field`` (a dotted
    path below the element, such as ``deploy.digest``) set on every element of
    ``targets`` to any one of ``values``, or, when the model cannot know the value (an
    image's digest, a workload's size), to any valid value that ``value`` describes.

    Some gaps are facts written on elements, not missing controls: a flow that says
    ``authentication: none`` stays unauthenticated whatever controls its target lists,
    so only saying how the caller proves itself closes the finding. The change is
    structured so that a reader can apply it and a test can prove that it closes.
    """

    field: str
    values: tuple[str, ...]
    targets: tuple[Ref, ...]
    value: str = ""

    @property
    def choice(self) -> str:
        """``token or oauth2``, or the description of an open value."""
        return " or ".join(self.values) if self.values else self.value

    def __str__(self) -> str:
        """``authentication set to token or oauth2 on flow:a->b``: for text and CSV."""
        targets = ", ".join(str(t) for t in self.targets)
        return f"{self.field} set to {self.choice} on {targets}"

    def as_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"field": self.field, "values": list(self.values)}
        if self.value:
            record["value"] = self.value
        record["targets"] = [str(t) for t in self.targets]
        return record


@dataclass(frozen=True)
class Finding(Located):
    """One threat on one target; ``id`` (rule + target) is stable across runs for baselines.

    Like a ``Diagnostic``, a finding is ``Located`` (file, line, column) and
    ``Reportable`` (``code``, ``level``, ``text``, ``key``), so the SARIF and GitHub
    renderers treat both the same way.
    """

    rule: str
    title: str
    stride: tuple[Stride, ...]
    severity: ThreatSeverity
    target: Ref
    mitigations: tuple[str, ...]
    layer: str
    description: str
    fix: str
    cwe: tuple[str, ...] = ()
    capec: tuple[str, ...] = ()
    status: Status = Status.open
    justification: str | None = None
    risk_owner: str | None = None
    expires: str | None = None
    ticket: str | None = None
    checked_by: str | None = None
    # Model changes that close the finding, each alone (``mitigations`` are the controls
    # that do); both empty for a gap that wants a design change.
    changes: tuple[ModelChange, ...] = ()
    # Environments in which the finding is open (all it was found in, when none is open);
    # empty for a model without environments.
    environments: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # What set the severity: {"likelihood": [...], "impact": [...]} (threats.severity).
    factors: dict[str, list[str]] | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        # Kept once computed (rule and target never change): sorting, merging and
        # rendering ask for it several times per finding. Not a cached_property, whose
        # lock costs more than the formatting on Python 3.11.
        known: str | None = self.__dict__.get("_id")
        if known is None:
            known = self.__dict__["_id"] = f"{self.rule}:{self.target}"
        return known

    @property
    def code(self) -> str:
        return self.rule

    @property
    def level(self) -> Severity:
        return LEVEL[self.severity]

    @property
    def text(self) -> str:
        return f"{self.title}: {self.description} Fix: {self.fix}"

    @property
    def key(self) -> str:
        """What the finding is about, independent of where it is written."""
        return self.id

    @property
    def suppression(self) -> str | None:
        """Why a decided finding is not open (accepted, mitigated, false positive). A finding
        being fixed is not suppressed: code scanning keeps showing it until the fix lands."""
        if self.is_open or self.status is Status.in_progress:
            return None
        return self.justification or str(self.status)

    @property
    def properties(self) -> dict[str, str]:
        return {
            "severity": str(self.severity),
            "security-severity": SECURITY_SEVERITY[self.severity],
            "target": str(self.target),
            "status": str(self.status),
            **({"environments": ", ".join(self.environments)} if self.environments else {}),
            **({"factors": self.factors_text} if self.factors else {}),
        }

    @property
    def factors_text(self) -> str:
        """``likelihood: internet-facing, unauthenticated; impact: payment cards (restricted)``."""
        factors = self.factors or {}
        likely = ", ".join(factors.get("likelihood", ())) or "—"
        return f"likelihood: {likely}; impact: {', '.join(factors.get('impact', ())) or '—'}"

    @property
    def is_open(self) -> bool:
        return self.status is Status.open

    def sort_key(self) -> tuple[int, str]:
        """Most severe first, then by id: the order a reviewer reads a register in."""
        return (-self.severity.rank, self.id)

    def as_dict(self, file: str | None = None) -> dict[str, Any]:
        """The SPEC §4 record; ``file`` overrides the stored path (made relative by the caller)."""
        record: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "title": self.title,
            "stride": [str(s) for s in self.stride],
            "severity": str(self.severity),
            "target": str(self.target),
            "mitigations": list(self.mitigations),
            "layer": self.layer,
            "status": str(self.status),
            "description": self.description,
            "fix": self.fix,
            "cwe": list(self.cwe),
            "capec": list(self.capec),
            "file": file if file is not None else self.file,
            "line": self.line,
        }
        if self.changes:
            record["changes"] = [c.as_dict() for c in self.changes]
        if self.environments:
            record["environments"] = list(self.environments)
        if self.factors is not None:
            record["factors"] = {k: list(v) for k, v in self.factors.items()}
        if self.justification is not None:
            record["justification"] = self.justification
        if self.risk_owner is not None:
            record["risk_owner"] = self.risk_owner
        if self.expires is not None:
            record["expires"] = self.expires
        if self.ticket is not None:
            record["ticket"] = self.ticket
        if self.checked_by is not None:
            record["checked_by"] = self.checked_by
        return record


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Finding) if f.default is not MISSING}
_NAMES = frozenset(f.name for f in fields(Finding))


class FindingTemplate:
    """What one rule decides for all its findings (rule, title, STRIDE, layer, fix, CWE,
    CAPEC), set once: each finding copies those fields and adds its own, the ``varying``
    ones. A finding then costs two dictionary updates, not the frozen dataclass's
    ``__setattr__`` per field; that every field is set is checked once, here."""

    def __init__(self, varying: frozenset[str], **decided: Any) -> None:
        self._base = {**_DEFAULTS, **decided}
        if self._base.keys() | varying != _NAMES or not varying.isdisjoint(decided):
            raise TypeError(f"a finding takes exactly the fields {sorted(_NAMES)}")

    def __call__(self, **values: Any) -> Finding:
        """A finding with ``values`` for the varying fields (the caller names each of them:
        the rule engine, with one fixed set of names)."""
        made: Finding = object.__new__(Finding)
        state = made.__dict__
        state.update(self._base)
        state.update(values)
        return made


# Findings as another process sends them: the layouts of their fields (names in order)
# and, per finding in order, its layout, target section and id, and its field values
# with the target's left empty.
Packed = tuple[list[tuple[str, ...]], list[tuple[int, str, str, tuple[Any, ...]]]]


def packed(findings: list[Finding]) -> Packed:
    """Findings as rows of values. The engine makes them all with one layout of fields (a
    finding whose ``id`` was asked for has one more). Pickled, a row costs a third of the
    object: the names are written once, the target is two strings rather than an object,
    and values a rule's findings share (title, fix, factors...) are written once."""
    layouts: dict[tuple[str, ...], tuple[int, int]] = {}
    names: list[tuple[str, ...]] = []
    rows: list[tuple[int, str, str, tuple[Any, ...]]] = []
    for f in findings:
        state = f.__dict__
        keys = tuple(state)
        layout = layouts.get(keys)
        if layout is None:
            layout = layouts[keys] = (len(names), keys.index("target"))
            names.append(keys)
        values = list(state.values())
        values[layout[1]] = None
        rows.append((layout[0], f.target.section, f.target.id, tuple(values)))
    return names, rows


def unpacked(found: Packed) -> list[Finding]:
    """The findings ``packed`` made, in the same order, each field in its place."""
    names, rows = found
    out: list[Finding] = []
    for layout, section, element, values in rows:
        made: Finding = object.__new__(Finding)
        state = made.__dict__
        state.update(zip(names[layout], values, strict=True))
        state["target"] = Ref(section, element)
        out.append(made)
    return out


__all__ = [
    "SEVERITY_ORDER",
    "STRIDE_LETTER",
    "Finding",
    "ModelChange",
    "Status",
    "Stride",
    "ThreatSeverity",
]
