"""The indented JSON writer gives exactly the bytes of ``json.dumps(indent=2, sort_keys=True,
ensure_ascii=False)``, for any data and when subtrees repeat (its cache is keyed by them)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_terraform_escaping import NASTY

from archmodel.formats import jsontext

text = st.text() | st.sampled_from(NASTY)
leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
data = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(text, inner, max_size=4)
    ),
    max_leaves=25,
)


def expected(doc: Any) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(data)
def test_same_bytes_as_json(doc: Any) -> None:
    assert jsontext.dumps_sorted(doc) == expected(doc)


@settings(max_examples=200, deadline=None)
@given(data, data)
def test_a_repeated_subtree_is_indented_where_it_stands(a: Any, b: Any) -> None:
    """The same subtree at two depths (cached at the first) is indented for each."""
    doc = {"a": a, "deeper": {"x": [a, b]}, "b": b}
    assert jsontext.dumps_sorted(doc) == expected(doc)
    assert jsontext.dumps_sorted([doc, {"again": doc}]) == expected([doc, {"again": doc}])


def test_keys_that_are_not_strings_sort_as_json_sorts_them() -> None:
    doc = {"numbers": {10: "ten", 2: "two"}, "strings": {"10": "ten", "2": "two"}}
    assert jsontext.dumps_sorted(doc) == expected(doc)
