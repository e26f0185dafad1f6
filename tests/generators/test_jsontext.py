"""The indented JSON writer gives exactly the bytes of ``json.dumps(indent=2, sort_keys=True,
ensure_ascii=False)``, for any data and when subtrees repeat (its cache is keyed by them)."""

from __future__ import annotations

import json
from typing import Any

import pytest
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


@settings(max_examples=300, deadline=None)
@given(st.lists(data, max_size=5) | st.floats())
def test_the_line_encoder_writes_what_json_dumps_writes(values: Any) -> None:
    """One encoder, many values (the register's lines): each is ``json.dumps``'s text,
    non-finite floats included, and nothing of one value leaks into the next."""
    encode = jsontext.line_encoder()
    for value in values if isinstance(values, list) else [values]:
        assert encode(value) == json.dumps(value, ensure_ascii=False)


def test_the_line_encoder_refuses_what_json_refuses() -> None:
    encode = jsontext.line_encoder()
    loop: list[Any] = []
    loop.append(loop)
    for bad in (object(), loop):
        try:
            json.dumps(bad)
        except (TypeError, ValueError) as expected_error:
            with pytest.raises(type(expected_error)):
                encode(bad)
    assert encode({"after": "errors"}) == '{"after": "errors"}'  # the encoder is still sound


def test_a_refused_value_leaves_nothing_behind() -> None:
    """A value that failed half-way (a cycle, an unknown type) must not make the next
    value that reuses its objects look circular."""
    encode = jsontext.line_encoder()
    value: list[Any] = [[1], object()]
    with pytest.raises(TypeError):
        encode(value)
    value[1] = 2
    assert encode(value) == "[[1], 2]"
