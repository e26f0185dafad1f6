"""Data assets: their classification, what kind of data they are, and whose they are."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archmodel.model.base import Id, Named, Text
from archmodel.model.ranked import Ranked
from archmodel.model.zone import Trust


class Classification(Ranked):
    """How sensitive data is, least first."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"


# The most sensitive classification that a zone of a given trust level is meant to hold;
# data above it is a threat finding (AMT161), never a validation error.
ZONE_MAY_HOLD: dict[Trust, Classification] = {
    Trust.untrusted: Classification.public,
    Trust.dmz: Classification.internal,
    Trust.internal: Classification.confidential,
    Trust.restricted: Classification.restricted,
}


class DataCategory(StrEnum):
    """What kind of data an asset is; rules look at this, never at the asset's name."""

    credentials = "credentials"
    secrets = "secrets"
    personal = "personal"
    payment_card = "payment_card"
    health = "health"
    financial = "financial"
    session = "session"
    telemetry = "telemetry"
    business = "business"
    content = "content"


# Categories that are access secrets: they belong in a secrets vault.
SECRET_CATEGORIES = frozenset({DataCategory.credentials, DataCategory.secrets})


class DataAsset(Named):
    """Something that flows between components or is stored by them."""

    id: Id
    classification: Classification
    category: list[DataCategory] = Field(default_factory=list, description="What kind of data it is.")
    owner: Id | list[Id] | None = Field(
        default=None,
        description="The component (usually an actor) the data belongs to and comes from, or "
        "a list of them (a person's phone app and browser): returning it to one of them is no "
        "disclosure.",
    )
    description: Text = ""

    @property
    def owners(self) -> tuple[str, ...]:
        """``owner`` as a tuple, whichever way it is written: a person reaches us through
        several clients (an app and a browser), and the data is theirs on each."""
        if self.owner is None:
            return ()
        return (self.owner,) if isinstance(self.owner, str) else tuple(self.owner)
