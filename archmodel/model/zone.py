"""Trust zones: the boundaries that flows cross."""

from __future__ import annotations

from enum import StrEnum

from archmodel.model.base import Id, IdList, Named, Text


class Trust(StrEnum):
    untrusted = "untrusted"
    dmz = "dmz"
    internal = "internal"
    restricted = "restricted"


TRUST_RANK: dict[Trust, int] = {
    Trust.untrusted: 0,
    Trust.dmz: 1,
    Trust.internal: 2,
    Trust.restricted: 3,
}


class Zone(Named):
    """A trust boundary; its controls apply to every component inside it and its children."""

    id: Id
    trust: Trust
    parent: Id | None = None
    description: Text = ""
    controls: IdList
