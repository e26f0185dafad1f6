"""Data assets and their classification."""

from __future__ import annotations

from enum import StrEnum

from archmodel.model.base import Element, Id, Text
from archmodel.model.zone import Trust


class Classification(StrEnum):
    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"


CLASSIFICATION_RANK: dict[Classification, int] = {
    Classification.public: 0,
    Classification.internal: 1,
    Classification.confidential: 2,
    Classification.restricted: 3,
}

# The most sensitive classification that a zone of a given trust level may hold.
ZONE_MAY_HOLD: dict[Trust, Classification] = {
    Trust.untrusted: Classification.public,
    Trust.dmz: Classification.internal,
    Trust.internal: Classification.confidential,
    Trust.restricted: Classification.restricted,
}


class DataAsset(Element):
    """Something that flows between components or is stored by them."""

    id: Id
    name: Text
    classification: Classification
    description: Text = ""
