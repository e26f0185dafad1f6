"""The Helm generator's YAML emitter round-trips any plain data through PyYAML."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_terraform_escaping import NASTY

from archmodel.generators.helm.yaml_block import dump, flow

text = st.text() | st.sampled_from(
    [
        *NASTY,
        "yes",
        "No",
        "null",
        "~",
        "1",
        "0x1f",
        "1e3",
        ".inf",
        "-",
        "a: b",
        "- x",
        "2024-01-01",
        "@x",
        "`x",
    ]
)
scalars = st.none() | st.booleans() | st.integers() | text
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(data)
def test_block_dump_round_trips(value: object) -> None:
    assert yaml.safe_load(dump(value)) == value


@settings(max_examples=200, deadline=None)
@given(data)
def test_flow_value_round_trips(value: object) -> None:
    assert yaml.safe_load(f"key: {flow(value)}\n") == {"key": value}


def test_block_style_like_pyyaml() -> None:
    doc = {"b": [{"x": 1, "w": "z"}, "v"], "a": {"c": True, "d": []}}
    assert dump(doc) == yaml.safe_dump(doc, sort_keys=True, default_flow_style=False)
