"""What a rule is, whatever checks it: code, kind, severity, title, doc and fix.

This module only describes rules. It holds no registry: each kind of rule lists its
own entries explicitly, and ``archmodel.findings.catalog`` assembles them into one
catalog, so which rules exist never depends on which modules a process imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class RuleKind(StrEnum):
    """Which command reports a rule: validate (validation, policy), threats or drift."""

    validation = "validation"
    threat = "threat"
    drift = "drift"
    policy = "policy"


@dataclass(frozen=True)
class RuleInfo:
    """One catalog entry. ``doc`` describes the anti-pattern, ``fix`` how to remove it;
    ``stride`` and ``security_severity`` are set for threat rules only."""

    code: str
    severity: Severity
    title: str
    doc: str
    kind: RuleKind = RuleKind.validation
    fix: str = ""
    stride: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    security_severity: str | None = None


def define(
    code: str,
    severity: Severity,
    title: str,
    doc: str,
    kind: RuleKind = RuleKind.validation,
    fix: str = "",
) -> RuleInfo:
    """A catalog entry; listing it in its kind's rule list is what makes it part of the catalog."""
    return RuleInfo(code, severity, title, doc, kind, fix)


def index(entries: Iterable[RuleInfo]) -> dict[str, RuleInfo]:
    """Entries by code, sorted; a code listed twice is a programming error."""
    out: dict[str, RuleInfo] = {}
    for info in entries:
        if info.code in out and out[info.code] != info:
            raise ValueError(f"rule code {info.code} defined twice")
        out[info.code] = info
    return dict(sorted(out.items()))
