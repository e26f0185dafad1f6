"""A typed reference to a model element, written ``component:api`` in reports and risks.

Findings, risks and diffs name their targets this way. Code passes ``Ref`` values and
asks for ``section`` and ``id`` instead of splitting the text again; ``str(ref)`` is the
text users write and read, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The word a reference starts with -> the model section it points into.
KINDS: dict[str, str] = {
    "component": "components",
    "flow": "flows",
    "stage": "stages",
    "environment": "environments",
    "zone": "zones",
    "data": "data",  # a data asset (an asset nothing uses)
    "system": "system",  # the model's one `system:` entry
    "path": "paths",  # components joined by '>': no section of its own
}
_WORD = {section: kind for kind, section in KINDS.items()}
PATH_SEPARATOR = ">"


@dataclass(frozen=True, order=True, init=False)
class Ref:
    """``section`` is the model section (``components``), ``id`` the element id (or glob)."""

    section: str
    id: str

    def __init__(self, section: str, id: str) -> None:
        # Both fields in one update: the frozen dataclass's own __init__ sets each through
        # object.__setattr__, twice the cost over the tens of thousands of findings of a
        # large model. Still frozen: assigning a field afterwards raises.
        self.__dict__.update(section=section, id=id)

    def __str__(self) -> str:
        # Kept once computed: reports write each target many times. Not a cached_property,
        # whose lock costs more than the formatting on Python 3.11.
        text: str | None = self.__dict__.get("_text")
        if text is None:
            text = self.__dict__["_text"] = f"{self.kind}:{self.id}" if self.section else self.id
        return text

    @property
    def kind(self) -> str:
        """The singular word written before the colon (``component``)."""
        return _WORD.get(self.section, self.section)

    @classmethod
    def parse(cls, text: str) -> Ref:
        """``component:api`` -> Ref("components", "api"); an unknown word is kept as written
        (validation reports it), and text without a colon has an empty section."""
        word, sep, rest = text.partition(":")
        if not sep:
            return cls("", text)
        return cls(KINDS.get(word, word), rest)

    @classmethod
    def component(cls, component_id: str) -> Ref:
        return cls("components", component_id)

    @classmethod
    def flow(cls, flow_id: str) -> Ref:
        return cls("flows", flow_id)

    @classmethod
    def stage(cls, stage_id: str) -> Ref:
        return cls("stages", stage_id)

    @classmethod
    def environment(cls, environment_id: str) -> Ref:
        return cls("environments", environment_id)

    @classmethod
    def data(cls, data_id: str) -> Ref:
        return cls("data", data_id)

    @classmethod
    def system(cls, system_id: str) -> Ref:
        return cls("system", system_id)

    @classmethod
    def path(cls, component_ids: Iterable[str]) -> Ref:
        return cls("paths", PATH_SEPARATOR.join(component_ids))

    @property
    def known_kind(self) -> bool:
        return self.section in _WORD
