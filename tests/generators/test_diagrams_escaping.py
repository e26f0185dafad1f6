"""Hostile user text cannot break DOT or Mermaid syntax, nor inject markup into SVG."""

from __future__ import annotations

import re
import subprocess

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archmodel.generation import GenerateOptions
from archmodel.generators.diagrams import generate
from archmodel.generators.diagrams.escape import mermaid_id
from archmodel.model import Component, Flow, Model, Scenario, System, Zone
from archmodel.project import Project

HOSTILE = [
    '"',
    "\\",
    '\\"',
    "-->",
    "[x]",
    "{y}",
    "(z)",
    "|",
    "<script>alert(1)</script>",
    "\n",
    "\r\n",
    "#",
    ";",
    "%%",
    "&amp;",
    "]]>",
    "\\N",
    "end",
    "🚀",
    "é",
    "\x00",
    "'",
    "`",
    "<b>",
    "\\l",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(min_size=0, max_size=6)), min_size=1, max_size=6
).map("".join)


def hostile_model(name: str, zone_name: str, tech: str, desc: str) -> Model:
    model = Model(system=System(name=name))
    model.zones = [Zone(id="inner", name=zone_name, trust="internal")]
    model.components = [
        Component(id="a", kind="service", name=name, technology=tech, description=desc, zone="inner"),
        Component(id="b", kind="database", name=desc, technology=name, public=True),
    ]
    model.flows = [Flow.model_validate({"from": "a", "to": "b", "protocol": "sql", "description": desc})]
    model.scenarios = [Scenario(id="s", name=name, steps=["a->b"])]
    return model


def mermaid_label_is_inert(line: str) -> None:
    """Inside a quoted Mermaid label only our own tags and entity codes may appear."""
    for label in re.findall(r'"([^"]*)"', line):
        body = re.sub(r"#\w+;|<b>|</b>|<br/>", "", label)
        assert not set(body) & set('"[]{}()|<>;#`\\'), line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, zone_name=hostile_text, tech=hostile_text, desc=hostile_text)
@example(name='"', zone_name='"', tech='"', desc="]")  # a lone "]" broke Graphviz's HTML labels
def test_hostile_strings_are_escaped(name: str, zone_name: str, tech: str, desc: str) -> None:
    model = hostile_model(name, zone_name, tech, desc)
    project = Project.from_model(model)
    files = generate(project, GenerateOptions(view="dataflow"))
    files.update(generate(project, GenerateOptions(view="scenarios")))
    dot = files["diagrams/dataflow.dot"]
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    for svg in (result.stdout, files["diagrams/dataflow.svg"]):
        text = svg.decode("utf-8")
        assert "<script" not in text
        if "<script>" in name:
            assert "&lt;script&gt;" in text
    mermaid = files["diagrams/dataflow.mmd"].decode()
    for line in mermaid.splitlines()[1:]:
        mermaid_label_is_inert(line)
    assert mermaid.count("-->") + mermaid.count("-.->") == 1
    sequence = files["diagrams/scenarios/s.mmd"].decode()
    assert "<script" not in sequence and "-->" not in sequence.replace("-->>", "")
    assert all("\r" not in ln for ln in sequence.splitlines())


@given(st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), unique=True, max_size=20))
def test_mermaid_ids_are_injective_and_plain(ids: list[str]) -> None:
    encoded = [mermaid_id("n", i) for i in ids]
    assert len(set(encoded)) == len(ids)
    assert all(re.fullmatch(r"n_[A-Za-z0-9_]+", e) for e in encoded)
