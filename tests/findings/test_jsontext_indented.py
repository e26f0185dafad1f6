"""The indented JSON writer: the same bytes as ``json.dumps(indent=2, ensure_ascii=False)``."""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Any

import pytest

from archmodel.formats.jsontext import Encoded, dumps_indented, line_encoder


class Colour(StrEnum):
    red = "red"


class Level(IntEnum):
    two = 2


CASES: list[Any] = [
    {},
    [],
    "",
    None,
    True,
    0,
    -7,
    1.5,
    1e-30,
    {"a": [], "b": {}, "c": [1, [2, [3, {}]]], "d": {"e": {"f": None}}},
    {'quote"back\\slash': "line\nbreak\ttab\x00\x1f\u2028 é 😀 </script>"},
    [Colour.red, Level.two, (1, "two", (3.25,)), False],
    {"$schema": "x", "runs": [{"results": [{"level": "note", "locations": [{"region": {"startLine": 1}}]}]}]},
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_same_bytes_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [{1: "int key"}, {"x": float("nan")}, [float("inf")], {None: 1}])
def test_what_it_does_not_lay_out_falls_back_to_json(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert dumps_indented(value, end="\n") == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_the_end_follows_the_document(value: Any) -> None:
    assert dumps_indented(value, end="\n") == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_values_json_cannot_write_still_fail() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"x": object()})
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError):
        dumps_indented(loop)


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_encoded_values_stand_as_written_and_read_back_the_same(value: Any) -> None:
    """Each item of a list written ahead by the line encoder: one line each, at the list's
    indent, and the document reads back as the values themselves; where the layout falls
    back to ``json``, the values still read back."""
    encode = line_encoder()
    for doc in (
        {"results": [Encoded(encode(value)), Encoded(encode(value))]},
        {"nan": float("nan"), "x": [Encoded(encode(value))]},
    ):
        text = dumps_indented(doc)
        assert json.loads(text)["results" if "results" in doc else "x"][0] == json.loads(json.dumps(value))
    text = dumps_indented({"results": [Encoded(encode(value))]})
    assert text.split("\n")[2] == "    " + json.dumps(value, ensure_ascii=False)
