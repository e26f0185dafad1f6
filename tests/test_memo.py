"""Memo tables stay bounded and never change what is emitted, however many strings pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archmodel.formats import hcl, yaml
from archmodel.formats.memo import remember


def test_a_full_table_is_emptied_before_it_takes_the_next_entry() -> None:
    table: dict[str, int] = {}
    for i in range(7):
        assert remember(table, f"k{i}", i, limit=3) == i
        assert len(table) <= 3 and table[f"k{i}"] == i
    assert table == {"k6": 6}  # emptied at k3 and at k6


@given(st.lists(st.text(max_size=12), max_size=40))
def test_quoting_past_the_bound_writes_what_an_empty_table_writes(texts: list[str]) -> None:
    """More distinct strings than a table holds: every one is still quoted as it would be
    alone, and the tables never outgrow their bound."""
    alone = []
    for text in texts:
        hcl._QUOTED.clear()
        yaml._STR_CACHE.clear()
        alone.append((hcl.quote(text), yaml.scalar(text)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hcl, "MEMO_LIMIT", 3)
        patch.setattr(yaml, "MEMO_LIMIT", 3)
        hcl._QUOTED.clear()
        yaml._STR_CACHE.clear()
        bounded = []
        for text in texts:
            bounded.append((hcl.quote(text), yaml.scalar(text)))
            assert len(hcl._QUOTED) <= 3 and len(yaml._STR_CACHE) <= 3
    assert bounded == alone
