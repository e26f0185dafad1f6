"""The block-layout locator finds exactly what PyYAML's composer marks, without composing."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from archmodel.load.locator import BlockLocator, node_child
from archmodel.load.positions import FilePositions

Path_ = tuple[Any, ...]


def composed(text: str, path: Path_, at_key: bool = False) -> tuple[int, int]:
    """What PyYAML's composer says (1-based): the reference the scanner must match."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    position = (node.start_mark.line, node.start_mark.column)
    for i, part in enumerate(path):
        found = node_child(node, part)
        if found is None:
            break
        key, node = found
        mark = (key if at_key and i == len(path) - 1 else node).start_mark
        position = (mark.line, mark.column)
    return position[0] + 1, position[1] + 1


def scanned(text: str, path: Path_, at_key: bool = False) -> tuple[int, int]:
    """What the scanner alone says (it must not fall back for these layouts)."""
    line, column = BlockLocator(text).locate(path, at_key)
    return line + 1, column + 1


def paths(data: Any, prefix: Path_ = ()) -> list[Path_]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths(value, (*prefix, key))
        out.append((*prefix, "missing"))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += paths(value, (*prefix, i))
        out.append((*prefix, len(data)))
    return out


BLOCK = """\
# leading comment
archmodel: 1
system:
  name: Shop   # trailing comment
components:
  - id: api
    kind: service

    # a comment between keys
    controls:
      - tls
      - mtls
    deploy:
      port: 8080
  -   id: db
      kind: database
  - plain scalar item
  -
    id: late
flows:
- from: api
  to: db
- {from: db, to: api}
"""

CASES: dict[str, tuple[str, Path_, tuple[int, int]]] = {
    "block mapping value": (BLOCK, ("system", "name"), (4, 9)),
    "block item": (BLOCK, ("components", 0), (6, 5)),
    "nested list item": (BLOCK, ("components", 0, "controls", 1), (12, 9)),
    "blank line and comment": (BLOCK, ("components", 0, "deploy", "port"), (14, 13)),
    "wide dash": (BLOCK, ("components", 1, "kind"), (16, 13)),
    "scalar item": (BLOCK, ("components", 2, "id"), (17, 5)),
    "item on next line": (BLOCK, ("components", 3, "id"), (19, 9)),
    "compact sequence": (BLOCK, ("flows", 0, "to"), (22, 7)),
    "flow item": (BLOCK, ("flows", 1, "to"), (23, 18)),
    "missing key": (BLOCK, ("components", 0, "zone"), (6, 5)),
    "flow mapping": ("zones: [{id: a, trust: dmz}, {id: b}]\n", ("zones", 1, "id"), (1, 35)),
    "flow over lines": ("zones: [\n  {id: a},\n  {id: b,\n   trust: x}]\n", ("zones", 1, "trust"), (4, 11)),
    "flow with quotes": ("a: {'x, ]': 1, \"y\": [2, 3]}\n", ("a", "y", 1), (1, 25)),
    "quoted keys": ("'it''s': 1\n\"dq\": {x: 2}\n", ("dq", "x"), (2, 11)),
    "literal block": ("a: |\n  b: 1\n  c: 2\nb: x\n", ("b",), (4, 4)),
    "folded multi-line": ("a: >-\n  - x\n  - y\nb:\n  c: 1\n", ("b", "c"), (5, 6)),
    "plain multi-line": ("a: one\n  two three\nb: 2\n", ("b",), (3, 4)),
    "anchor on block": ("x: &d\n  p: 1\ny: 2\n", ("x", "p"), (2, 6)),
    "anchor node start": ("x: &d\n  p: 1\ny: 2\n", ("x",), (1, 4)),
    "anchor on flow": ("x: &d [1, 2]\n", ("x", 1), (1, 11)),
    "empty value": ("a:\nb: 1\n", ("a",), (1, 3)),
    "empty item": ("a:\n  -\n  - 2\n", ("a", 0), (2, 4)),
    "at key": ("a:\n  key: 1\n", ("a", "key"), (2, 3)),
    "crlf": ("a:\r\n  b: 1\r\n  c: 2\r\n", ("a", "c"), (3, 6)),
    "document marker": ("%YAML 1.2\n---\na: 1\n", ("a",), (3, 4)),
    "unicode columns": ("a: {é: 1, ü: 2}\nb:\n  ñ: 3\n", ("a", "ü"), (1, 14)),
    "colon in value": ("a: http://x:80/y\nb: 1\n", ("b",), (2, 4)),
    "hash in key": ("a#b: 1\nc: 2 # c: 3\n", ("c",), (2, 4)),
    "json": ('{\n  "a": [\n    {"b": 1}\n  ]\n}\n', ("a", 0, "b"), (3, 11)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_scanner_matches_the_composer(name: str) -> None:
    text, path, expected = CASES[name]
    at_key = name == "at key"
    assert composed(text, path, at_key) == expected
    assert scanned(text, path, at_key) == expected
    assert FilePositions(text).locate(path, at_key) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {p: 1}\nb: *x\n",  # an alias points at its anchor
        "? a\n: 1\nb: 2\n",  # explicit key
        '"a\\tb": 1\nc: 2\n',  # escape in a quoted key
        "\ufeffa:\n  b: 1\n",  # BOM
        "a: 'x\u2028y'\nb: 1\n",  # a line break only PyYAML counts
    ],
)
def test_other_layouts_fall_back_to_the_composer(text: str) -> None:
    for path in paths(yaml.safe_load(text)):
        assert FilePositions(text).locate(path) == composed(text, path)
        assert FilePositions(text).locate(path, at_key=True) == composed(text, path, True)


KEYS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.sampled_from(["it's", "with space", "x-y", "a:b", "#h", "- d", "'q'", "k\\e", "é"]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["a\nb: c", "- x", "[1]", "{a: 1}", "# no", "x # y", "'", '"', "line\n  two"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.dictionaries(KEYS, DATA, min_size=1, max_size=4),
    flow=st.sampled_from([False, None]),
    indent=st.sampled_from([2, 4]),
    width=st.sampled_from([20, 80]),
)
def test_any_dumped_document(data: dict[str, Any], flow: bool | None, indent: int, width: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, indent=indent, width=width, allow_unicode=True)
    found = FilePositions(text)
    for path in paths(data):
        assert found.locate(path) == composed(text, path), (text, path)
        assert found.locate(path, at_key=True) == composed(text, path, True), (text, path)


@settings(max_examples=150, deadline=None)
@given(
    data=st.dictionaries(KEYS, DATA, min_size=1, max_size=4),
    flow=st.sampled_from([False, None]),
    comments=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 8)), max_size=5),
)
def test_comments_at_any_indentation(
    data: dict[str, Any], flow: bool | None, comments: list[tuple[int, int]]
) -> None:
    lines = yaml.safe_dump(data, default_flow_style=flow, width=30, allow_unicode=True).split("\n")
    for at, indent in comments:
        lines.insert(at % len(lines), " " * indent + "# note: x")
    text = "\n".join(lines)
    # A comment line ends a plain scalar folded over several lines: no longer YAML.
    assume(_parses(text))
    found = FilePositions(text)
    for path in paths(data):
        assert found.locate(path) == composed(text, path), (text, path)
        assert found.locate(path, at_key=True) == composed(text, path, True), (text, path)


def _parses(text: str) -> bool:
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    return True
