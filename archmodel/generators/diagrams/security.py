"""The security view: the seven layers stacked 7 -> 1, each with its controls.

Every control of the catalog (built-in plus the model's own) is shown with where it is
applied: components, flows, zones, environments. A control nothing applies is a gap
and is drawn red and dashed, so the picture doubles as a coverage report.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.scene import Cluster, Edge, Line, Node, Scene, Span, line
from archmodel.graph import ArchGraph
from archmodel.model import BUILTIN_CONTROLS, LAYER_NUMBER, LAYER_TITLE, Layer, implied_controls

MAX_LISTED = 4  # targets named per section before "+N more"


@dataclass
class Coverage:
    """Where one control is applied, by section (ids in model order)."""

    components: list[str] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    implied: list[str] = field(default_factory=list)  # e.g. TLS by protocol

    def empty(self) -> bool:
        return not (self.components or self.flows or self.zones or self.environments or self.implied)


def catalog(graph: ArchGraph) -> dict[str, tuple[Layer, str, bool]]:
    """Control id -> (layer, name, custom?), built-in first, then the model's own."""
    out = {cid: (layer, name, False) for cid, (layer, name) in BUILTIN_CONTROLS.items()}
    for control in graph.model.controls:
        out.setdefault(control.id, (control.layer, control.name, True))
    return out


def coverage(graph: ArchGraph) -> dict[str, Coverage]:
    found: dict[str, Coverage] = defaultdict(Coverage)
    for comp in graph.components.values():
        for cid in comp.controls:
            found[cid].components.append(comp.id)
        for cid in sorted(implied_controls(comp.kind)):  # a WAF is the ``waf`` control
            found[cid].implied.append(f"{comp.id} (by kind)")
    for flow in graph.flows.values():
        for cid in flow.controls:
            found[cid].flows.append(flow.id)
        if flow.encrypted and not {"tls", "mtls"} & set(flow.controls):
            found["tls"].implied.append(f"{flow.id} ({flow.protocol_label})")
    for zone in graph.zones.values():
        for cid in zone.controls:
            found[cid].zones.append(zone.id)
    for env in graph.environments.values():
        for cid in env.controls:
            found[cid].environments.append(env.id)
    return found


def _listing(title: str, ids: list[str]) -> Line:
    shown = ", ".join(ids[:MAX_LISTED])
    more = f" +{len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else ""
    return line(f"{title} ({len(ids)}): {shown}{more}", small=True)


def control_node(cid: str, name: str, custom: bool, cov: Coverage, cluster: str) -> Node:
    lines: list[Line] = [
        line(name, bold=True),
        line(cid + ("  · custom" if custom else ""), "#566573", small=True),
    ]
    if cov.empty():
        lines.append(line("GAP: not applied anywhere", style.GAP, bold=True, small=True))
        return Node(
            id="ctl-" + cid,
            lines=tuple(lines),
            fill=style.GAP_FILL,
            stroke=style.GAP,
            font=style.GAP,
            dashed=True,
            penwidth=1.5,
            cluster=cluster,
            tooltip=f"{name}: not applied to any component, flow, zone or environment",
        )
    for title, ids in (
        ("components", cov.components),
        ("flows", cov.flows),
        ("zones", cov.zones),
        ("environments", cov.environments),
        ("implied", cov.implied),
    ):
        if ids:
            lines.append(_listing(title, ids))
    return Node(id="ctl-" + cid, lines=tuple(lines), fill="#fdfefe", stroke="#1e8449", cluster=cluster)


def build_security(graph: ArchGraph) -> Scene:
    controls = catalog(graph)
    cov = coverage(graph)
    layers = sorted(Layer, key=lambda layer: -LAYER_NUMBER[layer])
    applied = sum(1 for cid in controls if not cov[cid].empty())
    scene = Scene(
        "security",
        f"{graph.model.system.name}: security layers",
        "TB",
        legend=(
            (
                Span(f"{applied} of {len(controls)} controls applied  "),
                Span("■ applied  ", "#1e8449"),
                Span("┅ gap: in the catalog, applied nowhere", style.GAP, bold=True),
            ),
        ),
        graph_attrs={"ranksep": "0.55", "nodesep": "0.25"},
    )
    previous: tuple[str, str] | None = None  # (middle node, cluster) of the layer above
    for layer in layers:
        lid = f"layer-{LAYER_NUMBER[layer]}"
        members = [cid for cid, (lay, _, _) in controls.items() if lay == layer]
        scene.clusters.append(
            Cluster(
                id=lid,
                lines=(line(f"Layer {LAYER_NUMBER[layer]}: {LAYER_TITLE[layer]}", bold=True),),
                fill="#f8f9f9",
                stroke="#5d6d7e",
                direction="LR",
            )
        )
        for cid in members:
            _, name, custom = controls[cid]
            scene.nodes.append(control_node(cid, name, custom, cov[cid], lid))
        node_ids = ["ctl-" + cid for cid in members]
        scene.same_rank.append(node_ids)
        # Invisible edges inside a rank keep the catalog order left to right.
        scene.edges += [Edge(a, b, invisible=True) for a, b in itertools.pairwise(node_ids)]
        if not node_ids:
            continue
        middle = node_ids[len(node_ids) // 2]
        if previous is not None:
            # One arrow between layers (as in the seed), between middle controls so the
            # layers stack centred.
            scene.edges.append(
                Edge(previous[0], middle, color="#5d6d7e", penwidth=1.5, ltail=previous[1], lhead=lid)
            )
        previous = (middle, lid)
    return scene
