"""Hypothesis: mutated models produce diagnostics, never exceptions."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.api import load_project

BASE: dict[str, Any] = {
    "archmodel": 1,
    "system": {"name": "Shop", "owner": "team"},
    "zones": [
        {"id": "internet", "name": "Internet", "trust": "untrusted"},
        {"id": "app", "name": "App", "trust": "internal", "controls": ["security_groups"]},
    ],
    "data": [{"id": "orders", "name": "Orders", "classification": "confidential"}],
    "components": [
        {"id": "users", "kind": "actor", "name": "Users", "zone": "internet"},
        {
            "id": "api",
            "kind": "service",
            "name": "API",
            "zone": "app",
            "controls": ["authentication"],
            "deploy": {"runtime": "container", "port": 8080, "replicas": 2},
        },
        {"id": "db", "kind": "database", "name": "DB", "zone": "app", "stores": ["orders"]},
    ],
    "flows": [
        {"from": "users", "to": "api", "protocol": "https", "port": 443},
        {"from": "api", "to": "db", "protocol": "sql", "port": 5432, "data": ["orders"]},
    ],
    "environments": [{"id": "prod", "name": "Prod", "tier": "prod", "availability_zones": 3}],
    "pipeline": {
        "stages": [
            {"id": "src", "kind": "source", "name": "Git"},
            {
                "id": "deploy",
                "kind": "deploy",
                "name": "Deploy",
                "needs": ["src"],
                "environment": "prod",
            },
        ]
    },
    "scenarios": [{"id": "order", "name": "Order", "steps": ["users->api", "api->db"]}],
    "risks": [{"threat": "AMT*", "target": "component:db", "status": "accepted", "justification": "ok"}],
}

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(BASE)


def _mutate(doc: dict[str, Any], path: tuple[Any, ...], action: str, junk: Any) -> None:
    parent: Any = doc
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = junk
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{key}x"] = parent.pop(key)
    elif action == "break_ref" and isinstance(parent[key], str):
        parent[key] = parent[key] + "_missing"


def _check(text: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "archmodel.yaml").write_bytes(text)
        checked = load_project(Path(tmp))
        for d in checked.diagnostics:
            assert d.file and d.line and d.column and d.code.startswith("AM")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(PATHS),
            st.sampled_from(["delete", "replace", "rename", "break_ref"]),
            JUNK,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_models_give_diagnostics(mutations: list[tuple[tuple[Any, ...], str, Any]]) -> None:
    doc = copy.deepcopy(BASE)
    for path, action, junk in mutations:
        try:
            _mutate(doc, path, action, junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    _check(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode())


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=8))
def test_junk_bytes_give_diagnostics(position: int, junk: bytes) -> None:
    text = yaml.safe_dump(BASE, sort_keys=False).encode()
    at = position % (len(text) + 1)
    _check(text[:at] + junk + text[at:])


def test_base_model_is_valid() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "archmodel.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False))
        assert load_project(Path(tmp)).diagnostics == []
