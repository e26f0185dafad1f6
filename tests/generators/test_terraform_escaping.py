"""Hostile model text (names, descriptions, technology, images) cannot break the
generated HCL or YAML, and arrives intact. ``hostile_graph`` is shared with the Helm
and CI escaping tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.formats.hcl import quote
from archmodel.model import Component, Environment, Flow, Model, Stage, System
from archmodel.project import Project
from archmodel.runner import NoOptions

hcl2 = pytest.importorskip("hcl2")

NASTY = [
    "${",
    "%{",
    "}",
    '"',
    "\\",
    "\n",
    "\r\n",
    "\t",
    "'",
    "{{",
    "}}",
    "${{",
    "#",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!python/object",
    "\x00",
    "\u2028",
    "\x85",
    "é",
    "😀",
    "<script>",
    "---",
    "...",
]
hostile = st.lists(st.sampled_from(NASTY) | st.text(max_size=8), min_size=1, max_size=6).map("".join)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def hostile_graph(name: str, description: str, technology: str, image: str) -> Project:
    deploy = {"runtime": "container", "image": image, "port": 8080, "cpu": "250m", "memory": "256Mi"}
    components = [
        Component(id="lb", kind="load_balancer", name=name, description=description, public=True),
        Component(
            id="api", kind="service", name=name, description=description, technology=technology, deploy=deploy
        ),
        Component(id="db", kind="database", name=name, description=description, technology=technology),
        Component(id="bucket", kind="object_store", name=name, description=description),
    ]
    flows = [
        Flow.model_validate({"from": "lb", "to": "api", "protocol": "https"}),
        Flow.model_validate({"from": "api", "to": "db", "protocol": "sql"}),
    ]
    model = Model(
        system=System(name=name, description=description),
        components=components,
        flows=flows,
        environments=[Environment(id="prod", name=name, tier="prod", regions=[technology])],
        stages=[
            Stage(id="build", kind="build", name=name, tool=technology),
            Stage(
                id="deploy", kind="deploy", name=name, environment="prod", needs=["build"], tool=technology
            ),
        ],
    )
    return Project.from_model(model)


_HCL_ESCAPE = re.compile(r'\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\$\$\{|%%\{')
_SIMPLE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def hcl_unescape(text: str) -> str:
    """The string a python-hcl2 value (kept with its escapes) stands for."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("$${", "%%{"):
            return token[1:]
        code = match.group(1)
        return _SIMPLE.get(code) or chr(int(code[1:], 16))

    return _HCL_ESCAPE.sub(one, text)


@SETTINGS
@given(name=hostile, description=hostile, technology=hostile, image=hostile)
def test_terraform_survives_hostile_text(name: str, description: str, technology: str, image: str) -> None:
    from archmodel.generators.terraform import generate

    files = {
        str(p): b
        for p, b in generate(hostile_graph(name, description, technology, image), NoOptions()).items()
    }
    for content in files.values():
        hcl2.loads(content.decode("utf-8"))  # every file still parses
    # python-hcl2 keeps escapes only partly decoded, so look for the exact literals and
    # decode them by HCL's rules: the Name tag, the prod region, the image.
    checks = [(name, "api.gen.tf"), (technology, "prod.tfvars")]
    checks += [(image, "api.gen.tf")] if image else []  # an empty image means "none": a variable is used
    for text, path in checks:
        literal = quote(text)
        assert literal in files[f"terraform/{path}"].decode()
        assert hcl_unescape(literal[1:-1]) == text
