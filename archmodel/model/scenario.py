"""Scenarios: ordered business flows over the modelled flows."""

from __future__ import annotations

from pydantic import Field

from archmodel.model.base import Element, Id, Text
from archmodel.model.flow import FlowId


class Scenario(Element):
    id: Id
    name: Text
    description: Text = ""
    steps: list[FlowId] = Field(min_length=1)
