"""Threat policy: which layers a path to sensitive data needs, which rules are off, and
organisation rules written in the model's ``x-policies`` key.

The model schema has no ``policies`` section yet, so the policy is read from the root
file's ``x-policies`` (a user key the loader ignores). It is validated here with pydantic
and every problem becomes a diagnostic that names its line, like any model error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archmodel.diagnostics import Diagnostic, diag
from archmodel.load.positions import locate
from archmodel.load.reader import read
from archmodel.model import Classification, Criticality, Kind, Layer, Trust
from archmodel.threats.problems import POLICY_INVALID
from archmodel.threats.types import Stride, ThreatSeverity

DEFAULT_REQUIRED_LAYERS: tuple[Layer, ...] = (
    Layer.application,
    Layer.api,
    Layer.network,
    Layer.data,
    Layer.identity,
)
POLICY_KEY = "x-policies"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(_Strict):
    """Which components a policy rule applies to; every given key must match (AND)."""

    kind: list[Kind] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="any of these tags")
    zone: list[str] = Field(default_factory=list)
    trust: list[Trust] = Field(default_factory=list)
    technology: list[str] = Field(default_factory=list, description="globs")
    public: bool | None = None
    min_classification: Classification | None = None
    min_criticality: Criticality | None = None


class PolicyRule(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,9}[0-9]{3}$")
    title: str = Field(min_length=1)
    stride: list[Stride] = Field(min_length=1)
    severity: ThreatSeverity
    select: Selector = Field(default_factory=Selector)
    require: list[str] = Field(min_length=1, description="any of these controls closes it")
    fix: str = Field(min_length=1)
    cwe: list[str] = Field(default_factory=list)
    capec: list[str] = Field(default_factory=list)


class PolicyDocument(_Strict):
    required_layers: list[Layer] = Field(default_factory=lambda: list(DEFAULT_REQUIRED_LAYERS))
    disable: list[str] = Field(default_factory=list)
    rules: list[PolicyRule] = Field(default_factory=list)


@dataclass(frozen=True)
class Policy:
    required_layers: tuple[Layer, ...] = DEFAULT_REQUIRED_LAYERS
    disabled: frozenset[str] = frozenset()
    rules: tuple[PolicyRule, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)


def read_policy(root: Path) -> Policy:
    """The policy of a model's root file; the default policy when it declares none."""
    data, problems, _ = read(root)
    if problems or not isinstance(data, dict) or data.get(POLICY_KEY) is None:
        return Policy()
    try:
        doc = PolicyDocument.model_validate(data[POLICY_KEY])
    except ValidationError as exc:
        return Policy(diagnostics=tuple(_diagnostics(exc, str(root))))
    return Policy(
        required_layers=tuple(dict.fromkeys(doc.required_layers)),
        disabled=frozenset(doc.disable),
        rules=tuple(doc.rules),
    )


def _diagnostics(exc: ValidationError, file: str) -> list[Diagnostic]:
    out = []
    for error in exc.errors():
        path: tuple[Any, ...] = (POLICY_KEY, *error["loc"])
        line, column = locate(file, path)
        where = ".".join(str(p) for p in error["loc"]) or POLICY_KEY
        out.append(
            diag(
                POLICY_INVALID,
                f"{POLICY_KEY}: {where}: {error['msg']}",
                file=file,
                line=line,
                column=column,
            )
        )
    return out
