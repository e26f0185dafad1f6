"""Hostile input to every command: exit 0, 1 or 2, no traceback, bounded time, nothing
written outside OUT, and no file in OUT that generate did not write changed.

A valid model is written as YAML and then attacked three ways: a hostile string in
place of one scalar, random bytes spliced into the file, and hostile file types where
model, manifest or infrastructure files are expected.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.cli.main import cli

BASE: dict[str, Any] = {
    "archmodel": 1,
    "system": {"name": "Shop", "owner": "team", "description": "A shop"},
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
            "technology": "python",
            "description": "Orders API",
            "controls": ["authentication", "tls"],
            "deploy": {"runtime": "container", "port": 8080, "replicas": 2, "image": "shop/api:1"},
        },
        {"id": "db", "kind": "database", "name": "DB", "zone": "app", "stores": ["orders"]},
        {"id": "loadgen", "kind": "service", "zone": "app", "environments": ["dev"]},
    ],
    "flows": [
        {"from": "users", "to": "api", "protocol": "https", "port": 443},
        {"from": "api", "to": "db", "protocol": "sql", "port": 5432, "data": ["orders"]},
        {"from": "loadgen", "to": "api", "protocol": "http", "environments": ["dev"]},
    ],
    "environments": [
        {"id": "dev", "name": "Dev", "tier": "dev"},
        {"id": "prod", "name": "Prod", "tier": "prod", "adds": [{"component": "api", "controls": ["waf"]}]},
    ],
    "pipeline": {
        "stages": [
            {"id": "src", "kind": "source", "name": "Git"},
            {"id": "gate", "kind": "approval", "name": "Gate", "needs": ["src"]},
            {"id": "deploy", "kind": "deploy", "name": "Deploy", "needs": ["gate"], "environment": "prod"},
        ]
    },
    "scenarios": [{"id": "order", "name": "Order", "steps": ["users->api", "api->db"]}],
    "risks": [
        {"threat": "AMT*", "target": "component:db", "status": "accepted", "justification": "reviewed"}
    ],
}

HOSTILE_TEXT = [
    "\n::error file=x,line=1::forged",
    "x\r::warning::forged",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<!--",
    "\n## Heading\n| a | b |",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(1)",
    "${var.secret}",
    "%{ if true }x%{ endif }",
    '"; rm -rf / #',
    "$(touch /tmp/pwned)",
    "`id`",
    "{{ .Values.x }}",
    "'\"\\",
    "\u202e\u200b\ufeff",
    "a" * 5000,
    "../../etc/passwd",
    "%0A%25",
    "-",
    "",
    " ",
    "null",
    "123456789012345678901234567890",
]


def _scalar_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalar_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _scalar_paths(value, (*path, i))
    else:
        yield path


PATHS = sorted(_scalar_paths(BASE), key=repr)


def _replaced(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data  # type: ignore[no-any-return]


def _snapshot(root: Path, skip: Path) -> dict[str, bytes]:
    found = {}
    for path in root.rglob("*"):
        if skip in path.parents or path == skip or not path.is_file() or path.is_symlink():
            continue
        found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


COMMANDS = [
    ["validate", "{m}", "--format", "github"],
    ["validate", "{m}", "--format", "sarif"],
    ["threats", "{m}", "--format", "md"],
    ["threats", "{m}", "--format", "github"],
    ["threats", "{m}", "--format", "csv"],
    ["generate", "{m}", "-o", "{o}", "--only", "threats,terraform,helm,ci,docs"],
    ["generate", "{m}", "-o", "{o}", "--only", "diagrams", "--view", "dataflow"],
    ["check", "{m}", "-o", "{o}", "--only", "threats"],
    ["drift", "{m}", "--k8s", "{k}"],
    ["diff", "{b}", "{m}"],
    ["validate", "{m}", "--env", "prod"],
    ["threats", "{m}", "--env", "dev", "--format", "json"],
    ["generate", "{m}", "-o", "{o}", "--only", "terraform,helm", "--env", "prod"],
]
LIMIT_SECONDS = 60.0


def _run_all(workdir: Path, model_text: bytes) -> None:
    model, out, k8s, base = workdir / "m", workdir / "out", workdir / "k8s", workdir / "base"
    for directory in (model, out, k8s, base):
        directory.mkdir(parents=True, exist_ok=True)
    (model / "archmodel.yaml").write_bytes(model_text)
    (base / "archmodel.yaml").write_text(yaml.safe_dump(BASE))
    (k8s / "policy.yaml").write_text("kind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: {}}\n")
    (out / "mine.txt").write_text("a user's own file")
    outside = _snapshot(workdir, out)
    mine = (out / "mine.txt").read_bytes()
    for template in COMMANDS:
        args = [a.format(m=model, o=out, k=k8s, b=base) for a in template]
        start = time.monotonic()
        result = CliRunner().invoke(cli, args)
        elapsed = time.monotonic() - start
        assert result.exit_code in (0, 1, 2), (args, result.output[-2000:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            repr(result.exception),
        )
        assert elapsed < LIMIT_SECONDS, (args, elapsed)
        assert _snapshot(workdir, out) == outside, args
        assert (out / "mine.txt").read_bytes() == mine, args


SETTINGS = settings(
    max_examples=int(os.environ.get("ARCHMODEL_HOSTILE_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(path=st.sampled_from(PATHS), text=st.sampled_from(HOSTILE_TEXT) | st.text(max_size=40))
def test_a_hostile_string_anywhere(
    tmp_path_factory: pytest.TempPathFactory, path: tuple[Any, ...], text: str
) -> None:
    model = yaml.safe_dump(_replaced(path, text), allow_unicode=True).encode("utf-8")
    _run_all(tmp_path_factory.mktemp("hostile"), model)


@SETTINGS
@given(data=st.data())
def test_hostile_bytes_spliced_in(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    text = yaml.safe_dump(BASE).encode("utf-8")
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    junk = data.draw(
        st.binary(min_size=1, max_size=12)
        | st.sampled_from([b"\x00", b"\t", b"&a *a", b"!!python/object:os.system [id]", b"\r\n  - :"])
    )
    _run_all(tmp_path_factory.mktemp("bytes"), text[:at] + junk + text[at:])


@SETTINGS
@given(env=st.sampled_from(HOSTILE_TEXT) | st.text(max_size=40))
def test_a_hostile_environment_name(tmp_path_factory: pytest.TempPathFactory, env: str) -> None:
    """`--env` takes any text: an unknown name is a usage error, never a traceback."""
    workdir = tmp_path_factory.mktemp("env")
    (workdir / "archmodel.yaml").write_text(yaml.safe_dump(BASE))
    for command in (["validate"], ["threats"], ["generate", "-o", str(workdir / "out")]):
        result = CliRunner().invoke(cli, [command[0], str(workdir), *command[1:], "--env", env])
        assert result.exit_code in (0, 1, 2), (command, env, result.output[-2000:])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if env not in ("dev", "prod"):
            assert result.exit_code == 2, (command, env)
