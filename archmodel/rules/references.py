"""Every reference resolves: zones, components, data, controls, environments, stages, flows.

Known ids include elements that failed the schema, so one broken element gives one error
and not a cascade of "unknown" errors wherever it is referenced.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

from archmodel.catalog import Severity
from archmodel.load import Origin
from archmodel.model import BUILTIN_CONTROLS, Component, Control, Environment, Flow, Zone
from archmodel.rules.registry import Context, Issue, rule


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _unknown(what: str, owner: str, ref: str, known: set[str], origin: Origin, *sub: str | int) -> Issue:
    return Issue(f"{owner} refers to unknown {what} '{ref}'", origin, sub, did_you_mean(ref, known))


@rule(
    "AM202",
    Severity.error,
    "unknown zone",
    fix="Correct the zone id (the message suggests the closest one) or add the zone under `zones:`.",
)
def unknown_zone(ctx: Context) -> Iterator[Issue]:
    """A component's `zone` or a zone's `parent` names no zone."""
    zones = ctx.known("zones")
    for c, origin in ctx.each("components", ctx.project.model.components):
        if c.zone is not None and c.zone not in zones:
            yield _unknown("zone", f"component '{c.id}'", c.zone, zones, origin, "zone")
    for z, origin in ctx.each("zones", ctx.project.model.zones):
        if z.parent is not None and z.parent not in zones:
            yield _unknown("zone", f"zone '{z.id}'", z.parent, zones, origin, "parent")
    yield from _unknown_additions(ctx, "zone", zones)


@rule(
    "AM203",
    Severity.error,
    "unknown component",
    fix="Correct the component id (the message suggests the closest one) or add the component.",
)
def unknown_component(ctx: Context) -> Iterator[Issue]:
    """A flow's `from` or `to`, or a data asset's `owner`, names no component."""
    components = ctx.known("components")
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        for key, ref in (("from", f.source), ("to", f.target)):
            if ref not in components:
                yield _unknown("component", f"flow '{f.id}'", ref, components, origin, key)
    for d, origin in ctx.each("data", ctx.project.model.data):
        for i, owner in enumerate(d.owners):
            if owner not in components:
                where = ("owner",) if isinstance(d.owner, str) else ("owner", i)
                yield _unknown("component", f"data asset '{d.id}'", owner, components, origin, *where)
    yield from _unknown_additions(ctx, "component", components)


@rule(
    "AM204",
    Severity.error,
    "unknown data asset",
    fix="Correct the data asset id or add the asset under `data:`.",
)
def unknown_data(ctx: Context) -> Iterator[Issue]:
    """A component's `stores`/`processes` or a flow's `data`/`returns` names no data asset."""
    data = ctx.known("data")
    model = ctx.project.model
    named = {d for c in model.components for d in (*c.stores, *c.processes)}
    named.update(d for f in model.flows for d in (*f.data, *f.returns))
    if named <= data:
        return  # the common case: every reference resolves, nothing to locate
    for c, origin in ctx.each("components", model.components):
        for key, refs in (("stores", c.stores), ("processes", c.processes)):
            for j, ref in enumerate(refs):
                if ref not in data:
                    yield _unknown("data asset", f"component '{c.id}'", ref, data, origin, key, j)
    for f, origin in ctx.each("flows", model.flows):
        for key, refs in (("data", f.data), ("returns", f.returns)):
            for j, ref in enumerate(refs):
                if ref not in data:
                    yield _unknown("data asset", f"flow '{f.id}'", ref, data, origin, key, j)


@rule(
    "AM205",
    Severity.error,
    "unknown control",
    fix="Use a built-in control id, or define the control under `controls:` with its layer.",
)
def unknown_control(ctx: Context) -> Iterator[Issue]:
    """A `controls` entry is neither a built-in control (SPEC §2) nor defined under `controls:`."""
    known = set(BUILTIN_CONTROLS) | ctx.known("controls")
    model = ctx.project.model
    sections: tuple[tuple[str, str, Sequence[Component | Flow | Zone | Environment]], ...] = (
        ("component", "components", model.components),
        ("flow", "flows", model.flows),
        ("zone", "zones", model.zones),
        ("environment", "environments", model.environments),
    )
    named = {ref for _, _, items in sections for element in items for ref in element.controls}
    named.update(ref for env in model.environments for add in env.adds for ref in add.controls)
    if named <= known:
        return  # the common case: every reference resolves, nothing to locate
    for noun, section, items in sections:
        for element, origin in ctx.each(section, items):
            for j, ref in enumerate(element.controls):
                if ref not in known:
                    yield _unknown("control", f"{noun} '{element.id}'", ref, known, origin, "controls", j)
    for env, origin in ctx.each("environments", model.environments):
        for i, add in enumerate(env.adds):
            for j, ref in enumerate(add.controls):
                if ref not in known:
                    owner = f"environment '{env.id}'"
                    yield _unknown("control", owner, ref, known, origin, "adds", i, "controls", j)


@rule(
    "AM206",
    Severity.error,
    "unknown environment",
    fix="Correct the environment id or add the environment under `environments:`.",
)
def unknown_environment(ctx: Context) -> Iterator[Issue]:
    """A pipeline stage's `environment`, or the `environments` a component, flow or
    control is limited to, names no environment."""
    envs = ctx.known("environments")
    model = ctx.project.model
    for s, origin in ctx.each("stages", model.stages):
        if s.environment is not None and s.environment not in envs:
            yield _unknown("environment", f"stage '{s.id}'", s.environment, envs, origin, "environment")
    limited: tuple[tuple[str, str, Sequence[Component | Flow | Control]], ...] = (
        ("component", "components", model.components),
        ("flow", "flows", model.flows),
        ("control", "controls", model.controls),
    )
    if {ref for _, _, items in limited for element in items for ref in element.environments} <= envs:
        return  # the common case: every reference resolves, nothing to locate
    for noun, section, items in limited:
        for element, origin in ctx.each(section, items):
            for j, ref in enumerate(element.environments):
                if ref not in envs:
                    owner = f"{noun} '{element.id}'"
                    yield _unknown("environment", owner, ref, envs, origin, "environments", j)


@rule(
    "AM207",
    Severity.error,
    "unknown stage",
    fix="Correct the stage id in `needs`, or add the stage it needs.",
)
def unknown_stage(ctx: Context) -> Iterator[Issue]:
    """A pipeline stage `needs` a stage that does not exist."""
    stages = ctx.known("stages")
    for s, origin in ctx.each("stages", ctx.project.model.stages):
        for j, ref in enumerate(s.needs):
            if ref not in stages:
                yield _unknown("stage", f"stage '{s.id}'", ref, stages, origin, "needs", j)


@rule(
    "AM208",
    Severity.error,
    "unknown flow",
    fix="Write the step as `from->to` over a flow that exists, or add the flow.",
)
def unknown_flow(ctx: Context) -> Iterator[Issue]:
    """A scenario step names no flow."""
    flows = ctx.known("flows")
    for s, origin in ctx.each("scenarios", ctx.project.model.scenarios):
        for j, ref in enumerate(s.steps):
            if ref not in flows:
                yield _unknown("flow", f"scenario '{s.id}'", ref, flows, origin, "steps", j)
    yield from _unknown_additions(ctx, "flow", flows)


def _unknown_additions(ctx: Context, noun: str, known: set[str]) -> Iterator[Issue]:
    """Environment ``adds`` entries that name a missing component, flow or zone."""
    for env, origin in ctx.each("environments", ctx.project.model.environments):
        for i, add in enumerate(env.adds):
            ref = getattr(add, noun)
            if ref is not None and ref not in known:
                yield _unknown(noun, f"environment '{env.id}'", ref, known, origin, "adds", i, noun)
