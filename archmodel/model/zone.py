"""Trust zones: the boundaries that flows cross."""

from __future__ import annotations

from enum import StrEnum

from archmodel.model.base import Element, Id, IdList, Text


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


class Zone(Element):
    """A trust boundary; its controls apply to every component inside it and its children."""

    id: Id
    name: Text
    trust: Trust
    parent: Id | None = None
    description: Text = ""
    controls: IdList
