"""Graph rules: components no flow touches, risks, self-flows, scenario gaps and flows that
say two things about their authentication.

Validation reports malformed or inconsistent models only. Security judgements that used
to live here are threat rules now: AM305 (untrusted zone straight to a data store) is
AMT106 and AM306 (data above a zone's classification) is AMT161; see ``MOVED``.
"""

from __future__ import annotations

import fnmatch
import unicodedata
from collections.abc import Iterator

from archmodel.catalog import Severity
from archmodel.model import AUTH_CONTROLS, Authentication, Ref
from archmodel.rules.registry import Context, Issue, rule

# Codes retired from validation; kept reserved so that they never mean something else.
MOVED: dict[str, str] = {
    "AM305": "untrusted zone flows straight to a data store: now threat rule AMT106",
    "AM306": "data above the zone's classification: now threat rule AMT161",
}


@rule(
    "AM304",
    Severity.warning,
    "unreachable component",
    fix="Add the flow that reaches the component, tag it `entry_point` if it starts work itself, "
    "or remove it.",
)
def unreachable(ctx: Context) -> Iterator[Issue]:
    """A component no flow connects to or from, that is not an entry point (an actor,
    client, external system, a `public` component, or one tagged `entry_point`), is dead
    or missing its flows. A component that only initiates flows (a queue consumer, a
    scheduled job) is alive."""
    graph = ctx.graph
    if not graph.entry_points:
        return
    for c, origin in ctx.each("components", ctx.project.model.components):
        if c.id not in graph.alive and c.out_of_scope is None:
            yield Issue(
                f"component '{c.id}' has no flow to or from it",
                origin,
                ("id",),
                "add the flows it takes part in, or tag it 'entry_point'",
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


@rule(
    "AM313",
    Severity.error,
    "fix in progress without a ticket",
    fix="Link the work item that tracks the fix in `ticket:` (a URL or an issue key).",
)
def in_progress_without_ticket(ctx: Context) -> Iterator[Issue]:
    """A finding marked `in_progress` leaves the open list because someone is fixing it;
    without the work item that tracks the fix, nobody can check that it is."""
    for risk, origin in ctx.each("risks", ctx.project.model.risks):
        if str(risk.status) == "in_progress" and not _says_something(risk.ticket or ""):
            yield Issue(
                f"risk for '{risk.threat}' on '{risk.target}' is in progress with no ticket",
                origin,
                ("status",),
                "add 'ticket' with the issue URL or key",
            )


def _says_something(text: str) -> bool:
    """A justification must hold a letter or digit: spaces, zero-width and other format
    characters alone look like text in a review and say nothing."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


# Sections a risk may target by id (paths are matched by the threat engine only).
_TARGET_SECTIONS = frozenset({"components", "flows", "stages", "environments", "data", "system"})


@rule(
    "AM308",
    Severity.error,
    "risk target names nothing",
    fix="Write the target as `component:<id>`, `flow:<id>`, `stage:<id>`, `environment:<id>`, "
    "`data:<id>` or `system:<id>` (globs allowed) matching an element.",
)
def risk_target_unknown(ctx: Context) -> Iterator[Issue]:
    """A risk's `target` is `component:<id>`, `flow:<id>`, `stage:<id>`, `environment:<id>`,
    `data:<id>`, `system:<id>` or `path:<id>>…` (globs allowed): every target a finding can
    have. The kind must exist and a glob must match something. The system's id is `system`
    when `system:` sets none."""
    for risk, origin in ctx.each("risks", ctx.project.model.risks):
        if risk.target == "*":
            continue
        ref = Ref.parse(risk.target)
        if ref.section == "paths":
            continue
        if ref.section not in _TARGET_SECTIONS:
            hint = "use one of component:, flow:, stage:, environment:, data:, system:, path:"
            yield Issue(f"risk target '{risk.target}' has an unknown kind", origin, ("target",), hint)
        elif ref.section == "system":
            if not fnmatch.fnmatchcase(ctx.project.model.system.ref_id, ref.id):
                yield Issue(f"risk target '{risk.target}' matches no system", origin, ("target",))
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


# Controls on a flow that say the caller proves who it is, in the order they are named.
CALLER_PROOFS = tuple(sorted(AUTH_CONTROLS | {"mfa"}))


@rule(
    "AM315",
    Severity.warning,
    "flow authenticates no one but names a way to",
    fix="Set the flow's `authentication` to how the caller proves who it is, or remove the "
    "control: the flow cannot be both.",
)
def proof_without_authentication(ctx: Context) -> Iterator[Issue]:
    """A flow whose `authentication` is `none` says its caller proves nothing; a control
    such as `mfa`, `mtls` or `jwt` on it says the caller does. One of the two is wrong,
    and the threat rules would take the control's word for it (an unauthenticated admin
    flow closed by `mfa`)."""
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        named = [c for c in CALLER_PROOFS if c in f.controls]
        if f.authentication is Authentication.none and named:
            yield Issue(
                f"flow '{f.id}' has authentication none but names {', '.join(named)}",
                origin,
                ("controls",),
            )


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
