"""The catalog of diagnostic codes: every check registers its code, severity and doc here.

Keeping one registry lets the CLI, SARIF output and the docs list every rule without
knowing which module implements it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    severity: Severity
    title: str
    doc: str


RULES: dict[str, RuleInfo] = {}


def define(code: str, severity: Severity, title: str, doc: str) -> RuleInfo:
    """Register a diagnostic code once; a second registration is a programming error."""
    if code in RULES:
        raise ValueError(f"diagnostic code {code} defined twice")
    info = RuleInfo(code, severity, title, doc)
    RULES[code] = info
    return info


# Modules that register codes when imported; listed so every consumer sees all of them.
_PROVIDERS = ("archmodel.load.codes", "archmodel.rules", "archmodel.drift.compare")


def all_rules() -> dict[str, RuleInfo]:
    """Every registered code, whichever modules this process happened to import."""
    import importlib

    for name in _PROVIDERS:
        importlib.import_module(name)
    return dict(sorted(RULES.items()))
