"""The pipeline view: stages as a DAG, top to bottom in the seed's order.

Stages are ranked by their longest ``needs`` chain, so everything that can run in
parallel (build/test/scan, deploys per environment) sits on one row, as in the seed.
Deploys name their environment in its tier colour; approval gates are diamonds.
"""

from __future__ import annotations

import networkx as nx

from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.scene import Edge, Line, Node, Scene, Span, line
from archmodel.graph import ArchGraph
from archmodel.model import Stage, StageKind, Tier

_KIND_ORDER = {kind: number for number, kind in enumerate(StageKind)}
DEVELOPER = "developer-workflow"


def stage_ranks(graph: ArchGraph) -> dict[str, int]:
    """Longest-path depth of each stage (0 for sources); all 0 if the pipeline has a cycle."""
    dag = graph.stage_graph
    if not nx.is_directed_acyclic_graph(dag):
        return dict.fromkeys(dag.nodes, 0)
    depth: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        depth[node] = max((depth[p] + 1 for p in dag.predecessors(node)), default=0)
    return depth


def stage_node(graph: ArchGraph, stage: Stage) -> Node:
    lines: list[Line] = [line(stage.name, bold=True)]
    detail = stage.kind.value + (f" · {stage.tool}" if stage.tool else "")
    lines.append(line(detail, "#566573", small=True))
    env = graph.environments.get(stage.environment or "")
    stroke = "#5d6d7e"
    if env is not None:
        stroke = style.TIER_COLOR[env.tier]
        where = ", ".join([env.cloud.value, *env.regions])
        lines.append((Span(env.name, stroke, bold=True), Span(f"  {where}", "#566573", small=True)))
    elif stage.environment:
        lines.append(line(stage.environment, bold=True))
    gate = stage.kind == StageKind.approval
    return Node(
        id=stage.id,
        lines=tuple(lines),
        shape="diamond" if gate else "box",
        fill=style.STAGE_FILL[stage.kind],
        stroke=style.TIER_COLOR[Tier.prod] if gate else stroke,
        penwidth=2.0 if gate or env is not None else 1.2,
        tooltip=stage.description or stage.name,
    )


def _order_key(graph: ArchGraph, stage: Stage, rank: int, position: int) -> tuple[int, int, int, int]:
    env = graph.environments.get(stage.environment or "")
    tier = style.TIER_ORDER[env.tier] if env else -1
    return (rank, _KIND_ORDER[stage.kind], tier, position)


def build_pipeline(graph: ArchGraph) -> Scene:
    scene = Scene(
        "pipeline",
        f"{graph.model.system.name}: deployment pipeline",
        "TB",
        legend=(
            (
                *tuple(
                    Span(f"■ {tier.value}  ", style.TIER_COLOR[tier]) for tier in Tier if tier != Tier.other
                ),
                Span("◆ approval gate", style.TIER_COLOR[Tier.prod], bold=True),
            ),
        ),
        graph_attrs={"ranksep": "0.5", "nodesep": "0.4"},
    )
    ranks = stage_ranks(graph)
    stages = sorted(
        graph.stages.values(),
        key=lambda s: _order_key(graph, s, ranks.get(s.id, 0), list(graph.stages).index(s.id)),
    )
    if stages:
        scene.nodes.append(
            Node(
                DEVELOPER,
                (line("Developer workflow", bold=True),),
                shape="box",
                fill="#eaecee",
                stroke="#85929e",
                dashed=True,
            )
        )
    scene.nodes += [stage_node(graph, s) for s in stages]
    for stage in stages:
        if not stage.needs or ranks.get(stage.id, 0) == 0:
            scene.edges.append(Edge(DEVELOPER, stage.id, color="#85929e", dashed=True))
    for stage in stages:
        for need in stage.needs:
            if need in graph.stages:
                gate = graph.stages[need].kind == StageKind.approval
                color = style.TIER_COLOR[Tier.prod] if gate else "#566573"
                scene.edges.append(Edge(need, stage.id, color=color, penwidth=1.6 if gate else 1.2))
    by_rank: dict[int, list[str]] = {}
    for stage in stages:
        by_rank.setdefault(ranks.get(stage.id, 0), []).append(stage.id)
    scene.same_rank = [ids for _, ids in sorted(by_rank.items()) if len(ids) > 1]
    return scene
