"""The vocabulary threats are described in: STRIDE categories and threat severities.

It lives in the model because the ``x-policies`` section declares rules in these terms;
``archmodel.threats.types`` re-exports it for renderers and plugins.
"""

from __future__ import annotations

from enum import StrEnum

from archmodel.model.ranked import Ranked


class Stride(StrEnum):
    spoofing = "spoofing"
    tampering = "tampering"
    repudiation = "repudiation"
    information_disclosure = "information_disclosure"
    denial_of_service = "denial_of_service"
    elevation_of_privilege = "elevation_of_privilege"


STRIDE_LETTER: dict[Stride, str] = {
    Stride.spoofing: "S",
    Stride.tampering: "T",
    Stride.repudiation: "R",
    Stride.information_disclosure: "I",
    Stride.denial_of_service: "D",
    Stride.elevation_of_privilege: "E",
}


class ThreatSeverity(Ranked):
    """How bad a threat is, lowest first."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"
