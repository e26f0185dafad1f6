"""One model file as written on disk, and the merged model built from all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field

from archmodel.model.base import Element, Text
from archmodel.model.component import Component
from archmodel.model.controls import Control
from archmodel.model.data import DataAsset
from archmodel.model.environment import Environment
from archmodel.model.flow import Flow
from archmodel.model.pipeline import Pipeline, Stage
from archmodel.model.policy import POLICY_KEY, Policies
from archmodel.model.risk import Risk
from archmodel.model.scenario import Scenario
from archmodel.model.system import System
from archmodel.model.zone import Zone

FORMAT_VERSION = 1


class Document(Element):
    """A model file. ``archmodel``, ``system`` and ``x-policies`` belong to the root file only."""

    archmodel: Literal[1] | None = Field(default=None, description="Format version (root only).")
    system: System | None = None
    include: list[Annotated[Text, Field(min_length=1)]] = Field(
        default_factory=list, description="Paths or globs, relative to this file."
    )
    zones: list[Zone] = Field(default_factory=list)
    data: list[DataAsset] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    environments: list[Environment] = Field(default_factory=list)
    pipeline: Pipeline | None = None
    scenarios: list[Scenario] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    policies: Policies | None = Field(
        default=None, alias=POLICY_KEY, description="Threat policy (root only)."
    )


# Sections that hold lists of identified elements, in the order they are validated.
LIST_SECTIONS: dict[str, type[Element]] = {
    "zones": Zone,
    "data": DataAsset,
    "controls": Control,
    "components": Component,
    "flows": Flow,
    "environments": Environment,
    "scenarios": Scenario,
    "risks": Risk,
}


@dataclass
class Model:
    """All files merged: what rules, threats and generators read."""

    system: System
    zones: list[Zone] = field(default_factory=list)
    data: list[DataAsset] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    environments: list[Environment] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    policies: Policies = field(default_factory=Policies)
    # Set on one environment's view (``model.view``): the environment it shows.
    environment: str | None = None
