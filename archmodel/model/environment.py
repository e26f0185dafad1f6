"""Environments the system is deployed to."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from archmodel.model.base import Element, Id, IdList, Int, Text
from archmodel.model.flow import FlowId


class Tier(StrEnum):
    dev = "dev"
    staging = "staging"
    prod = "prod"
    other = "other"


class Cloud(StrEnum):
    aws = "aws"
    gcp = "gcp"
    azure = "azure"
    onprem = "onprem"


class Addition(Element):
    """Controls one environment adds to one element: production's WAF in front of the load
    balancer, its certificate on one flow. Names exactly one of component, flow or zone."""

    component: Id | None = None
    flow: FlowId | None = None
    zone: Id | None = None
    controls: list[Id] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _one_target(cls, data: Any) -> Any:
        if isinstance(data, dict):
            named = [k for k in ("component", "flow", "zone") if k in data]
            if len(named) != 1:
                raise ValueError("name exactly one of `component`, `flow` or `zone`")
        return data

    @property
    def section(self) -> str:
        """The model section of the element it names."""
        return "components" if self.component else "flows" if self.flow else "zones"

    @property
    def target(self) -> str:
        return self.component or self.flow or self.zone or ""


class Environment(Element):
    """A deployment target; its controls apply to everything deployed there."""

    id: Id
    name: Text
    tier: Tier
    cloud: Cloud = Cloud.aws
    regions: list[Text] = Field(default_factory=list)
    availability_zones: Int = Field(default=1, ge=1, le=10)
    controls: IdList
    adds: list[Addition] = Field(
        default_factory=list, description="Controls this environment adds to single elements."
    )
    description: Text = ""
