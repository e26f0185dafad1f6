"""The Markdown template environment: every value escaped exactly once, however it is
compiled, and the per-site caches of the docs helpers giving the same cells as fresh ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from archmodel.formats.markdown import md_code, md_escape
from archmodel.generators.docs.helpers import _threat_cells, control_list
from archmodel.generators.docs.render import markdown_environment
from archmodel.generators.docs.threat_source import ThreatItem
from archmodel.generators.docs.views import ControlRef

HOSTILE = ["<script>alert(1)</script>", "a | b", "[x](javascript:1)", "*b* _i_ `c`", "# h\n- i", "&amp; 'q'"]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))


def render(source: str, **values: object) -> str:
    return markdown_environment().from_string(source).render(**values)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_value_is_markdown_escaped_once(text: str) -> None:
    assert render("{{ v }}", v=text) == md_escape(text)
    assert render("{{ v }}", v=Markup(text)) == text  # already escaped: left alone
    assert render("{{ v | md }}", v=text) == md_escape(text)  # the filter's Markup passes through


def test_numbers_and_none_render_as_before() -> None:
    assert render("{{ n }} {{ m }} {{ z }}|", n=7, m=-3, z=None) == f"7 {md_escape(-3)} |"


def test_join_still_escapes_its_items_for_html() -> None:
    """Autoescape stays on, so ``join`` escapes as it always has (values keep their bytes)."""
    items = ["a<b", "c&d"]
    assert render('{{ xs | join(", ") }}', xs=items) == str(escape(items[0]) + ", " + escape(items[1]))


def test_values_compile_to_finalize_alone() -> None:
    """What makes pages fast: no ``escape(...)`` around what finalize already escaped."""
    env = markdown_environment()
    code = env.compile("{{ a }} {{ b | md }}", raw=True)
    assert "environment.finalize(" in code
    assert "escape(environment.finalize(" not in code


def test_control_list_matches_the_cell_format() -> None:
    refs = [ControlRef("waf", "Web <firewall>", "zone App"), ControlRef("x y", "N|ame", "component")]
    cells = [f"{md_code(r.id)} {md_escape(r.name)} (from {md_escape(r.source)})" for r in refs]
    assert control_list(refs) == "; ".join(cells)
    assert control_list(refs[:1]) == cells[0]


def test_threat_cells_are_per_threat_value() -> None:
    base = ThreatItem("t1", "AMT1", "Title *x*", ("spoofing",), "high", "component:a", "open", "d <1>")
    other = ThreatItem("t2", "AMT1", "Title *x*", ("spoofing",), "high", "component:a", "open", "d <2>")
    assert _threat_cells(base)[1] != _threat_cells(other)[1]
    assert _threat_cells(base) == (
        f"| high | `AMT1` {md_escape('Title *x*')} | ",
        f"spoofing | {md_escape('d <1>')} |\n",
    )
