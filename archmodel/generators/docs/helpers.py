"""Small inline renderers used in every table row, written in Python for speed.

Jinja macros cost tens of microseconds a call; a 10k-component site calls these a few
hundred thousand times. Each returns ``Markup`` that is already Markdown-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from archmodel.generators.docs.escape import md_code, md_escape
from archmodel.generators.docs.views import SiteViews, component_page
from archmodel.model import Flow, Zone


@lru_cache(maxsize=65_536)
def cached_escape(text: str) -> Markup:
    """``md_escape`` for the strings that repeat on every page (names, zones, data)."""
    return md_escape(text)


@lru_cache(maxsize=65_536)
def relative(target: str, page: str) -> str:
    """The link from ``page`` to ``target``, both POSIX paths below the docs dir."""
    here = page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


@pass_context
def comp(ctx: Context, component_id: str) -> Markup:
    """A link to a component's page, showing its name (just the id if it is unknown)."""
    v: SiteViews = ctx["v"]
    component = v.graph.components.get(component_id)
    if component is None:
        return cached_escape(component_id)
    return Markup(f"[{cached_escape(component.name)}]({relative(component_page(component_id), ctx['page'])})")


@pass_context
def data_names(ctx: Context, ids: Iterable[str]) -> Markup:
    """Data assets as ``Name (classification)``, comma-separated."""
    assets = ctx["v"].graph.data
    parts = [
        f"{cached_escape(assets[d].name)} ({assets[d].classification})" if d in assets else cached_escape(d)
        for d in ids
    ]
    return Markup(", ".join(parts))


def codes(ids: Iterable[str]) -> Markup:
    return Markup(", ".join(md_code(i) for i in ids))


def proto(flow: Flow) -> Markup:
    return Markup(f"{flow.protocol_label}:{flow.port}" if flow.port else flow.protocol_label)


def zone_name(zone: Zone | None) -> Markup:
    return Markup(f"{cached_escape(zone.name)} ({zone.trust})" if zone else "no zone")
