"""Memo tables for the text emitters: bounded, and linear in the work however large.

A model's strings recur across thousands of blocks (a component's tags in each of its
resources, zone names, ids), so the emitters keep what they made in plain dicts, read
with ``dict.get`` on the hot path. A table that stopped taking entries at its bound
would, past the bound, compute every new string again each time it recurs, so a large
model's output would cost more per component than a small one's. A full table is
emptied and starts over instead: what recurs close together (one component's blocks) or
everywhere (the model's common strings) is cached again within a use or two, and the
memory stays bounded in a long-lived process.
"""

from __future__ import annotations

from typing import TypeVar

# Entries per table (and per ``lru_cache`` of a per-string escape): the distinct strings
# of a model of well over 100k components fit, so memoised work grows with the model
# instead of falling off a cliff where a model's strings outgrow the table.
MEMO_LIMIT = 1 << 20

K = TypeVar("K")
V = TypeVar("V")


def remember(table: dict[K, V], key: K, value: V, limit: int) -> V:
    """``value``, kept in ``table`` under ``key``; a table at ``limit`` entries is emptied first."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value
