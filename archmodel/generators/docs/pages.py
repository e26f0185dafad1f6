"""Every page of the site, rendered from the templates: ``{path below docs dir: text}``.

The pages take the diagrams as already generated files (by the diagrams generator), so
this module never draws anything and can be timed alone on large models.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from archmodel.catalog import RuleKind
from archmodel.findings import rule_catalog
from archmodel.generators.docs.render import render_page
from archmodel.generators.docs.threat_source import SEVERITIES, AttackItems, ThreatItem, threat_rules
from archmodel.generators.docs.views import LAYERS, SiteViews, component_page, scenario_page
from archmodel.graph import ArchGraph
from archmodel.model import LAYER_NUMBER, LAYER_TITLE, Layer, Stage

TOP_THREATS = 10


@dataclass(frozen=True)
class Diagrams:
    """The diagram files a page may show (paths as the diagrams generator names them)."""

    files: dict[str, bytes]

    def has_svg(self, name: str) -> bool:
        return f"diagrams/{name}.svg" in self.files

    def mermaid(self, name: str) -> str:
        return self.files.get(f"diagrams/{name}.mmd", b"").decode("utf-8")

    def svgs(self) -> dict[str, bytes]:
        return {p: b for p, b in self.files.items() if p.endswith(".svg")}


@dataclass(frozen=True)
class ControlUsage:
    layer: Layer
    id: str
    name: str
    count: int


def build_pages(
    graph: ArchGraph, threats: list[ThreatItem], diagrams: Diagrams, attack: AttackItems | None = None
) -> dict[str, str]:
    """All Markdown pages of one model, keyed by their path below the docs dir."""

    v = SiteViews(graph, threats)
    base: dict[str, Any] = {
        "v": v,
        "diagrams": diagrams,
        "component_path": component_page,
        "scenario_path": scenario_page,
    }
    pages = {
        "index.md": render_page("index.md.j2", "index.md", **base, **_overview(v)),
        "components.md": render_page("components.md.j2", "components.md", **base),
        "flows.md": render_page("flows.md.j2", "flows.md", **base, crossings=v.crossings()),
        "data.md": render_page(
            "data.md.j2",
            "data.md",
            **base,
            assets=sorted(graph.data.values(), key=lambda d: d.id),
            usage=v.data_usage(),
        ),
        "layers.md": render_page("layers.md.j2", "layers.md", **base, **_layers(v)),
        "threats.md": render_page(
            "threats.md.j2", "threats.md", **base, **_register(v), attack=attack or AttackItems()
        ),
        "environments.md": render_page("environments.md.j2", "environments.md", **base, **_environments(v)),
        "pipeline.md": render_page("pipeline.md.j2", "pipeline.md", **base, stages=_stage_order(graph)),
        "scenarios.md": render_page("scenarios.md.j2", "scenarios.md", **base, scenarios=_scenarios(v)),
        "rules.md": render_page(
            "rules.md.j2",
            "rules.md",
            rules=[r for r in rule_catalog().values() if r.kind is not RuleKind.threat],
            threat_rules=threat_rules(),
        ),
    }
    for c in v.components:
        page = component_page(c.id)
        pages[page] = render_page("component.md.j2", page, **base, **_component(v, c.id))
    for s in _scenarios(v):
        page = scenario_page(s.id)
        steps = [graph.flows[f] for f in s.steps if f in graph.flows]
        pages[page] = render_page("scenario.md.j2", page, **base, s=s, steps=steps)
    return dict(sorted(pages.items()))


def _overview(v: SiteViews) -> dict[str, Any]:
    m = v.model
    open_threats = [t for t in v.threats if t.is_open]
    counts = {
        "components": len(m.components),
        "flows": len(m.flows),
        "zones": len(m.zones),
        "data": len(m.data),
        "environments": len(m.environments),
        "stages": len(m.stages),
        "scenarios": len(m.scenarios),
        "open_threats": len(open_threats),
    }
    return {
        "system": m.system,
        "counts": counts,
        "zones": sorted(v.graph.zones.values(), key=lambda z: z.id),
        "members": v.zone_members(),
        "top_threats": open_threats[:TOP_THREATS],
    }


def _component(v: SiteViews, component_id: str) -> dict[str, Any]:
    c = v.graph.components[component_id]
    return {
        "c": c,
        "zone": v.graph.zones.get(c.zone) if c.zone else None,
        "environments": v.runs_in(c),
        "layers": v.layers_of(c),
        "inbound": v.inbound(c.id),
        "outbound": v.outbound(c.id),
        "threats": [t for t in v.threats_by_component.get(c.id, []) if t.is_open],
    }


def _layers(v: SiteViews) -> dict[str, Any]:
    layer_of = v.graph.layer_of
    matrix, totals = [], [0] * len(LAYERS)
    usage: Counter[str] = Counter()
    for c in v.components:
        per_layer: Counter[Layer] = Counter()
        for control in v.graph.effective_controls(c.id, v.graph.analysed_environments):
            usage[control] += 1
            if control in layer_of:
                per_layer[layer_of[control]] += 1
        counts = [per_layer[layer] for layer in LAYERS]
        totals = [t + (1 if n else 0) for t, n in zip(totals, counts, strict=True)]
        matrix.append({"id": c.id, "out_of_scope": bool(c.out_of_scope), "counts": counts})
    environments = sorted(v.graph.environments.values(), key=lambda e: e.id)
    env_layers: dict[str, dict[Layer, list[str]]] = {}
    for e in environments:
        env_layers[e.id] = defaultdict(list)
        for control in sorted(e.controls):
            if control in layer_of:
                env_layers[e.id][layer_of[control]].append(control)
    control_usage = sorted(
        (
            ControlUsage(layer_of[cid], cid, v.control_names.get(cid, cid), n)
            for cid, n in usage.items()
            if cid in layer_of
        ),
        key=lambda u: (-LAYER_NUMBER[u.layer], u.id),
    )
    return {
        "layers": LAYERS,
        "layer_number": LAYER_NUMBER,
        "layer_title": LAYER_TITLE,
        "matrix": matrix,
        "totals": totals,
        "environments": environments,
        "env_layers": env_layers,
        "control_usage": control_usage,
    }


def _register(v: SiteViews) -> dict[str, Any]:
    summary = []
    for severity in SEVERITIES:
        statuses = Counter(t.status for t in v.threats if t.severity == severity)
        summary.append(
            {
                "severity": severity,
                **{s: statuses[s] for s in ("open", "accepted", "mitigated", "false_positive")},
            }
        )
    return {
        "summary": summary,
        "open_threats": [t for t in v.threats if t.is_open],
        "decided": [t for t in v.threats if not t.is_open],
        "risks": v.model.risks,
    }


def _environments(v: SiteViews) -> dict[str, Any]:
    deployed_by: dict[str, list[str]] = defaultdict(list)
    for stage in sorted(v.graph.stages.values(), key=lambda s: s.id):
        if stage.environment:
            deployed_by[stage.environment].append(stage.id)
    deployed = [c for c in v.components if v.runs_in(c)] if v.graph.environments else []
    return {
        "environments": sorted(v.graph.environments.values(), key=lambda e: e.id),
        "deployed_by": deployed_by,
        "deployed_count": len(deployed),
    }


def _stage_order(graph: ArchGraph) -> list[Stage]:
    """Stages in a stable topological order (by id among peers); as listed if cyclic."""
    try:
        order = list(nx.lexicographical_topological_sort(graph.stage_graph))
    except nx.NetworkXUnfeasible:
        order = sorted(graph.stages)
    return [graph.stages[s] for s in order]


def _scenarios(v: SiteViews) -> list[Any]:
    seen: dict[str, Any] = {}
    for s in v.model.scenarios:
        seen.setdefault(s.id, s)
    return [seen[k] for k in sorted(seen)]
