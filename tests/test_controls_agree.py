"""Every output counts a component's controls the way the threat register does.

The docs layer matrix, the security view and the Terraform facts all ask
``ArchGraph.effective_controls``; this checks, on the reference model and the examples,
that none of them can show a gap the threat engine treats as closed (or the reverse).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.generators.diagrams.security import catalog, coverage
from archmodel.generators.docs.pages import _layers
from archmodel.generators.docs.views import LAYERS, SiteViews
from archmodel.generators.terraform.facts import facts_of
from archmodel.model import Component, Environment, Kind, Model, System, Zone
from archmodel.project import Project
from archmodel.threats.context import ThreatContext

MODELS = Path(__file__).resolve().parent.parent / "models"
ALL = [MODELS / "reference", *sorted((MODELS / "examples").iterdir())]


def _context(project: Project) -> ThreatContext:
    return ThreatContext(project, project.graph, project.model.policies)


@pytest.fixture(scope="module", params=ALL, ids=lambda p: p.name)
def project(request: pytest.FixtureRequest) -> Project:
    loaded = load_project(request.param)
    assert not loaded.failed()
    return loaded


def test_docs_layer_matrix_matches_the_threat_engine(project: Project) -> None:
    ctx, graph = _context(project), project.graph
    matrix = {row["id"]: row["counts"] for row in _layers(SiteViews(graph, []))["matrix"]}
    for cid in graph.components:
        per_layer = Counter(graph.layer_of[c] for c in ctx.controls(cid) if c in graph.layer_of)
        assert matrix[cid] == [per_layer[layer] for layer in LAYERS], cid


def test_component_pages_list_every_control_the_engine_counts(project: Project) -> None:
    ctx, graph = _context(project), project.graph
    views = SiteViews(graph, [])
    for component in graph.components.values():
        listed = {ref.id for row in views.layers_of(component) for ref in row.controls}
        counted = {c for c in ctx.controls(component.id) if c in graph.layer_of}
        assert counted <= listed, (component.id, counted - listed)


def test_security_view_shows_no_gap_the_engine_counts_as_closed(project: Project) -> None:
    ctx, graph = _context(project), project.graph
    cov = coverage(graph)
    for cid in graph.components:
        for control in ctx.controls(cid) & set(catalog(graph)):
            assert not cov[control].empty(), (cid, control)


def test_terraform_facts_match_the_threat_engine(project: Project) -> None:
    ctx, graph = _context(project), project.graph
    for component in graph.components.values():
        assert facts_of(graph, component).controls == ctx.controls(component.id), component.id


def test_effective_controls_sources() -> None:
    model = Model(
        system=System(name="T"),
        zones=[
            Zone(id="outer", name="O", trust="internal", controls=["firewall"]),
            Zone(id="inner", name="I", trust="internal", parent="outer", controls=["nacl"]),
        ],
        components=[Component(id="w", kind=Kind.waf, name="W", zone="inner", controls=["logging"])],
        environments=[
            Environment(id="dev", name="D", tier="dev", controls=["mfa"]),
            Environment(id="prod", name="P", tier="prod", controls=["backup"]),
        ],
    )
    graph = Project.from_model(model).graph
    assert graph.effective_controls("w") == {"logging", "nacl", "firewall", "waf"}
    assert [e.id for e in graph.analysed_environments] == ["prod"]
    assert graph.effective_controls("w", graph.analysed_environments) == {
        "logging",
        "nacl",
        "firewall",
        "waf",
        "backup",
    }
    assert "mfa" in graph.effective_controls("w", graph.environments["dev"])
    assert graph.effective_controls("nope") == frozenset()
