"""Trust zones: the boundaries that flows cross."""

from __future__ import annotations

from archmodel.model.base import Id, IdList, Named, Text
from archmodel.model.ranked import Ranked


class Trust(Ranked):
    """How far a zone is trusted, least first."""

    untrusted = "untrusted"
    dmz = "dmz"
    internal = "internal"
    restricted = "restricted"


class Zone(Named):
    """A trust boundary; its controls apply to every component inside it and its children."""

    id: Id
    trust: Trust
    parent: Id | None = None
    description: Text = ""
    controls: IdList
