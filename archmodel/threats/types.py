"""The vocabulary of threat findings: STRIDE, severities, statuses and the Finding record.

Kept free of graph imports so that renderers and plugins can depend on it alone; STRIDE and
the severity scale are defined with the model and re-exported from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from archmodel.model.ref import Ref
from archmodel.model.stride import STRIDE_LETTER, Stride, ThreatSeverity

# The scale and STRIDE are model vocabulary (policies declare rules in them); listed
# here, lowest first, for renderers that group a register by severity.
SEVERITY_ORDER: tuple[ThreatSeverity, ...] = tuple(ThreatSeverity)


class Status(StrEnum):
    open = "open"
    accepted = "accepted"
    mitigated = "mitigated"
    false_positive = "false_positive"


@dataclass(frozen=True)
class Finding:
    """One threat on one target; ``id`` (rule + target) is stable across runs for baselines."""

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
    file: str | None = None
    line: int | None = None
    column: int | None = None
    justification: str | None = None
    risk_owner: str | None = None
    expires: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.target}"

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
        if self.justification is not None:
            record["justification"] = self.justification
        if self.risk_owner is not None:
            record["risk_owner"] = self.risk_owner
        if self.expires is not None:
            record["expires"] = self.expires
        return record


__all__ = [
    "SEVERITY_ORDER",
    "STRIDE_LETTER",
    "Finding",
    "Status",
    "Stride",
    "ThreatSeverity",
]
