"""One environment's view of a model: what is deployed there and which controls hold.

A model describes every environment at once. Components, flows and user-defined controls
may be limited to some environments, and an environment may add controls to single
elements (production's WAF, a certificate on one flow). The view is the plain model an
environment sees, so every rule, threat check and generator works on it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from archmodel.model.component import Component
from archmodel.model.controls import Control
from archmodel.model.document import Model
from archmodel.model.environment import Environment
from archmodel.model.flow import Flow
from archmodel.model.zone import Zone

T = TypeVar("T", Component, Flow, Zone)


@dataclass(frozen=True)
class View:
    """The model one environment sees, and which elements of each section it kept (by
    index in the full model), so locations of the full model still apply. Every
    environment stays listed (pipeline stages still find theirs); ``model.environment``
    names the one in view."""

    model: Model
    kept: dict[str, list[int]]


def deployed_in(element: Component | Flow, env_id: str) -> bool:
    """Elements without an ``environments`` list exist in every environment."""
    return not element.environments or env_id in element.environments


def has_topology(model: Model) -> bool:
    """Whether environments differ in more than their environment-wide controls."""
    limited: list[Component | Flow | Control] = [*model.components, *model.flows, *model.controls]
    return any(e.environments for e in limited) or any(e.adds for e in model.environments)


def environment_view(model: Model, env_id: str) -> View:
    """The model as deployed in ``env``: elements limited to other environments left out,
    a flow kept only where both its ends are, the environment's additions applied, and
    controls limited to other environments removed everywhere. ``env_id`` must exist."""
    index = next(i for i, e in enumerate(model.environments) if e.id == env_id)
    env = model.environments[index]
    absent = {c.id for c in model.controls if c.environments and env.id not in c.environments}
    added = _additions(env)
    components = [i for i, c in enumerate(model.components) if deployed_in(c, env.id)]
    present = {model.components[i].id for i in components}
    flows = [
        i
        for i, f in enumerate(model.flows)
        if deployed_in(f, env.id) and f.source in present and f.target in present
    ]
    kept_flows = {model.flows[i].id for i in flows}
    scenarios = [i for i, s in enumerate(model.scenarios) if all(step in kept_flows for step in s.steps)]
    view = replace(
        model,
        components=_adjusted([model.components[i] for i in components], added["components"], absent),
        flows=_adjusted([model.flows[i] for i in flows], added["flows"], absent),
        zones=_adjusted(model.zones, added["zones"], absent),
        environments=[
            e.model_copy(update={"controls": _without(e.controls, absent)}) if i == index else e
            for i, e in enumerate(model.environments)
        ],
        scenarios=[model.scenarios[i] for i in scenarios],
        environment=env.id,
    )
    kept = {"components": components, "flows": flows, "scenarios": scenarios}
    return View(view, kept)


def _additions(env: Environment) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {"components": {}, "flows": {}, "zones": {}}
    for add in env.adds:
        out[add.section].setdefault(add.target, []).extend(add.controls)
    return out


def _adjusted(items: Sequence[T], added: dict[str, list[str]], absent: set[str]) -> list[T]:
    """Items with the environment's controls added and absent controls removed; an item
    that changes is copied, the others are shared with the full model."""
    if not added and not absent:
        return list(items)
    out: list[T] = []
    item: T
    for item in items:
        controls = _without([*item.controls, *added.get(item.id, ())], absent)
        out.append(item if controls == item.controls else item.model_copy(update={"controls": controls}))
    return out


def _without(controls: Iterable[str], absent: set[str]) -> list[str]:
    """Controls in order, each once, without those not in force here."""
    return [c for c in dict.fromkeys(controls) if c not in absent]


__all__ = ["View", "deployed_in", "environment_view", "has_topology"]
