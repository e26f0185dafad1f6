"""Open threats on the data-flow view: a ``⚠ N severity`` badge, the worst severity's
colour and a severity legend, in DOT and Mermaid; decided findings do not count."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from archmodel.generators.diagrams import DiagramsOptions, generate
from archmodel.generators.diagrams.style import SEVERITY_COLOR
from archmodel.load import load
from archmodel.project import Project
from archmodel.threats import analyse

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"
BOUTIQUE = ROOT / "models" / "examples" / "online-boutique"


def _project(path: Path) -> Project:
    return Project.from_loaded(load(path))


def _files(path: Path, **options: object) -> dict[str, str]:
    options.setdefault("images", False)
    files = generate(_project(path), DiagramsOptions(view="dataflow", **options))  # type: ignore[arg-type]
    return {str(p): b.decode() for p, b in files.items()}


def _expected(path: Path) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    """(count, worst severity) of the open findings per component and per flow."""
    report = analyse(_project(path))
    out: dict[str, dict[str, list[str]]] = {"components": {}, "flows": {}}
    for f in report.open:
        if f.target.section in out:
            out[f.target.section].setdefault(f.target.id, []).append(str(f.severity))
    rank = ["low", "medium", "high", "critical"]

    def marks(section: str) -> dict[str, tuple[int, str]]:
        return {k: (len(v), max(v, key=rank.index)) for k, v in out[section].items()}

    return marks("components"), marks("flows")


def _node_line(dot: str, node: str) -> str:
    match = re.search(rf'^\s*"{re.escape(node)}" \[(.*)\];$', dot, re.M)
    assert match, node
    return match.group(1)


@pytest.mark.parametrize("model", [REFERENCE, BOUTIQUE], ids=["reference", "online-boutique"])
def test_every_element_with_open_threats_is_badged_in_dot(model: Path) -> None:
    dot = _files(model)["diagrams/dataflow.dot"]
    components, flows = _expected(model)
    assert components and flows
    graph = load(model).model
    for c in graph.components:
        attrs = _node_line(dot, c.id)
        if c.id in components:
            count, worst = components[c.id]
            assert f"⚠ {count} {worst}</b>" in attrs, c.id
            assert f'color="{SEVERITY_COLOR[worst]}"' in attrs  # the border  # type: ignore[index]
        else:
            assert "⚠" not in attrs, c.id
    edges = re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$', dot, re.M)
    badged = Counter(f"{s}->{t}" for s, t, attrs in edges if "⚠" in attrs)
    assert set(badged) == set(flows)
    for s, t, attrs in edges:
        if f"{s}->{t}" in flows:
            count, worst = flows[f"{s}->{t}"]
            assert f'<font color="{SEVERITY_COLOR[worst]}" point-size="9"><b> ⚠ {count} {worst}</b>' in attrs  # type: ignore[index]
    assert "open threats (border and ⚠ count)" in dot.splitlines()[1]


def test_decided_findings_are_not_counted() -> None:
    """The reference model accepts one of the Redis cache's two findings."""
    report = analyse(_project(REFERENCE))
    cache = [f for f in report.findings if str(f.target) == "component:cache"]
    assert len(cache) == 2 and sum(f.is_open for f in cache) == 1
    assert "⚠ 1 low" in _node_line(_files(REFERENCE)["diagrams/dataflow.dot"], "cache")


def test_mermaid_has_badges_border_colours_and_a_severity_key() -> None:
    mmd = _files(REFERENCE)["diagrams/dataflow.mmd"]
    assert re.search(r'n_db\[\("<b>Shop database</b>.*<br/><b>⚠ 1 medium</b>"\)\]', mmd)
    assert 'subgraph z___key["open threats #40;worst severity#41;"]' in mmd
    for sev, color in SEVERITY_COLOR.items():
        assert f'n___severity__{sev}("<b>⚠ {sev}</b>")' in mmd
        classes = dict(re.findall(r"classDef (k\d+) (.*)", mmd))
        members = dict(re.findall(r"class (\S+) (k\d+)", mmd))
        held = next(k for names, k in members.items() if f"n___severity__{sev}" in names.split(","))
        assert f"stroke:{color}" in classes[held]
    db_class = next(k for names, k in re.findall(r"class (\S+) (k\d+)", mmd) if "n_db" in names.split(","))
    assert f"stroke:{SEVERITY_COLOR['medium']}" in dict(re.findall(r"classDef (k\d+) (.*)", mmd))[db_class]  # type: ignore[index]


def test_marks_can_be_switched_off_and_clean_models_have_none(write_model) -> None:  # type: ignore[no-untyped-def]
    off = _files(REFERENCE, threats=False)
    assert "⚠" not in off["diagrams/dataflow.dot"] and "⚠" not in off["diagrams/dataflow.mmd"]
    assert "z___key" not in off["diagrams/dataflow.mmd"]
    model = write_model(
        "archmodel: 1\nsystem: {name: Tiny}\n"
        "components:\n  - {id: users, kind: actor, name: Users}\n"
        "risks:\n  - {threat: '*', target: '*', status: accepted, justification: all decided}\n"
    )
    assert analyse(_project(model)).findings
    assert not analyse(_project(model)).open
    tiny = _files(model)
    assert "⚠" not in tiny["diagrams/dataflow.dot"] and "z___key" not in tiny["diagrams/dataflow.mmd"]


def test_split_pages_carry_the_marks() -> None:
    files = _files(REFERENCE, max_nodes=4)
    pages = {p: t for p, t in files.items() if p.startswith("diagrams/dataflow/") and p.endswith(".dot")}
    assert pages
    data = next(t for t in pages.values() if re.search(r'^\s*"db" \[', t, re.M))
    assert "⚠ 1 medium" in _node_line(data, "db")
    assert all("open threats (border and ⚠ count)" in t for t in pages.values())
