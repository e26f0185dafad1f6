"""Ordered levels: trust, classification, criticality and threat severity.

Each scale is declared lowest first and that declaration *is* the order, so no module
keeps an order table of its own that could drift from the enum.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache, cached_property
from typing import Any, Self


@cache
def _positions(cls: type[Ranked]) -> dict[str, int]:
    return {member.value: number for number, member in enumerate(cls)}


@cache
def _members(cls: type[Ranked]) -> tuple[Any, ...]:
    return tuple(cls)


class Ranked(StrEnum):
    """A level on an ordered scale: ``rank`` counts from 0 and levels of one scale compare."""

    @cached_property
    def rank(self) -> int:
        # Kept on the member itself after the first look-up: findings and rules ask for
        # ranks hundreds of thousands of times on a large model.
        return _positions(type(self))[self.value]

    @classmethod
    def from_rank(cls, rank: int) -> Self:
        """Clamp a computed rank into the scale, so a level never falls off either end."""
        members: tuple[Self, ...] = _members(cls)
        return members[max(0, min(rank, len(members) - 1))]

    def _compare(self, other: Any) -> int | None:
        if type(other) is not type(self):
            return None
        return self.rank - other.rank

    def __lt__(self, other: Any) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff < 0

    def __le__(self, other: Any) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff <= 0

    def __gt__(self, other: Any) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff > 0

    def __ge__(self, other: Any) -> bool:
        diff = self._compare(other)
        return NotImplemented if diff is None else diff >= 0
