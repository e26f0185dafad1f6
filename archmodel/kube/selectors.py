"""Label selectors as Kubernetes evaluates them.

``matchLabels`` and ``matchExpressions`` (In, NotIn, Exists, DoesNotExist) are ANDed; an
empty or ``null`` selector selects everything. Getting ``matchLabels: null`` wrong turns a
namespace-wide default deny into a policy that selects nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


class SelectorError(ValueError):
    """A selector the API server would reject (unknown operator, missing values)."""


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        if self.operator == "In":
            return labels.get(self.key) in self.values
        return labels.get(self.key) not in self.values  # NotIn: a missing key matches

    def __str__(self) -> str:
        if self.operator in ("Exists", "DoesNotExist"):
            return f"{'!' if self.operator == 'DoesNotExist' else ''}{self.key}"
        if self.operator == "In" and len(self.values) == 1:
            return f"{self.key}={next(iter(self.values))}"
        return f"{self.key} {self.operator.lower()} ({','.join(sorted(self.values))})"


@dataclass(frozen=True)
class Selector:
    """A label selector; no requirement selects every object."""

    requirements: tuple[Requirement, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(r.matches(labels) for r in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements) or "{}"


def parse_selector(raw: Any) -> Selector:
    """A selector from YAML; ``None`` and ``{}`` select everything."""
    if raw is None:
        return Selector()
    if not isinstance(raw, dict):
        raise SelectorError(f"a label selector is a mapping, not {raw!r}")
    labels = raw.get("matchLabels") or {}
    if not isinstance(labels, dict):
        raise SelectorError(f"matchLabels is a mapping, not {labels!r}")
    reqs = [Requirement(str(k), "In", frozenset({str(v)})) for k, v in labels.items()]
    for expr in raw.get("matchExpressions") or []:
        reqs.append(_expression(expr))
    return Selector(tuple(reqs))


def _expression(expr: Any) -> Requirement:
    if not isinstance(expr, dict) or expr.get("operator") not in OPERATORS or "key" not in expr:
        raise SelectorError(f"matchExpressions entry {expr!r} needs a key and one of {sorted(OPERATORS)}")
    values = frozenset(str(v) for v in expr.get("values") or [])
    if expr["operator"] in ("In", "NotIn") and not values:
        raise SelectorError(f"matchExpressions {expr['key']} {expr['operator']} needs values")
    return Requirement(str(expr["key"]), str(expr["operator"]), values)
