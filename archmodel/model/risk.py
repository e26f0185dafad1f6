"""Risks: decisions about threat findings (accepted, being fixed, mitigated, false positive)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from archmodel.model.base import Element, Text


class RiskStatus(StrEnum):
    accepted = "accepted"
    in_progress = "in_progress"
    mitigated = "mitigated"
    false_positive = "false_positive"


class Risk(Element):
    """A decision on findings; ``threat`` and ``target`` may be globs."""

    threat: Annotated[Text, Field(min_length=1, max_length=200)]
    target: Annotated[Text, Field(min_length=1, max_length=500)] = "*"
    status: RiskStatus
    justification: Text = ""
    owner: Text | None = None
    expires: Annotated[
        dt.date | None,
        Field(strict=False, description="Until when the decision holds (for in_progress: the due date)."),
    ] = None
    ticket: Text | None = Field(
        default=None, description="The work item that tracks the fix (URL or key); required for in_progress."
    )
    checked_by: Text | None = Field(
        default=None,
        description="Who verified the decision: the mitigation tested, the false positive confirmed.",
    )
