"""Graph rules: reachability, trust boundaries and data classification."""

from __future__ import annotations

import fnmatch
import unicodedata
from collections.abc import Iterator

from archmodel.catalog import Severity
from archmodel.model import DATA_STORES, ZONE_MAY_HOLD, Ref, Trust
from archmodel.rules.registry import Context, Issue, rule


@rule(
    "AM304",
    Severity.warning,
    "unreachable component",
    fix="Add the flow that reaches the component, tag it `entry_point` if it starts work itself, "
    "or remove it.",
)
def unreachable(ctx: Context) -> Iterator[Issue]:
    """A component no flow reaches from an entry point (an actor, client, external system,
    a `public` component, or one tagged `entry_point`) is dead or missing its flows."""
    graph = ctx.graph
    if not graph.entry_points:
        return
    for c, origin in ctx.each("components", ctx.project.model.components):
        if c.id not in graph.reachable and c.out_of_scope is None:
            yield Issue(
                f"component '{c.id}' is not reachable from any entry point",
                origin,
                ("id",),
                "add the flow that reaches it, or tag it 'entry_point'",
            )


@rule(
    "AM305",
    Severity.error,
    "untrusted zone flows straight to a data store",
    fix="Put a service between the untrusted zone and the store, so the data is reached through an API.",
)
def untrusted_to_store(ctx: Context) -> Iterator[Issue]:
    """A flow from an untrusted zone must not reach a database, cache, queue or object
    store directly; put a service in between."""
    graph = ctx.graph
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        target = graph.components.get(f.target)
        if target is None or target.kind not in DATA_STORES:
            continue
        if graph.trust_of(f.source) == Trust.untrusted:
            yield Issue(
                f"flow '{f.id}' goes from the untrusted zone straight to {target.kind} '{target.id}'",
                origin,
                ("to",),
                "route it through a service that authenticates and validates",
            )


def _a(trust: Trust | None) -> str:
    return f"an {trust}" if str(trust)[:1] in "aeiou" else f"a {trust}"


def _too_sensitive(ctx: Context, data_ids: list[str], trust: Trust | None) -> list[str]:
    if trust is None:
        return []
    limit = ZONE_MAY_HOLD[trust]
    data = ctx.graph.data
    return [d for d in data_ids if d in data and data[d].classification > limit]


@rule(
    "AM306",
    Severity.error,
    "data above the zone's classification",
    fix="Lower the data's classification, or move the receiving component to a zone trusted with it.",
)
def classification_above_zone(ctx: Context) -> Iterator[Issue]:
    """A flow carries data (to its target, or back to its source as `returns`) classified
    above what the receiving zone may hold: untrusted ≤ public, dmz ≤ internal,
    internal ≤ confidential, restricted ≤ restricted."""
    graph = ctx.graph
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        for key, refs, receiver in (("data", f.data, f.target), ("returns", f.returns, f.source)):
            trust = graph.trust_of(receiver)
            for ref in _too_sensitive(ctx, refs, trust):
                level = graph.data[ref].classification
                yield Issue(
                    f"flow '{f.id}' sends {level} data '{ref}' to '{receiver}' in {_a(trust)} zone",
                    origin,
                    (key, refs.index(ref)),
                    f"{_a(trust)} zone may hold at most {ZONE_MAY_HOLD[trust]} data" if trust else None,
                )
    for c, origin in ctx.each("components", ctx.project.model.components):
        trust = graph.trust_of(c.id)
        for ref in _too_sensitive(ctx, c.stores, trust):
            level = graph.data[ref].classification
            yield Issue(
                f"component '{c.id}' stores {level} data '{ref}' in {_a(trust)} zone",
                origin,
                ("stores", c.stores.index(ref)),
                f"{_a(trust)} zone may hold at most {ZONE_MAY_HOLD[trust]} data" if trust else None,
            )


@rule(
    "AM307",
    Severity.error,
    "risk without justification",
    fix="Write why the decision is acceptable in `justification:`.",
)
def risk_without_justification(ctx: Context) -> Iterator[Issue]:
    """Accepting, mitigating or dismissing a threat needs a written justification."""
    for risk, origin in ctx.each("risks", ctx.project.model.risks):
        if not _says_something(risk.justification):
            yield Issue(
                f"risk for '{risk.threat}' on '{risk.target}' has no justification",
                origin,
                (),
                "say why in 'justification'",
            )


def _says_something(text: str) -> bool:
    """A justification must hold a letter or digit: spaces, zero-width and other format
    characters alone look like text in a review and say nothing."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


# Sections a risk may target by id (paths are matched by the threat engine only).
_TARGET_SECTIONS = frozenset({"components", "flows", "stages", "environments"})


@rule(
    "AM308",
    Severity.error,
    "risk target names nothing",
    fix="Write the target as `component:<id>`, `flow:<id>`, `stage:<id>` or `environment:<id>` "
    "(globs allowed) matching an element.",
)
def risk_target_unknown(ctx: Context) -> Iterator[Issue]:
    """A risk's `target` is `component:<id>`, `flow:<id>`, `stage:<id>`, `environment:<id>`
    or `path:<id>>…` (globs allowed); the kind must exist and a glob must match something."""
    for risk, origin in ctx.each("risks", ctx.project.model.risks):
        if risk.target == "*":
            continue
        ref = Ref.parse(risk.target)
        if ref.section == "paths":
            continue
        if ref.section not in _TARGET_SECTIONS:
            hint = "use one of component:, flow:, stage:, environment:, path:"
            yield Issue(f"risk target '{risk.target}' has an unknown kind", origin, ("target",), hint)
        elif not fnmatch.filter(sorted(ctx.known(ref.section)), ref.id):
            yield Issue(f"risk target '{risk.target}' matches no {ref.kind}", origin, ("target",))


@rule(
    "AM309",
    Severity.warning,
    "flow to itself",
    fix="Remove the flow, or model the internal parts as separate components.",
)
def self_flow(ctx: Context) -> Iterator[Issue]:
    """A flow from a component to itself says nothing about the architecture."""
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        if f.source == f.target:
            yield Issue(f"flow '{f.id}' goes from '{f.source}' to itself", origin, ("to",))


@rule(
    "AM310",
    Severity.warning,
    "scenario steps do not connect",
    fix="List every step of the scenario, each starting where the previous one ended.",
)
def scenario_gap(ctx: Context) -> Iterator[Issue]:
    """Each scenario step should start at a component an earlier step reached (or at an
    entry point); a gap usually means a missing flow."""
    flows = ctx.graph.flows
    for s, origin in ctx.each("scenarios", ctx.project.model.scenarios):
        seen: set[str] = set()
        for j, step in enumerate(s.steps):
            flow = flows.get(step)
            if flow is None:
                continue
            component = ctx.graph.components.get(flow.source)
            starts_fresh = component is not None and ctx.graph.is_entry_point(component)
            if seen and flow.source not in seen and not starts_fresh:
                yield Issue(
                    f"scenario '{s.id}' step '{step}' starts at '{flow.source}', "
                    "which no earlier step reached",
                    origin,
                    ("steps", j),
                )
            seen.update((flow.source, flow.target))
