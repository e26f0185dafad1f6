"""Attack paths: from every entry point to every sensitive target, the weakest way in.

Entry points and targets are chosen in ``attack_surface``. For each entry one Dijkstra
search runs over the flow graph, where a hop into a component costs 1 plus a penalty for
every required security layer found on the hop (the component's own, zone and kind
controls, and the weakest of the flows joining the pair). The search tree gives each
reachable target its weakest path: the one an attacker would pick, with the fewest
defended hops. That is ``entries x O(E log V)``; no simple paths are enumerated. The
path then lists, hop by hop, the controls and layers found, and which layers the
target's class and classification require but the path lacks (``REQUIRED``, narrowed
by the policy's ``required_layers``).

The weakest path is a heuristic for "the path that matters": when it has every layer a
target requires, one breadth-first search per required layer (over the hops lacking it)
looks for a path on which that layer never appears, and that path is reported instead.
So an (entry, target) pair with any path lacking a required layer gets a finding.

Authentication stops only those who cannot log in. On a path the attacker owns every
component it has passed, so on a hop out of one of ours the caller's way of proving
itself (the flow's ``authentication`` and auth controls) and the callee's controls for
knowing its callers (``ThreatContext.auth_controls``) are no layer when the attacker
already holds a credential that logs in there: the caller's own login, one it fetches,
or one its blast radius reaches (``blast.held_logins``, the blast radius's own account
of what is held and what it opens). The hop's other controls, its encryption included,
still count. Whether a hop is so passed depends on its caller only, never on the path
before it, so the weights stay fixed and the search stays one Dijkstra per entry. A
client's credentials are the attacker's own: they log in as that user, which is the
authentication working, and count.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import cast

from archmodel.model import LAYER_NUMBER, Flow, Layer
from archmodel.threats.attack_surface import (
    PUBLIC,
    Entry,
    EntryKind,
    Target,
    TargetClass,
    entries,
    public_sources,
    required_layers,
    targets,
)
from archmodel.threats.blast import held_logins
from archmodel.threats.context import ThreatContext

# A hop that carries one more required layer costs this much more than a bare hop, so
# that a longer path through undefended components is weaker than a short guarded one.
LAYER_PENALTY = 8


@dataclass(frozen=True)
class Hop:
    """One component on a path, with the flows that lead into it (none for the entry).
    ``held``: credentials that log in to it which the attacker already holds, owning the
    component before it; the hop's authentication is then not among its controls."""

    component: str
    flows: tuple[str, ...]
    controls: tuple[str, ...]
    layers: tuple[Layer, ...]
    held: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttackPath:
    """The weakest path from ``entry`` to ``target``. Its components and hops are read
    from the search tree when asked for: a register of thousands of paths walks only
    those it shows."""

    entry: Entry
    target: Target
    required: tuple[Layer, ...]
    present: tuple[Layer, ...]
    missing: tuple[Layer, ...]
    tree: _Tree = field(repr=False, compare=False)

    @property
    def components(self) -> list[str]:
        return self.tree.walk(self.target.id)

    @property
    def hops(self) -> tuple[Hop, ...]:
        return self.tree.hops(self.components)

    @property
    def held(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(caller, callee, credentials held that log in to the callee) for each hop the
        attacker passes with a login it holds by owning the caller."""
        held = self.tree.costs.held
        path = self.components
        return [(up, c, held[(up, c)]) for up, c in pairwise(path) if (up, c) in held]

    @property
    def hop_layers(self) -> list[tuple[str, tuple[Layer, ...]]]:
        """(component, layers on the hop into it): ``hops`` without the controls, cheap
        enough for every finding's description."""
        step = self.tree.step
        return [(c, _unmask(step[c])) for c in self.components]

    def as_dict(self) -> dict[str, object]:
        return {
            "entry": self.entry.id,
            "entry_kind": str(self.entry.kind),
            "entry_zone": self.entry.zone,
            "target": self.target.id,
            "target_class": str(self.target.cls),
            "classification": str(self.target.classification),
            "data": list(self.target.data),
            "path": self.components,
            "hops": [
                {
                    "component": h.component,
                    "flows": list(h.flows),
                    "controls": list(h.controls),
                    "layers": [str(x) for x in h.layers],
                    "held_credentials": list(h.held),
                }
                for h in self.hops
            ],
            "required": [str(x) for x in self.required],
            "present": [str(x) for x in self.present],
            "missing": [str(x) for x in self.missing],
        }


def by_layer_number(layers: Iterable[Layer]) -> tuple[Layer, ...]:
    """Layers from 7 (application) down to 1, the order the seed design lists them in."""
    return _ordered(frozenset(layers))


@cache
def _ordered(layers: frozenset[Layer]) -> tuple[Layer, ...]:
    return tuple(sorted(layers, key=lambda x: -LAYER_NUMBER[x]))


# -- the weighted search -------------------------------------------------------------------


# Layers as bits of an int while searching: unions of ints, not of sets, on every hop.
_BIT = {layer: 1 << i for i, layer in enumerate(Layer)}


def _mask(layers: Iterable[Layer]) -> int:
    bits = 0
    for layer in layers:
        bits |= _BIT[layer]
    return bits


@cache
def _unmask(bits: int) -> tuple[Layer, ...]:
    return by_layer_number(layer for layer, bit in _BIT.items() if bits & bit)


@dataclass
class _Costs:
    """Layers and controls per component and per hop, computed once per analysis.
    ``adjacent`` holds, for each component, (next component, hop weight, layer bits of
    the hop and of the next component) for every in-scope component it calls. On a hop
    passed with a held login (``held``), the next component's controls are ``entered``."""

    node_controls: dict[str, frozenset[str]]
    node_layers: dict[str, frozenset[Layer]]
    hop_flows: dict[tuple[str, str], Flow]  # the weakest flow joining the pair
    hop_controls: dict[tuple[str, str], frozenset[str]]
    hop_bits: dict[tuple[str, str], int]
    held: dict[tuple[str, str], tuple[str, ...]]
    entered: dict[tuple[str, str], tuple[frozenset[str], int]]  # controls and their layer bits
    adjacent: dict[str, list[tuple[str, int, int]]]
    node_cost: dict[str, int]
    node_bits: dict[str, int]
    environment: int


def _costs(ctx: ThreatContext) -> _Costs:
    counted = _mask(ctx.policy.required_layers)
    node_controls = {c: ctx.local_controls(c) for c in ctx.graph.components}
    node_layers = {c: ctx.local_layers(c) for c in node_controls}
    node_bits = {c: _mask(layers) for c, layers in node_layers.items()}
    outside = {c.id for c in ctx.graph.components.values() if c.out_of_scope is not None}
    hop_flows: dict[tuple[str, str], Flow] = {}
    hop_controls: dict[tuple[str, str], frozenset[str]] = {}
    hop_bits: dict[tuple[str, str], int] = {}
    adjacent: dict[str, list[tuple[str, int, int]]] = {c: [] for c in ctx.graph.components}
    between = ctx.graph.flows_between
    held = held_logins(ctx)
    entered: dict[tuple[str, str], tuple[frozenset[str], int]] = {}
    memo: dict[frozenset[str], int] = {}  # most flows share a handful of control sets

    def masked(controls: frozenset[str]) -> int:
        if controls not in memo:
            memo[controls] = _mask(ctx.layers(controls))
        return memo[controls]

    def scored(f: Flow, login: bool) -> tuple[int, Flow, frozenset[str]]:
        controls = ctx.transit_controls(f, login)
        return masked(controls), f, controls

    for node, nexts in ctx.successors.items():
        for nxt in nexts:
            login = (node, nxt) in held
            flows = between[(node, nxt)]
            if len(flows) == 1:
                bits, weakest, controls = scored(flows[0], login)
            else:
                choices = [scored(f, login) for f in flows]
                bits, weakest, controls = min(choices, key=lambda s: ((s[0] & counted).bit_count(), s[1].id))
            hop_flows[(node, nxt)], hop_controls[(node, nxt)] = weakest, controls
            hop_bits[(node, nxt)] = bits
            if nxt not in outside:
                into = node_bits[nxt]
                if login:
                    kept = ctx.entered_controls(nxt)
                    into = masked(kept)
                    entered[(node, nxt)] = (kept, into)
                step = bits | into
                adjacent[node].append((nxt, 1 + LAYER_PENALTY * (step & counted).bit_count(), step))
    node_cost = {c: 1 + LAYER_PENALTY * (bits & counted).bit_count() for c, bits in node_bits.items()}
    environment = _mask(ctx.layers(ctx.environment_controls))
    return _Costs(
        node_controls,
        node_layers,
        hop_flows,
        hop_controls,
        hop_bits,
        held,
        entered,
        adjacent,
        node_cost,
        node_bits,
        environment,
    )


@dataclass
class _Tree:
    """One entry's search tree: each reached component's parent and the layers found on
    the way to it (environment included)."""

    entry: Entry
    costs: _Costs
    parent: dict[str, str | None]
    bits: dict[str, int]  # layer bits found on the way to each settled component
    step: dict[str, int]  # layer bits of the hop into each component (not the environment)

    def walk(self, end: str) -> list[str]:
        path = [end]
        while (up := self.parent[path[-1]]) is not None:
            path.append(up)
        return path[::-1]

    def hops(self, path: list[str]) -> tuple[Hop, ...]:
        """The entry's controls count only when it is our own public component, not the
        attacker's ground."""
        costs = self.costs
        hops: list[Hop] = []
        for i, node in enumerate(path):
            pair = (path[i - 1], node) if i else None
            flow = costs.hop_flows[pair] if pair else None
            controls: set[str] = set()
            layers: set[Layer] = set()
            if pair in costs.entered:
                kept, bits = costs.entered[pair]
                controls |= kept
                layers |= set(_unmask(bits))
            elif i or self.entry.ours:
                controls |= costs.node_controls[node]
                layers |= costs.node_layers[node]
            if flow is not None and pair is not None:
                controls |= costs.hop_controls[pair]
                layers |= set(_unmask(costs.hop_bits[pair]))
            held = costs.held.get(pair, ()) if pair else ()
            hops.append(
                Hop(node, (flow.id,) if flow else (), tuple(sorted(controls)), by_layer_number(layers), held)
            )
        return tuple(hops)


def _tree(ctx: ThreatContext, costs: _Costs, entry: Entry) -> _Tree:
    """Dijkstra from one entry: each reached component's parent on its weakest path, and
    the layers on that path, set when the component is settled (its parent is by then).
    Ties go to the smaller id, so the same model always gives the same paths. The
    ``(internet)`` entry starts from every public source at once, each at its own cost."""
    starts = {entry.id: 0}
    if entry.members:
        starts = dict.fromkeys(entry.members, 0)
    elif entry.id == PUBLIC:
        starts = {s: costs.node_cost[s] for s in public_sources(ctx)}
    dist = dict(starts)
    parent: dict[str, str | None] = dict.fromkeys(starts)
    bits: dict[str, int] = {}
    found: dict[str, int] = {}  # layer bits of the hop into each component, as found
    for s in starts:
        found[s] = costs.node_bits[s] if entry.ours else 0
    heap = sorted((d, s) for s, d in starts.items())
    adjacent = costs.adjacent
    while heap:
        d, node = heapq.heappop(heap)
        if node in bits:
            continue
        up = parent[node]
        bits[node] = (costs.environment if up is None else bits[up]) | found[node]
        for nxt, w, step in adjacent[node]:
            nd = d + w
            if nxt not in bits and nd < dist.get(nxt, nd + 1):
                dist[nxt], parent[nxt], found[nxt] = nd, node, step
                heapq.heappush(heap, (nd, nxt))
    return _Tree(entry, costs, parent, bits, found)


def _gap_tree(ctx: ThreatContext, costs: _Costs, entry: Entry, layer: int) -> _Tree | None:
    """Breadth-first from one entry over the hops (and components) that lack ``layer``:
    the shortest path to each component on which that layer never appears. None when the
    environment provides the layer everywhere."""
    if costs.environment & layer:
        return None
    starts = list(entry.members) or (public_sources(ctx) if entry.id == PUBLIC else [entry.id])
    step = {s: costs.node_bits[s] if entry.ours else 0 for s in starts}
    parent: dict[str, str | None] = {s: None for s in starts if not step[s] & layer}
    bits = {s: costs.environment | step[s] for s in parent}
    queue = deque(parent)
    adjacent = costs.adjacent
    while queue:
        node = queue.popleft()
        for nxt, _, hop in adjacent[node]:
            if nxt not in parent and not hop & layer:
                parent[nxt], step[nxt], bits[nxt] = node, hop, bits[node] | hop
                queue.append(nxt)
    return _Tree(entry, costs, parent, bits, step)


def _entry_paths(
    ctx: ThreatContext, costs: _Costs, entry: Entry, all_targets: list[Target], required: dict[Target, int]
) -> Iterator[AttackPath]:
    """Each target's weakest path from ``entry``; when that one has every layer the
    target requires, the shortest path that lacks one (if any), so that no path lacking a
    required layer goes unreported. One search per required layer, only when needed."""
    tree = _tree(ctx, costs, entry)
    gaps: dict[int, _Tree | None] = {}
    for t in all_targets:
        if t.id == entry.id or t.id in entry.members or t.id not in tree.bits:
            continue
        chosen = tree
        if not required[t] & ~tree.bits[t.id]:
            for layer in _BIT.values():
                if required[t] & layer:
                    if layer not in gaps:
                        gaps[layer] = _gap_tree(ctx, costs, entry, layer)
                    gap = gaps[layer]
                    if gap is not None and t.id in gap.bits:
                        chosen = gap
                        break
        bits = chosen.bits[t.id]
        yield AttackPath(entry, t, _unmask(required[t]), _unmask(bits), _unmask(required[t] & ~bits), chosen)


def analyse_paths(ctx: ThreatContext) -> list[AttackPath]:
    """An attack path from every entry point to every target it reaches, by entry then
    target; memoised on the context, so rules and the register share one analysis."""
    memo = ctx.__dict__.get("_attack_paths")
    if memo is not None:
        return cast(list[AttackPath], memo)
    found: list[AttackPath] = []
    all_targets = targets(ctx)
    if all_targets:
        costs = _costs(ctx)
        required = {t: _mask(required_layers(ctx, t)) for t in all_targets}
        for entry in entries(ctx):
            found += _entry_paths(ctx, costs, entry, all_targets, required)
    ctx.__dict__["_attack_paths"] = found
    return found


__all__ = [
    "PUBLIC",
    "AttackPath",
    "Entry",
    "EntryKind",
    "Hop",
    "Target",
    "TargetClass",
    "analyse_paths",
    "by_layer_number",
    "entries",
    "targets",
]
