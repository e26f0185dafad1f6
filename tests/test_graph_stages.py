"""The pipeline's order as the threat rules and ``diff`` ask for it, and the flows into
and out of a component as generators ask for them, without networkx (agreeing with it):
what runs before and after a stage is what networkx's ancestors and descendants say,
on any pipeline, cycles and needs of stages that do not exist included."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from archmodel.graph import ArchGraph
from archmodel.model import Model, System
from archmodel.model.pipeline import Stage

IDS = [f"s{i}" for i in range(7)]
NEEDS = st.lists(st.sampled_from([*IDS, "missing"]), max_size=4)


@given(st.lists(NEEDS, min_size=1, max_size=len(IDS)))
def test_before_and_after_agree_with_networkx(needs: list[list[str]]) -> None:
    stages = [Stage(id=IDS[i], kind="build", name=IDS[i], needs=n) for i, n in enumerate(needs)]
    graph = ArchGraph(Model(system=System(name="S"), stages=stages))
    for stage in stages:
        assert graph.stages_before(stage.id) == nx.ancestors(graph.stage_graph, stage.id)
        assert graph.stages_after(stage.id) == nx.descendants(graph.stage_graph, stage.id)
        assert set(graph.stage_needed_by[stage.id]) == set(graph.stage_graph.successors(stage.id))


COMPONENTS = [f"c{i}" for i in range(5)]
ENDS = st.sampled_from([*COMPONENTS, "gone"])


@given(st.lists(st.tuples(ENDS, ENDS), max_size=12))
def test_flows_into_and_out_of_agree_with_networkx(pairs: list[tuple[str, str]]) -> None:
    """The flows into and out of each component, in the order networkx's predecessors
    and successors give them: generators list peers in that order."""
    from archmodel.model import Component, Flow

    components = [Component(id=c, kind="service", name=c) for c in COMPONENTS]
    flows = [
        Flow.model_validate({"id": f"f{i}", "from": a, "to": b, "protocol": "https"})
        for i, (a, b) in enumerate(pairs)
    ]
    graph = ArchGraph(Model(system=System(name="S"), components=components, flows=flows))
    between = graph.flows_between
    for c in COMPONENTS:
        into = [f for s in graph.flow_graph.predecessors(c) for f in between[(s, c)]]
        out = [f for t in graph.flow_graph.successors(c) for f in between[(c, t)]]
        assert list(graph.flows_into(c)) == into
        assert list(graph.flows_out_of(c)) == out
