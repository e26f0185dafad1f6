"""Defence in depth: which security layers guard the ways from the internet to data.

Only the controls that act on such a way count (``PATH_CONTROLS``): a backup is of the
data layer but leaves data on the way as readable as it was.

For each layer the policy requires, one BFS runs over the component graph restricted to
the nodes and flows that carry no control of that layer, from the untrusted side. A store
of confidential or restricted data reached in that graph has at least one path on which
the layer is missing; BFS parents give the shortest such path as the witness. That is
``len(required layers)`` linear passes, never an enumeration of simple paths.

As on the attack paths, a hop out of one of ours is passed without its authentication
when whoever owns the caller holds a login to the callee (``blast.held_logins``): the
flow's ways of proving the caller and the callee's ``auth_controls`` are then no layer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from itertools import pairwise

from archmodel.model import (
    LAYER_NUMBER,
    LAYER_TITLE,
    PATH_CONTROLS,
    Classification,
    Flow,
    Layer,
    Ref,
)
from archmodel.threats.blast import held_logins
from archmodel.threats.checks.common import at_stake, quoted
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Check, Hit, threat
from archmodel.threats.types import Stride

_LAYER_RULES: dict[Layer, tuple[str, list[Stride], list[str], list[str]]] = {
    Layer.application: ("AMT171", [Stride.tampering], ["CWE-693"], ["CAPEC-66"]),
    Layer.api: ("AMT172", [Stride.spoofing, Stride.denial_of_service], ["CWE-693"], []),
    Layer.network: ("AMT173", [Stride.elevation_of_privilege], ["CWE-923"], ["CAPEC-94"]),
    Layer.data: ("AMT174", [Stride.information_disclosure], ["CWE-311"], ["CAPEC-157"]),
    Layer.infrastructure: ("AMT175", [Stride.repudiation], ["CWE-778"], []),
    Layer.identity: ("AMT176", [Stride.spoofing, Stride.elevation_of_privilege], ["CWE-287"], []),
    Layer.physical: ("AMT177", [Stride.denial_of_service], [], []),
}


def sources(ctx: ThreatContext) -> list[str]:
    """Where attackers start: the untrusted side, and public components fed by nothing."""
    starts = set(ctx.untrusted)
    starts.update(c.id for c in ctx.graph.components.values() if c.public and not ctx.predecessors[c.id])
    return sorted(starts)


def flow_layers(ctx: ThreatContext, f: Flow, held: bool = False) -> set[Layer]:
    """Layers of a flow's controls; an encrypting protocol (https, grpcs…) counts as ``tls``;
    its ways of proving the caller do not when the attacker ``held`` a login there."""
    return set(ctx.transit_layers(f, held))


def _entered_layers(ctx: ThreatContext, component_id: str) -> frozenset[Layer]:
    """Layers of a component entered with a held login (``entered_controls``)."""
    return frozenset(ctx.layers(ctx.entered_controls(component_id)))


def layer_gaps(ctx: ThreatContext, layer: Layer) -> Iterator[tuple[str, list[str]]]:
    """(sensitive store, shortest path from the untrusted side on which ``layer`` is absent)."""
    if layer in ctx.layers(ctx.environment_controls):
        return
    lacking_node = ctx.lacking(layer)
    open_layers = ctx.open_layers
    held = held_logins(ctx)
    between = ctx.graph.flows_between

    def open_edge(u: str, v: str) -> bool:
        if (u, v) in held:  # its authentication is passed: the rest must lack the layer
            return layer not in _entered_layers(ctx, v) and any(
                layer not in ctx.transit_layers(f, held=True) for f in between[(u, v)]
            )
        return v in lacking_node and layer in open_layers[(u, v)]

    parent: dict[str, str | None] = {s: None for s in sources(ctx) if s in lacking_node}
    queue = deque(parent)
    while queue:
        node = queue.popleft()
        for nxt in ctx.successors.get(node, []):
            if nxt not in parent and open_edge(node, nxt):
                parent[nxt] = node
                queue.append(nxt)
    for store in ctx.components():
        if store.id in parent and ctx.data_rank(store.stores) >= Classification.confidential.rank:
            path = [store.id]
            while (up := parent[path[-1]]) is not None:
                path.append(up)
            yield store.id, path[::-1]


def _present_layers(ctx: ThreatContext, path: list[str]) -> list[str]:
    found = ctx.layers(ctx.environment_controls) | ctx.local_layers(path[0])
    held = held_logins(ctx)
    for u, v in pairwise(path):
        login = (u, v) in held
        found |= _entered_layers(ctx, v) if login else ctx.local_layers(v)
        for f in ctx.graph.flows_between[(u, v)]:
            found |= flow_layers(ctx, f, login)
    return [str(layer) for layer in sorted(found, key=lambda x: -LAYER_NUMBER[x])]


def _by_entry(gaps: Iterator[tuple[str, list[str]]]) -> dict[str, list[list[str]]]:
    """Gap paths of one layer by entry point: one root cause (that entry, that missing
    layer), one finding on the nearest store, naming the others (as AMT200-AMT202 do)."""
    groups: dict[str, list[list[str]]] = {}
    for _store, path in gaps:
        groups.setdefault(path[0], []).append(path)
    return groups


def closing_controls(ctx: ThreatContext, layer: Layer) -> tuple[str, ...]:
    """What closes a gap of ``layer``: its built-in controls that act on the way, and the
    model's own controls of that layer."""
    builtin = PATH_CONTROLS[layer] & ctx.graph.layer_of.keys()
    own = {c.id for c in ctx.loaded.model.controls if c.layer is layer}
    return tuple(sorted(builtin | own))


def _make_check(layer: Layer) -> Check:
    def check(ctx: ThreatContext) -> Iterator[Hit]:
        if layer not in ctx.policy.required_layers:
            return
        controls = closing_controls(ctx, layer)
        for paths in _by_entry(layer_gaps(ctx, layer)).values():
            path = min(paths, key=lambda p: (len(p), p[-1]))
            store = ctx.graph.components[path[-1]]
            present = _present_layers(ctx, path)
            others = sorted(p[-1] for p in paths if p is not path)
            more = f" So do the paths to {quoted(others)}." if others else ""
            yield Hit(
                target=Ref.path(path),
                description=f"From '{path[0]}' to {at_stake(ctx, store.stores)} in '{store.id}', "
                f"the path {' > '.join(path)} has no {LAYER_TITLE[layer].lower()} control "
                f"(layers present: {', '.join(present) or 'none'}).{more}",
                stake=max(ctx.data_rank(ctx.graph.components[p[-1]].stores) for p in paths),
                where=("components", store.id),
                mitigations=controls,
            )

    check.__doc__ = (
        f"Defence in depth: a way from the untrusted side to confidential or restricted data "
        f"on which no control of layer {LAYER_NUMBER[layer]} ({LAYER_TITLE[layer]}) acts "
        f"({', '.join(sorted(PATH_CONTROLS[layer]))}, or one of the model's own controls of "
        "the layer); one failing control then exposes the data. Controls of the layer that "
        "guard something else (backups, a secrets vault, DDoS protection, a compliance "
        "attestation) leave the way open. One finding per entry point, on the nearest "
        "store, naming the others."
    )
    return check


def _layer_rule(layer: Layer) -> Callable[..., object]:
    rule_id, stride, cwe, capec = _LAYER_RULES[layer]
    builtin = sorted(PATH_CONTROLS[layer])
    return threat(
        rule_id,
        f"Path to sensitive data without {LAYER_TITLE[layer].lower()}",
        stride=stride,
        mitigations=builtin,
        fix=f"Add a {layer} control ({', '.join(builtin)}) to a component, flow or zone on the "
        "path, or to the environment.",
        layer=str(layer),
        weight=-1,
        cwe=cwe,
        capec=capec,
        scope="path",
    )(_make_check(layer))


# One rule per layer, made in a loop; the tuple is what lists them.
LAYER_RULES = tuple(_layer_rule(layer) for layer in _LAYER_RULES)

__all__ = ["layer_gaps", "sources"]
