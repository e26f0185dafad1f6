"""The organisation's threat policy, written in the root file under ``x-policies``.

The key keeps its ``x-`` spelling (models written before it joined the schema stay valid),
but it is a section like any other: validated by the loader with located errors, and
read by the threat engine from the model, never from the file again.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict, StringConstraints

from archmodel.model.base import Bool, Element, Text
from archmodel.model.component import Criticality, Kind
from archmodel.model.controls import Layer
from archmodel.model.data import Classification
from archmodel.model.stride import Stride, ThreatSeverity
from archmodel.model.zone import Trust

POLICY_KEY = "x-policies"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]{1,9}[0-9]{3}$"
# Rule ids starting with this prefix belong to the built-in threat catalog.
BUILTIN_RULE_PREFIX = "AMT"

DEFAULT_REQUIRED_LAYERS: tuple[Layer, ...] = (
    Layer.application,
    Layer.api,
    Layer.network,
    Layer.data,
    Layer.identity,
)

RuleId = Annotated[str, Strict(), StringConstraints(pattern=RULE_ID_PATTERN)]
NonEmpty = Annotated[Text, StringConstraints(min_length=1)]


class Selector(Element):
    """Which components a policy rule applies to; every given key must match (AND)."""

    kind: list[Kind] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list, description="Any of these tags.")
    zone: list[Text] = Field(default_factory=list)
    trust: list[Trust] = Field(default_factory=list)
    technology: list[Text] = Field(default_factory=list, description="Globs.")
    public: Bool | None = None
    min_classification: Classification | None = None
    min_criticality: Criticality | None = None


class PolicyRule(Element):
    """An organisation rule: selected components need one of the required controls."""

    id: RuleId = Field(description="Not an `AMT` id: those belong to the built-in catalog.")
    title: NonEmpty
    stride: list[Stride] = Field(min_length=1)
    severity: ThreatSeverity
    select: Selector = Field(default_factory=Selector)
    require: list[Text] = Field(min_length=1, description="Any of these controls closes it.")
    fix: NonEmpty
    cwe: list[Text] = Field(default_factory=list)
    capec: list[Text] = Field(default_factory=list)


class Policies(Element):
    """The threat policy (root file only, key `x-policies`): layers a path to sensitive
    data needs, built-in rules switched off, and the organisation's own rules."""

    required_layers: list[Layer] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED_LAYERS),
        description="Layers a path from the internet to sensitive data must cross "
        "(default: application, api, network, data, identity).",
    )
    disable: list[Text] = Field(default_factory=list, description="Threat rule ids to switch off.")
    rules: list[PolicyRule] = Field(default_factory=list)
