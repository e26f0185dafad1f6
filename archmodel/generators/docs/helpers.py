"""Small inline renderers used in every table row, written in Python for speed.

Jinja macros cost tens of microseconds a call; a 10k-component site calls these a few
hundred thousand times. Each returns ``Markup`` that is already Markdown-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from archmodel.formats.markdown import md_code, md_escape
from archmodel.formats.memo import MEMO_LIMIT
from archmodel.generators.docs.threat_source import ThreatItem
from archmodel.generators.docs.views import ControlRef, SiteViews, component_page
from archmodel.model import Deploy, Flow, Zone


@lru_cache(maxsize=MEMO_LIMIT)
def cached_escape(text: str) -> Markup:
    """``md_escape`` for the strings that repeat on every page (names, zones, data)."""
    return md_escape(text)


@lru_cache(maxsize=MEMO_LIMIT)
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
    return component_link(ctx["v"], component_id, _folder(ctx["page"]))


def _folder(page: str) -> str:
    return page.rpartition("/")[0]


def component_link(v: SiteViews, component_id: str, folder: str) -> Markup:
    """``comp`` for a page in ``folder``; each link is built once per folder, not per use
    (a 10k-component site links each component from a dozen pages)."""
    key = ("link", component_id, folder)
    link = v.memo.get(key)
    if link is None:
        component = v.graph.components.get(component_id)
        if component is None:
            link = cached_escape(component_id)
        else:
            url = relative(component_page(component_id), f"{folder}/x" if folder else "x")
            link = Markup(f"[{cached_escape(component.name)}]({url})")
        v.memo[key] = link
    return link


@pass_context
def data_names(ctx: Context, ids: Iterable[str]) -> Markup:
    """Data assets as ``Name (classification)``, comma-separated."""
    return _data_names(ctx["v"], ids)


def _data_names(v: SiteViews, ids: Iterable[str]) -> Markup:
    ids = tuple(ids)
    key = ("data", *ids)
    names: Markup | None = v.memo.get(key)
    if names is None:
        names = v.memo[key] = _data_list(v, ids)
    return names


def _data_list(v: SiteViews, ids: tuple[str, ...]) -> Markup:
    assets = v.graph.data
    parts = [
        f"{cached_escape(assets[d].name)} ({assets[d].classification})" if d in assets else cached_escape(d)
        for d in ids
    ]
    return Markup(", ".join(parts))


class FlowRow(NamedTuple):
    """A flow as a table row: every cell already-escaped Markdown, "" when empty."""

    id: Markup
    source: Markup  # a link to the source component's page (``comp``)
    target: Markup
    protocol: Markup
    data: Markup
    returns: Markup
    controls: Markup
    encrypted: bool


@pass_context
def flow_rows(ctx: Context, flows: Iterable[Flow]) -> list[FlowRow]:
    """Rows for the flow tables of a page; each flow's cells are built once per site,
    its links once per folder."""
    v: SiteViews = ctx["v"]
    folder = _folder(ctx["page"])
    memo = v.memo
    rows = []
    for flow in flows:
        key = ("flow", flow.id, folder)
        row = memo.get(key)
        if row is None:
            cells = memo.get(("flow", flow.id))
            if cells is None:
                cells = memo[("flow", flow.id)] = FlowRow(
                    id=md_code(flow.id),
                    source=Markup(),
                    target=Markup(),
                    protocol=proto(flow),
                    data=_data_names(v, flow.data),
                    returns=_data_names(v, flow.returns),
                    controls=codes(flow.controls),
                    encrypted=bool(flow.encrypted),
                )
            source = component_link(v, flow.source, folder)
            row = memo[key] = cells._replace(source=source, target=component_link(v, flow.target, folder))
        rows.append(row)
    return rows


def control_list(controls: list[ControlRef]) -> Markup:
    """A layer's controls as "`id` Name (from source)", semicolon-separated."""
    return _control_list(tuple(controls))


@lru_cache(maxsize=4096)
def _control_list(controls: tuple[ControlRef, ...]) -> Markup:
    parts = (f"{md_code(c.id)} {cached_escape(c.name)} (from {cached_escape(c.source)})" for c in controls)
    return Markup("; ".join(parts))


def codes(ids: Iterable[str]) -> Markup:
    return Markup(", ".join(md_code(i) for i in ids))


def quantity(deploy: Deploy, what: str) -> str:
    """``100m``, ``100m, limit 250m`` or ``limit 250m``: a container's request and limit
    of CPU or memory (``—`` for neither)."""
    limits = deploy.limits
    request = getattr(deploy.requests, what)
    limit = getattr(limits, what) if limits else None
    shown = [request or "", f"limit {limit}" if limit else ""]
    return ", ".join(part for part in shown if part) or "—"


def proto(flow: Flow) -> Markup:
    return Markup(f"{flow.protocol_label}:{flow.port}" if flow.port else flow.protocol_label)


def zone_name(zone: Zone | None) -> Markup:
    return Markup(f"{cached_escape(zone.name)} ({zone.trust})" if zone else "no zone")


@pass_context
def threat_table(ctx: Context, items: Iterable[ThreatItem], with_target: bool = True) -> Markup:
    """The threats table of the overview, the register and every component page."""
    head = "| severity | threat | " + ("target | " if with_target else "") + "STRIDE | description |\n"
    rows = [head, "|---|---|---|" + ("---|" if with_target else "") + "---|\n"]
    for t in items:
        target = ""
        if with_target:
            target = (comp(ctx, t.component) if t.component else md_code(t.target)) + " | "
        head, tail = _threat_cells(t)
        rows.append(f"{head}{target}{tail}")
    return Markup("".join(rows))


@lru_cache(maxsize=MEMO_LIMIT)
def _threat_cells(t: ThreatItem) -> tuple[str, str]:
    """A threat's row without its target cell: built once, though the register and the
    component's page both list it."""
    stride = ", ".join(cached_escape(s.replace("_", " ")) for s in t.stride)
    head = f"| {cached_escape(t.severity)} | {md_code(t.rule)} {cached_escape(t.title)} | "
    return head, f"{stride} | {cached_escape(t.description)} |\n"
