"""The networkx view of a model and the queries that rules, threats and generators share.

Components are nodes and flows are edges of a MultiDiGraph (two flows may join the same
pair); zones form a tree; pipeline stages form their own DiGraph. Queries live here so that
"which zone is this in" or "what reaches this" is answered one way everywhere.

networkx is imported by the first query that needs one of its graphs, not with this
module: its import (some 280 modules) takes a tenth of a second, more than validating a
model of a thousand components, and the queries every command asks (controls, trust,
which components take part in a flow) are answered from plain indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from archmodel.model import (
    BUILTIN_CONTROLS,
    CLIENTS,
    Component,
    Environment,
    Flow,
    Layer,
    Model,
    Stage,
    Tier,
    Trust,
    Zone,
    implied_controls,
)

if TYPE_CHECKING:
    import networkx as nx

T = TypeVar("T", Component, Zone, Flow, Environment, Stage)


def _first_by_id(items: list[T]) -> dict[str, T]:
    index: dict[str, T] = {}
    for item in items:
        index.setdefault(item.id, item)
    return index


class ArchGraph:
    """Indexes and graph queries over a loaded model."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.components = _first_by_id(model.components)
        self.zones = _first_by_id(model.zones)
        self.flows = _first_by_id(model.flows)
        self.environments = _first_by_id(model.environments)
        self.stages = _first_by_id(model.stages)
        self.data = {d.id: d for d in reversed(model.data)}
        self.layer_of: dict[str, Layer] = {c: layer for c, (layer, _) in BUILTIN_CONTROLS.items()}
        self.layer_of.update({c.id: c.layer for c in model.controls})

    @cached_property
    def flow_graph(self) -> nx.DiGraph:
        """Components and the pairs that flows join (flows themselves: ``flows_between``)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.components)
        graph.add_edges_from(self.flows_between)
        return graph

    @cached_property
    def flows_between(self) -> dict[tuple[str, str], list[Flow]]:
        """Flows by (source, target), for flows whose endpoints both exist. The pairs hold
        the components' own id strings, not the equal strings the flows were read with:
        every index built from them (callers, callees, predecessors...) is then looked up
        by the very key it holds, and a dictionary compares the strings only when they
        are two objects. In a model of 50k components those are spread over half a
        gigabyte, and comparing them cost the threat rules 0.4 s of cache misses."""
        pairs: dict[tuple[str, str], list[Flow]] = {}
        ids = {c: c for c in self.components}
        for f in self.model.flows:
            source, target = ids.get(f.source), ids.get(f.target)
            if source is not None and target is not None:
                pairs.setdefault((source, target), []).append(f)
        return pairs

    @cached_property
    def zone_tree(self) -> nx.DiGraph:
        """Edges from parent zone to child zone (only parents that exist)."""
        import networkx as nx

        tree = nx.DiGraph()
        tree.add_nodes_from(self.zones)
        tree.add_edges_from((z.parent, z.id) for z in self.zones.values() if z.parent in self.zones)
        return tree

    @cached_property
    def stage_graph(self) -> nx.DiGraph:
        """Edges from a needed stage to the stage that needs it."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.stages)
        graph.add_edges_from(
            (need, s.id) for s in self.stages.values() for need in s.needs if need in self.stages
        )
        return graph

    @cached_property
    def stage_needs(self) -> dict[str, list[str]]:
        """Each stage's needs that are stages: ``stage_graph``'s edges backwards, as plain
        lists (the threat rules and ``diff`` ask no more of the pipeline than this)."""
        return {s.id: [need for need in s.needs if need in self.stages] for s in self.stages.values()}

    @cached_property
    def stage_needed_by(self) -> dict[str, list[str]]:
        """The stages that need each stage."""
        found: dict[str, list[str]] = {sid: [] for sid in self.stages}
        for sid, needs in self.stage_needs.items():
            for need in dict.fromkeys(needs):
                found[need].append(sid)
        return found

    def stages_before(self, stage_id: str) -> set[str]:
        """Every stage that must run before this one: what it needs, transitively."""
        return _reached(self.stage_needs, stage_id)

    def stages_after(self, stage_id: str) -> set[str]:
        """Every stage that runs after this one: what needs it, transitively."""
        return _reached(self.stage_needed_by, stage_id)

    def zone_chain(self, zone_id: str | None) -> list[Zone]:
        """The zone and its ancestors, innermost first (stops on a parent cycle)."""
        chain: list[Zone] = []
        seen: set[str] = set()
        while zone_id in self.zones and zone_id not in seen:
            seen.add(zone_id)
            zone = self.zones[zone_id]
            chain.append(zone)
            zone_id = zone.parent
        return chain

    def zone_of(self, component_id: str) -> Zone | None:
        component = self.components.get(component_id)
        return self.zones.get(component.zone) if component and component.zone else None

    @cached_property
    def _trust(self) -> dict[str, Trust]:
        zones = self.zones
        return {c.id: zones[c.zone].trust for c in self.components.values() if c.zone in zones}

    def trust_of(self, component_id: str) -> Trust | None:
        return self._trust.get(component_id)

    @cached_property
    def analysed_environments(self) -> tuple[Environment, ...]:
        """The environment in view on an environment's view; otherwise production when the
        model has one (what an attacker faces), else every environment: the environments
        whose controls count when a component's protection is judged."""
        if self.model.environment in self.environments:
            return (self.environments[self.model.environment],)
        envs = tuple(self.environments.values())
        prod = tuple(e for e in envs if e.tier == Tier.prod)
        return prod or envs

    @property
    def focus_environment(self) -> str | None:
        """The environment whose view stands for the system when none is named: the one
        analysed environment (the environment in view, or the single production one)."""
        envs = self.analysed_environments
        return envs[0].id if len(envs) == 1 else None

    def _zone_controls(self, zone_id: str) -> frozenset[str]:
        return frozenset(c for zone in self.zone_chain(zone_id) for c in zone.controls)

    @cached_property
    def _local_controls(self) -> dict[str, frozenset[str]]:
        """Each component's controls; components with the same own controls, zone and kind
        (most of a fleet) share one set, made once."""
        by_zone = {z: self._zone_controls(z) for z in self.zones}
        made: dict[tuple[tuple[str, ...], str | None, str], frozenset[str]] = {}
        out: dict[str, frozenset[str]] = {}
        for c in self.components.values():
            key = (tuple(c.controls), c.zone, c.kind)
            found = made.get(key)
            if found is None:
                zone = by_zone.get(c.zone or "", frozenset())
                found = made[key] = frozenset(c.controls) | zone | implied_controls(c.kind)
            out[c.id] = found
        return out

    def effective_controls(
        self, component_id: str, environments: Environment | Iterable[Environment] = ()
    ) -> frozenset[str]:
        """Controls that protect a component: its own, its zones' (with their ancestors), those
        its kind implies (a WAF is ``waf``), and those of the environments given.

        The one answer to "is this component protected by X": threats, diagrams, docs,
        Terraform and Helm all ask it, so no output shows a gap another one treats as closed.
        """
        local = self._local_controls.get(component_id, frozenset())
        if isinstance(environments, (tuple, list)) and not environments:
            return local  # the common question, asked hundreds of thousands of times
        envs = (environments,) if isinstance(environments, Environment) else environments
        return local.union(*(e.controls for e in envs))

    def is_entry_point(self, component: Component) -> bool:
        return component.public or component.kind in CLIENTS or "entry_point" in component.tags

    @cached_property
    def entry_points(self) -> list[str]:
        return [c.id for c in self.components.values() if self.is_entry_point(c)]

    @cached_property
    def alive(self) -> set[str]:
        """Entry points and every component a flow starts or ends at: a component that
        initiates a flow (a queue consumer) is alive even when nothing calls it."""
        ends = {c for pair in self.flows_between for c in pair}
        return set(self.entry_points) | ends

    @cached_property
    def _callers(self) -> dict[str, list[str]]:
        """Each component's sources along flows, in ``flow_graph``'s predecessor order
        (the order pairs first appear), as plain lists: generators ask this of every
        component, and building the networkx graph in each worker cost more than asking."""
        return _grouped((target, source) for source, target in self.flows_between)

    @cached_property
    def _callees(self) -> dict[str, list[str]]:
        """Each component's targets along flows, in ``flow_graph``'s successor order."""
        return _grouped(self.flows_between)

    def flows_into(self, component_id: str) -> Iterator[Flow]:
        between = self.flows_between
        for source in self._callers.get(component_id, ()):
            yield from between[(source, component_id)]

    def flows_out_of(self, component_id: str) -> Iterator[Flow]:
        between = self.flows_between
        for target in self._callees.get(component_id, ()):
            yield from between[(component_id, target)]

    def crosses_boundary(self, flow: Flow) -> bool:
        """A flow crosses a trust boundary when its endpoints sit in different zones."""
        a, b = self.components.get(flow.source), self.components.get(flow.target)
        return a is not None and b is not None and a.zone != b.zone


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each pair's second item under its first, in the order the pairs come."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _reached(edges: dict[str, list[str]], start: str) -> set[str]:
    """Every node reachable from ``start`` along ``edges``, not ``start`` itself (as
    networkx's ancestors and descendants, even where a cycle leads back to it)."""
    found: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in found and node != start:
            found.add(node)
            todo += edges.get(node, ())
    return found
