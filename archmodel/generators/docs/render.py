"""Jinja2 environments for the pages: Markdown templates escape every value by default.

Markdown has no autoescape of its own, so the Markdown environment's ``finalize`` runs
``md_escape`` on every ``{{ value }}`` that is not already ``Markup`` (what the helpers
below and macros return). Forgetting a filter therefore yields over-escaped text, never markup. The
few HTML fragments (the collapsible Mermaid source, the framed diagrams) come from ``.html.j2`` templates with
Jinja's own HTML autoescape.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context, select_autoescape
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from jinja2.runtime import Context
from markupsafe import Markup

from archmodel.formats.markdown import fence, md_code, md_escape, md_paragraphs
from archmodel.generators.docs import helpers

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    # md_escape(value) escapes str(value): numbers and enums repeat as much as names.
    return helpers.cached_escape(value if isinstance(value, str) else str(value))


relative = helpers.relative


class _FinalizedCodeGenerator(CodeGenerator):
    """Compiles ``{{ value }}`` to ``finalize(value)`` instead of ``escape(finalize(value))``.

    ``_finalize`` always returns escaped ``Markup`` (or ""), on which autoescape's
    ``escape`` is the identity; skipping it halves the cost of every value on a page
    (a 10k-component site outputs about a million of them). Autoescape stays on, so
    filters such as ``join`` and macro calls behave exactly as before.
    """

    def _skips_escape(self, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> bool:
        ctx = frame.eval_ctx
        return ctx.autoescape and not ctx.volatile and finalize.src == "environment.finalize("

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if self._skips_escape(frame, finalize):
            self.write("environment.finalize(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if self._skips_escape(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


@pass_context
def href(ctx: Context, target: str) -> Markup:
    return Markup(relative(target, ctx["page"]))


@pass_context
def link(ctx: Context, text: object, target: str) -> Markup:
    return Markup(f"[{helpers.cached_escape(str(text))}]({relative(target, ctx['page'])})")


@pass_context
def image(ctx: Context, alt: str, target: str) -> Markup:
    return Markup(f"![{md_escape(alt)}]({relative(target, ctx['page'])})")


STYLESHEET = "archmodel.css"


@pass_context
def figure(ctx: Context, alt: str, target: str) -> Markup:
    """A diagram linked to its SVG alone (full size), and a link saying so. Plain
    Markdown, so MkDocs rewrites and checks both links in any site layout; the
    stylesheet (``STYLESHEET``) keeps the picture at its own size in a scrolling frame."""
    url = relative(target, ctx["page"])
    picture = f"[![{md_escape(alt)}]({url})]({url})"
    return Markup(f"{picture}\n\n[Open the full-size diagram]({url}) (scroll the frame to pan)")


def details(summary: str, source: str, language: str = "mermaid") -> Markup:
    """A collapsed ``<details>`` block holding a diagram's source, HTML-escaped."""
    template = html_environment().get_template("details.html.j2")
    return Markup(template.render(summary=summary, source=source, language=language).strip())


def words(value: object) -> str:
    """``information_disclosure`` -> ``information disclosure``: enum values as prose."""
    return str(value).replace("_", " ")


@cache
def html_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "html.j2"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


class _MarkdownEnvironment(Environment):
    code_generator_class = _FinalizedCodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A flat dict, not Jinja's ``ChainMap`` over the environment's globals: every
        render copies the globals, and a dict copies in C. The globals are all set before
        the first template loads (``markdown_environment``), so nothing is missed."""
        return {**self.globals, **(d or {})}


@cache
def markdown_environment() -> Environment:
    env = _MarkdownEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        # ``finalize`` Markdown-escapes each value into Markup; autoescape then keeps macro
        # output (Markup) from being escaped twice and never touches the template text.
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates ship with the package: compile each once, never stat it again.
        auto_reload=False,
    )
    env.filters.update(md=md_escape, para=md_paragraphs, code=md_code, words=words)
    env.globals.update(href=href, link=link, image=image, figure=figure, details=details, fence=fence)
    env.globals.update(
        comp=helpers.comp,
        data_names=helpers.data_names,
        codes=helpers.codes,
        proto=helpers.proto,
        quantity=helpers.quantity,
        zone_name=helpers.zone_name,
        threat_table=helpers.threat_table,
        flow_rows=helpers.flow_rows,
        control_list=helpers.control_list,
    )
    return env


def render_page(template: str, page: str, **context: Any) -> str:
    """Render one page; trailing blank lines are trimmed so output is byte-stable."""
    text = _template(template).render(page=page, **context)
    return text.rstrip() + "\n"


@cache
def _template(name: str) -> Template:
    return markdown_environment().get_template(name)
