"""Property: generation is deterministic and `check` sees any change to its output."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.cli.main import cli

KINDS = ["service", "function", "database", "cache", "queue", "object_store", "load_balancer"]
PROTOCOLS = ["https", "grpcs", "http", "sql", "redis", "kafka", "tcp"]
KINDS_TO_GENERATE = "ci,diagrams,docs,helm,terraform,threats"


@st.composite
def models(draw: st.DrawFn) -> dict[str, Any]:
    """Small valid models: an actor, components in internal zones, flows between them."""
    n = draw(st.integers(min_value=1, max_value=6))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    components: list[dict[str, Any]] = [{"id": "users", "kind": "actor", "name": "Users", "zone": "internet"}]
    for i, kind in enumerate(kinds):
        component: dict[str, Any] = {
            "id": f"c{i}",
            "kind": kind,
            "name": draw(st.text(min_size=1, max_size=12)),
            "zone": draw(st.sampled_from(["app", "data"])),
        }
        if kind == "service":
            component["deploy"] = {"runtime": "container", "port": 8080, "replicas": 2}
        components.append(component)
    flows = [{"from": "users", "to": "lb", "protocol": "https", "port": 443}]
    components.append({"id": "lb", "kind": "load_balancer", "name": "LB", "zone": "app", "public": True})
    for i in range(n):
        flows.append({"from": "lb", "to": f"c{i}", "protocol": draw(st.sampled_from(PROTOCOLS))})
    return {
        "archmodel": 1,
        "system": {"name": draw(st.text(min_size=1, max_size=20))},
        "zones": [
            {"id": "internet", "name": "Internet", "trust": "untrusted"},
            {"id": "app", "name": "App", "trust": "internal"},
            {"id": "data", "name": "Data", "trust": "restricted", "parent": "app"},
        ],
        "components": components,
        "flows": flows,
        "environments": [{"id": "prod", "name": "Prod", "tier": "prod", "availability_zones": 2}],
        "pipeline": {
            "stages": [
                {"id": "src", "kind": "source", "name": "Git"},
                {"id": "deploy", "kind": "deploy", "name": "Deploy", "needs": ["src"], "environment": "prod"},
            ]
        },
    }


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=models(), data=st.data())
def test_generate_is_deterministic_and_check_detects_edits(
    model: dict[str, Any], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "m").mkdir()
        # JSON (ASCII, escapes for the rest) is YAML 1.2 with every string quoted: PyYAML writes
        # strings such as ``0E0`` unquoted, and a YAML 1.2 reader rightly reads a float.
        (root / "m" / "archmodel.yaml").write_text(json.dumps(model), encoding="utf-8")
        first, second = root / "a", root / "b"
        for out in (first, second):
            code, _ = _run("generate", str(root / "m"), "-o", str(out), "--only", KINDS_TO_GENERATE)
            assert code == 0
        files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
        for rel in files:
            assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
        assert _run("check", str(root / "m"), "-o", str(first), "--only", KINDS_TO_GENERATE)[0] == 0
        victim = first / data.draw(
            st.sampled_from([f for f in files if f.name != ".archmodel-manifest.json"])
        )
        content = bytearray(victim.read_bytes())
        at = data.draw(st.integers(min_value=0, max_value=len(content) - 1))
        content[at] = (content[at] + 1) % 256
        victim.write_bytes(bytes(content))
        code, out = _run("check", str(root / "m"), "-o", str(first), "--only", KINDS_TO_GENERATE)
        assert code == 1
        assert f"stale: {victim}" in out
