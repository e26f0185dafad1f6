"""The facts the threat context computes once and shares between rules give what asking
the graph directly gives, on the reference model and every example."""

from __future__ import annotations

from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.model import DATA_STORES, HUMAN_CLIENTS, Kind, Layer
from archmodel.threats.context import ThreatContext

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]


@pytest.fixture(params=MODELS, ids=[m.name for m in MODELS])
def ctx(request: pytest.FixtureRequest) -> ThreatContext:
    project = load_project(request.param)
    return ThreatContext(project, project.graph, project.model.policies)


def test_flows_by_kind_are_the_flows_filtered_in_model_order(ctx: ThreatContext) -> None:
    comps = ctx.graph.components
    for kinds in (tuple(HUMAN_CLIENTS), (Kind.web_client,), tuple(DATA_STORES)):
        assert list(ctx.flows_from(*kinds)) == [f for f in ctx.flows() if comps[f.source].kind in kinds]
        assert list(ctx.flows_to(*kinds)) == [f for f in ctx.flows() if comps[f.target].kind in kinds]
        assert list(ctx.components(*kinds)) == [c for c in ctx.components() if c.kind in kinds]
        assert list(ctx.components(*kinds)) == list(ctx.components(*kinds))  # asked again


def test_adjacency_and_feeds(ctx: ThreatContext) -> None:
    between = ctx.graph.flows_between
    comps = ctx.graph.components
    for c in comps:
        assert sorted(f.id for f in ctx.inbound(c)) == sorted(
            f.id for (s, t), fs in between.items() if t == c for f in fs
        )
        assert ctx.inbound(c) is ctx.inbound(c)  # listed once
        assert sorted(f.id for f in ctx.outbound(c)) == sorted(
            f.id for (s, t), fs in between.items() if s == c for f in fs
        )
    for kind in (Kind.monitoring, Kind.secrets_store):
        assert ctx.feeds(kind) == {s for (s, t) in between if comps[t].kind is kind}


def test_layers_trust_and_authentication(ctx: ThreatContext) -> None:
    between = ctx.graph.flows_between
    for c in ctx.graph.components:
        assert ctx.local_layers(c) == ctx.layers(ctx.local_controls(c))
        trust = ctx.graph.trust_of(c)
        assert ctx.trust_rank(c) == (2 if trust is None else trust.rank)
        assert ctx.auth_controls(c) == ctx.auth_controls(c)  # cached, same answer
    # Only controls that act on a way to data count (a backup does not).
    assert ctx.layers({"backup", "secrets_vault", "ddos_protection", "compliance"}) == set()
    assert ctx.layers({"tls", "backup"}) == {Layer.data}
    for layer in Layer:
        acting = {c for c in ctx.graph.components if layer in ctx.layers(ctx.local_controls(c))}
        assert ctx.lacking(layer) == set(ctx.graph.components) - acting
        for pair, flows in between.items():
            carried = [ctx.layers(ctx.flow_auth(f) | ({"tls"} if f.encrypted else set())) for f in flows]
            assert (layer in ctx.open_layers[pair]) == any(layer not in got for got in carried)


def test_stakes_and_ranks(ctx: ThreatContext) -> None:
    ranks = {d: a.classification.rank for d, a in ctx.graph.data.items()}
    for c in ctx.graph.components.values():
        handled = ctx.handled(c.id)
        assert ctx.data_rank(handled) == max((ranks[d] for d in handled if d in ranks), default=-1)
        assert ctx.data_rank(iter(handled)) == ctx.data_rank(handled)
        assert ctx.stake(c) == max(ctx.data_rank(handled), c.criticality.rank)
        assert ctx.stake(c, stored_only=True) == max(ctx.data_rank(c.stores), c.criticality.rank)
        assert ctx.handled_sorted(c.id) == tuple(sorted(handled))
    assert ctx.data_rank([]) == -1
    assert ctx.data_rank(["no-such-data"]) == -1


def test_flow_pairs_hold_the_components_own_id_strings(ctx: ThreatContext) -> None:
    """The indexes built from flow pairs are keyed by the components' id objects, so a
    lookup never compares two equal strings (the model's flows were read with strings of
    their own, as every parse makes them)."""
    comps = ctx.graph.components
    assert ctx.graph.flows_between
    for source, target in ctx.graph.flows_between:
        assert source is comps[source].id and target is comps[target].id
    for caller, callees in ctx.successors.items():
        assert all(t is comps[t].id for t in callees), caller
