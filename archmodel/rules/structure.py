"""Structural rules: unique ids, acyclic pipeline and zone tree, complete deploy stages,
stores of a fixed size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING

from archmodel.catalog import Severity
from archmodel.load import Origin
from archmodel.model import BUILTIN_CONTROLS, DATA_STORES, StageKind, replica_bounds
from archmodel.rules.registry import Context, Issue, rule

if TYPE_CHECKING:
    import networkx as nx

_ID_SECTIONS = (
    "zones",
    "data",
    "controls",
    "components",
    "flows",
    "environments",
    "stages",
    "scenarios",
)


def _where(origin: Origin) -> str:
    line_hint = "/".join(str(p) for p in origin.path)
    return f"{origin.file.rsplit('/', 1)[-1]} ({line_hint})"


@rule(
    "AM201",
    Severity.error,
    "duplicate id",
    fix="Rename one of the two elements (give flows between the same pair explicit ids) and update "
    "its references.",
)
def duplicate_id(ctx: Context) -> Iterator[Issue]:
    """Two elements of one section share an id, in the same file or across included files.
    Two flows between the same pair of components need explicit ids."""
    for section in _ID_SECTIONS:
        first: dict[str, Origin] = {}
        for item, origin in ctx.each(section, ctx.items(section)):
            if item.id not in first:
                first[item.id] = origin
                continue
            noun = section[:-1] if section != "data" else "data asset"
            hint = f"first defined in {_where(first[item.id])}"
            if section == "flows" and "->" in item.id:
                hint += "; give flows between the same pair explicit ids"
            yield Issue(f"duplicate {noun} id '{item.id}'", origin, ("id",), hint)


@rule(
    "AM209",
    Severity.error,
    "control redefines a built-in",
    fix="Give your control an id of its own; built-in controls need no definition.",
)
def control_shadows_builtin(ctx: Context) -> Iterator[Issue]:
    """A control under `controls:` reuses a built-in control id; pick another id."""
    for control, origin in ctx.each("controls", ctx.project.model.controls):
        if control.id in BUILTIN_CONTROLS:
            yield Issue(f"control '{control.id}' is already a built-in control", origin, ("id",))


@rule(
    "AM301",
    Severity.error,
    "pipeline cycle",
    fix="Remove one `needs` entry of the cycle so the stages run in one order.",
)
def pipeline_cycle(ctx: Context) -> Iterator[Issue]:
    """The pipeline must be a DAG: stages that need each other in a cycle never run."""
    stages = ctx.graph.stages
    if _acyclic((s.id, [n for n in s.needs if n in stages]) for s in stages.values()):
        return
    import networkx as nx

    graph = ctx.graph.stage_graph
    for cycle in sorted(sorted(c) for c in nx.simple_cycles(graph)):
        ordered = _cycle_order(graph, cycle)
        origin = ctx.origin_of("stages", ordered[0])
        yield Issue(f"pipeline cycle: {' -> '.join([*ordered, ordered[0]])}", origin, ("needs",))
        break  # one cycle named is enough to act on; the rest often share stages


def _acyclic(needs: Iterable[tuple[str, list[str]]]) -> bool:
    """Whether nothing depends on itself, through others or directly. The standard
    library answers in a blink; networkx, whose import alone takes a tenth of a second on
    every command, is imported only to name a cycle that exists."""
    try:
        TopologicalSorter(dict(needs)).prepare()
    except CycleError:
        return False
    return True


def _cycle_order(graph: nx.DiGraph, members: list[str]) -> list[str]:
    start = min(members)
    order = [start]
    node = start
    member_set = set(members)
    while True:
        nxt = min(s for s in graph.successors(node) if s in member_set)
        if nxt == start or nxt in order:
            return order
        order.append(nxt)
        node = nxt


@rule(
    "AM302",
    Severity.error,
    "deploy stage without environment",
    fix="Name the environment the stage deploys to with `environment:`.",
)
def deploy_without_environment(ctx: Context) -> Iterator[Issue]:
    """A `deploy` stage must name the environment it deploys to."""
    for stage, origin in ctx.each("stages", ctx.project.model.stages):
        if stage.kind == StageKind.deploy and stage.environment is None:
            yield Issue(
                f"deploy stage '{stage.id}' has no environment",
                origin,
                (),
                "add 'environment: <env id>'",
            )


@rule(
    "AM303",
    Severity.error,
    "zone parent cycle",
    fix="Remove one `parent` of the cycle so zones nest as a tree.",
)
def zone_cycle(ctx: Context) -> Iterator[Issue]:
    """Zones nest as a tree: a zone cannot be its own ancestor."""
    zones = ctx.graph.zones
    if _acyclic((z.id, [z.parent] if z.parent in zones else []) for z in zones.values()):
        return
    import networkx as nx

    tree = ctx.graph.zone_tree
    for cycle in nx.simple_cycles(tree):
        ordered = sorted(cycle)
        origin = ctx.origin_of("zones", ordered[0])
        yield Issue(f"zones nest in a cycle: {', '.join(ordered)}", origin, ("parent",))
        break


MAX_ZONE_DEPTH = 32


@rule(
    "AM311",
    Severity.error,
    "zones nested too deep",
    fix=f"Flatten the zone tree: no real network nests more than {MAX_ZONE_DEPTH} levels.",
)
def zone_too_deep(ctx: Context) -> Iterator[Issue]:
    """Zones nest at most 32 levels deep. Deeper trees describe no real network, and
    diagrams and docs draw zones inside zones: a bound keeps every renderer finite."""
    for zone, origin in ctx.each("zones", ctx.project.model.zones):
        depth = len(ctx.graph.zone_chain(zone.id))
        if depth > MAX_ZONE_DEPTH:
            yield Issue(
                f"zone '{zone.id}' is nested {depth} levels deep (at most {MAX_ZONE_DEPTH})",
                origin,
                ("parent",),
            )
            return


@rule(
    "AM314",
    Severity.warning,
    "autoscaling ceiling on a data store",
    fix="Remove `max_replicas`, or set `replicas` to the number of instances the store runs.",
)
def store_ceiling(ctx: Context) -> Iterator[Issue]:
    """A database, cache, queue or object store runs exactly `replicas`, in every
    environment and on every target: its instances hold different data, so load is no
    reason to start another, empty one. A `max_replicas` above `replicas` on a store is
    not used; the model means a size the generated infrastructure will not give it."""
    for c, origin in ctx.each("components", ctx.project.model.components):
        deploy = c.deploy
        if c.kind not in DATA_STORES or deploy is None or deploy.max_replicas is None:
            continue
        floor, _ = replica_bounds(c)
        if deploy.max_replicas > floor:
            yield Issue(
                f"data store '{c.id}' runs exactly {floor} replica(s): its max_replicas "
                f"({deploy.max_replicas}) is not used",
                origin,
                ("deploy", "max_replicas"),
            )
