"""The delivery pipeline: a DAG of stages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archmodel.model.base import Element, Id, IdList, Text


class StageKind(StrEnum):
    source = "source"
    build = "build"
    test = "test"
    scan = "scan"
    publish = "publish"
    deploy = "deploy"
    verify = "verify"
    approval = "approval"
    monitor = "monitor"


class Stage(Element):
    id: Id
    kind: StageKind
    name: Text
    needs: IdList
    environment: Id | None = None
    tool: Text | None = None
    description: Text = ""


class Pipeline(Element):
    stages: list[Stage] = Field(default_factory=list)
