"""Per-environment topology holds together: nothing exists where its parts do not.

A flow limited to an environment needs both its ends deployed there, and an environment
can add controls only to elements it has. Either contradiction is a malformed model: no
view of that environment could contain it.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.catalog import Severity
from archmodel.load import Origin
from archmodel.model import Component, Environment, Flow
from archmodel.model.view import deployed_in
from archmodel.rules.registry import Context, Issue, rule


@rule(
    "AM312",
    Severity.error,
    "element not in its environment",
    fix="Deploy the missing end (or the element) in that environment, or remove the environment "
    "from the flow's `environments` or the environment's `adds`.",
)
def outside_environment(ctx: Context) -> Iterator[Issue]:
    """A flow limited to an environment where one of its ends is not deployed, or an
    environment that adds controls to a component or flow it does not have."""
    components = {c.id: c for c in ctx.project.model.components}
    envs = ctx.known("environments")
    for f, origin in ctx.each("flows", ctx.project.model.flows):
        for j, env in enumerate(f.environments):
            missing = _missing_end(f, env, components) if env in envs else None
            if missing is not None:
                yield Issue(
                    f"flow '{f.id}' is limited to environment '{env}', where component "
                    f"'{missing}' is not deployed",
                    origin,
                    ("environments", j),
                )
    flows = {f.id: f for f in ctx.project.model.flows}
    for environment, origin in ctx.each("environments", ctx.project.model.environments):
        yield from _additions_outside(environment, origin, components, flows)


def _missing_end(flow: Flow, env: str, components: dict[str, Component]) -> str | None:
    for end in (flow.source, flow.target):
        component = components.get(end)
        if component is not None and not deployed_in(component, env):
            return end
    return None


def _additions_outside(
    env: Environment, origin: Origin, components: dict[str, Component], flows: dict[str, Flow]
) -> Iterator[Issue]:
    for i, add in enumerate(env.adds):
        element: Component | Flow | None = None
        if add.component is not None:
            element = components.get(add.component)
        elif add.flow is not None:
            element = flows.get(add.flow)
        if element is None:
            continue  # unknown ids are reported by the reference rules
        noun = "component" if isinstance(element, Component) else "flow"
        absent = not deployed_in(element, env.id)
        if isinstance(element, Flow) and not absent:
            absent = _missing_end(element, env.id, components) is not None
        if absent:
            yield Issue(
                f"environment '{env.id}' adds controls to {noun} '{element.id}', which it does not have",
                origin,
                ("adds", i, noun),
            )
