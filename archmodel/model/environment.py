"""Environments the system is deployed to."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archmodel.model.base import Element, Id, IdList, Int, Text


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


class Environment(Element):
    """A deployment target; its controls apply to everything deployed there."""

    id: Id
    name: Text
    tier: Tier
    cloud: Cloud = Cloud.aws
    regions: list[Text] = Field(default_factory=list)
    availability_zones: Int = Field(default=1, ge=1, le=10)
    controls: IdList
    description: Text = ""
