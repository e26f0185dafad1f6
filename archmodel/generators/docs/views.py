"""What the pages show, computed once from the graph: the templates only lay it out.

Indexes (flows per data asset, stores per asset, threats per component) are built in one
pass each, so a 10k-component site costs linear time, not a scan per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from archmodel.generators.docs.threat_source import ThreatItem
from archmodel.graph import ArchGraph
from archmodel.model import (
    CLIENTS,
    LAYER_NUMBER,
    LAYER_TITLE,
    Component,
    Flow,
    Layer,
    Zone,
    implied_controls,
)
from archmodel.model.view import deployed_in

# Layers from 7 (application) down to 1 (physical), as in the seed diagram.
LAYERS: tuple[Layer, ...] = tuple(sorted(Layer, key=lambda layer: -LAYER_NUMBER[layer]))


def page_stem(element_id: str) -> str:
    """File stem of an element page: ids are safe file names, but ``index`` is the
    section's own page in MkDocs, so it gets a prefix no id can have."""
    return f"_{element_id}" if element_id == "index" else element_id


def component_page(component_id: str) -> str:
    return f"components/{page_stem(component_id)}.md"


def scenario_page(scenario_id: str) -> str:
    return f"scenarios/{page_stem(scenario_id)}.md"


@dataclass(frozen=True)
class ControlRef:
    """A control protecting a component, and where it comes from (own, zone, environments)."""

    id: str
    name: str
    source: str


@dataclass
class LayerRow:
    number: int
    title: str
    controls: list[ControlRef] = field(default_factory=list)


@dataclass(frozen=True)
class Crossing:
    """A group of flows on the Flows page: from one zone into another (or within one)."""

    source: Zone | None
    target: Zone | None
    flows: list[Flow]

    @property
    def crosses(self) -> bool:
        return (self.source.id if self.source else None) != (self.target.id if self.target else None)


class SiteViews:
    """Shared lookups for every page of one site."""

    def __init__(self, graph: ArchGraph, threats: list[ThreatItem]) -> None:
        self.graph = graph
        self.model = graph.model
        self.threats = threats
        self.components = sorted(graph.components.values(), key=lambda c: c.id)
        self.flows = sorted(graph.flows.values(), key=lambda f: f.id)
        self.control_names = self._control_names()
        # Cells and rows the helpers build once per site (see ``helpers``).
        self.memo: dict[tuple[Any, ...], Any] = {}
        self.threats_by_component: dict[str, list[ThreatItem]] = defaultdict(list)
        for threat in threats:
            if threat.component is not None:
                self.threats_by_component[threat.component].append(threat)
        by_component = self.threats_by_component
        self.open_threat_count = {
            c.id: sum(1 for t in by_component.get(c.id, ()) if t.is_open) for c in self.components
        }

    def _control_names(self) -> dict[str, str]:
        from archmodel.model import BUILTIN_CONTROLS

        names = {cid: name for cid, (_, name) in BUILTIN_CONTROLS.items()}
        names.update({c.id: c.name for c in self.model.controls})
        return names

    # -- components -------------------------------------------------------------------

    def runs_in(self, component: Component) -> list[str]:
        """Environment ids a component runs in: those its ``environments`` names, else
        every one; clients and external systems run nowhere we deploy."""
        if component.kind in CLIENTS or component.out_of_scope:
            return []
        return sorted(e for e in self.graph.environments if deployed_in(component, e))

    def layers_of(self, component: Component) -> list[LayerRow]:
        """Controls on a component (own, from its zones, implied by its kind, from the
        environments it runs in and those the threat register counts) by layer.

        Components alike in what this reads (their controls, kind, zone and
        environments: most of a fleet) share one list; callers must not change it."""
        runs_in = self.runs_in(component)
        key = ("layers", tuple(component.controls), str(component.kind), component.zone, tuple(runs_in))
        rows: list[LayerRow] | None = self.memo.get(key)
        if rows is None:
            rows = self.memo[key] = self._layers_of(component, runs_in)
        return rows

    def _layers_of(self, component: Component, runs_in: list[str]) -> list[LayerRow]:
        refs: list[ControlRef] = [ControlRef(c, self._name(c), "component") for c in component.controls]
        kind = str(component.kind).replace("_", " ")
        refs += [
            ControlRef(c, self._name(c), f"kind {kind}") for c in sorted(implied_controls(component.kind))
        ]
        for zone in self.graph.zone_chain(component.zone):
            refs += [ControlRef(c, self._name(c), f"zone {zone.name}") for c in zone.controls]
        analysed = {e.id for e in self.graph.analysed_environments}
        for env_id in sorted(analysed.union(runs_in)):
            env = self.graph.environments[env_id]
            refs += [ControlRef(c, self._name(c), f"environment {env.name}") for c in env.controls]
        # One entry per control, naming every place it comes from.
        sources: dict[str, list[str]] = defaultdict(list)
        for ref in refs:
            if ref.source not in sources[ref.id]:
                sources[ref.id].append(ref.source)
        rows = {layer: LayerRow(LAYER_NUMBER[layer], LAYER_TITLE[layer]) for layer in LAYERS}
        for control_id in sorted(sources):
            layer = self.graph.layer_of.get(control_id)
            if layer is not None:
                merged = ControlRef(control_id, self._name(control_id), ", ".join(sources[control_id]))
                rows[layer].controls.append(merged)
        return [rows[layer] for layer in LAYERS]

    def covered_layers(self, component: Component) -> set[Layer]:
        """Layers with at least one effective control, as the threat register counts them."""
        layer_of = self.graph.layer_of
        controls = self.graph.effective_controls(component.id, self.graph.analysed_environments)
        return {layer_of[c] for c in controls if c in layer_of}

    def inbound(self, component_id: str) -> list[Flow]:
        return sorted(self.graph.flows_into(component_id), key=lambda f: f.id)

    def outbound(self, component_id: str) -> list[Flow]:
        return sorted(self.graph.flows_out_of(component_id), key=lambda f: f.id)

    def _name(self, control_id: str) -> str:
        return self.control_names.get(control_id, control_id)

    # -- flows and data ---------------------------------------------------------------

    def crossings(self) -> list[Crossing]:
        """Flows grouped by (source zone, target zone): boundary crossings first."""
        groups: dict[tuple[str, str], list[Flow]] = defaultdict(list)
        for flow in self.flows:
            groups[(self._zone_id(flow.source), self._zone_id(flow.target))].append(flow)
        out = [
            Crossing(self.graph.zones.get(a), self.graph.zones.get(b), fl) for (a, b), fl in groups.items()
        ]
        return sorted(out, key=lambda c: (not c.crosses, self._zone_key(c.source), self._zone_key(c.target)))

    def _zone_id(self, component_id: str) -> str:
        component = self.graph.components.get(component_id)
        return (component.zone or "") if component else ""

    @staticmethod
    def _zone_key(zone: Zone | None) -> str:
        return zone.id if zone else ""

    def data_usage(self) -> dict[str, dict[str, list[str]]]:
        """Per data id: components storing / processing it, flows sending / returning it."""
        usage: dict[str, dict[str, list[str]]] = {
            d: {"stored": [], "processed": [], "sent": [], "returned": []} for d in self.graph.data
        }
        for c in self.components:
            for d in c.stores:
                usage.get(d, {}).setdefault("stored", []).append(c.id)
            for d in c.processes:
                usage.get(d, {}).setdefault("processed", []).append(c.id)
        for f in self.flows:
            for d in f.data:
                usage.get(d, {}).setdefault("sent", []).append(f.id)
            for d in f.returns:
                usage.get(d, {}).setdefault("returned", []).append(f.id)
        return usage

    def zone_members(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for c in self.components:
            counts[c.zone or ""] += 1
        return counts
