"""The pipeline's order as the threat rules and ``diff`` ask for it, without networkx:
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
