"""The one catalog: every rule of every kind, assembled from explicit lists.

Each kind keeps its rules next to its checks and lists them in one place (loader codes,
``validation_rules``, ``installed_rules``, drift ``RULES``, policy ``PROBLEMS``); this
function is the only place that puts them together, so `archmodel rules`, the SARIF of
every command and the reference docs all see the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.catalog import RuleInfo, RuleKind, index
from archmodel.drift.compare import RULES as DRIFT_RULES
from archmodel.drift.kube_rules import KUBE_RULES
from archmodel.load import codes as load_codes
from archmodel.rules import validation_rules
from archmodel.threats import installed_rules
from archmodel.threats.problems import PROBLEMS


def _loader_codes() -> Iterator[RuleInfo]:
    """Reading and schema codes: the entries ``archmodel.load.codes`` defines."""
    return (v for v in vars(load_codes).values() if isinstance(v, RuleInfo))


def rule_catalog(kind: RuleKind | None = None) -> dict[str, RuleInfo]:
    """Every rule by code (of one kind when given), sorted by code."""
    entries = [
        *_loader_codes(),
        *(r.info for r in validation_rules()),
        *(r.info for r in installed_rules().values()),
        *DRIFT_RULES,
        *KUBE_RULES,
        *PROBLEMS,
    ]
    return {code: info for code, info in index(entries).items() if kind is None or info.kind is kind}
