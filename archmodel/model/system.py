"""The system the model describes."""

from __future__ import annotations

from archmodel.model.base import Element, Id, Text


class System(Element):
    id: Id | None = None
    name: Text
    description: Text = ""
    owner: Text | None = None

    @property
    def ref_id(self) -> str:
        """The id written after ``system:`` in findings and risks (``system`` when unset)."""
        return self.id or "system"
