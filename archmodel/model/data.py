"""Data assets and their classification."""

from __future__ import annotations

from archmodel.model.base import Element, Id, Text
from archmodel.model.ranked import Ranked
from archmodel.model.zone import Trust


class Classification(Ranked):
    """How sensitive data is, least first."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"


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
