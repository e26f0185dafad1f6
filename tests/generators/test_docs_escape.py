"""md_escape: any user string renders as exactly that text, in a paragraph and in a table cell."""

from __future__ import annotations

import html
import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from archmodel.formats.markdown import fence, md_code, md_escape, md_paragraphs, one_line

HOSTILE = [
    "<script>alert(1)</script>",
    "a | b | c",
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "# heading\n\n- item\n1. one\n> quote",
    "*bold* _it_ `code` **x** __y__",
    '<img src=x onerror="alert(1)">',
    "&amp; &lt; &#60; 'quoted' \"double\"",
    "{: .cls} \\ trailing backslash \\",
    "line one\nline two\r\nline three\u2028four",
    "\x02\x03 placeholders \x00",
]

# Mostly the characters Markdown and HTML care about, plus anything else.
SPECIALS = st.sampled_from([*"\\`*_{}[]()#+-.!|<>&\"' \n:=~^/@$%;", "http://", "<b>", "&#x3c;", "    "])
TEXT = st.lists(st.one_of(SPECIALS, st.text(max_size=3)), max_size=30).map("".join)


def render(source: str) -> str:
    return markdown.markdown(source, extensions=["tables", "toc"])


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def tags(fragment: str) -> list[str]:
    return re.findall(r"</?([a-zA-Z0-9]+)", fragment)


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_paragraph_renders_as_plain_text(text: str) -> None:
    out = render(md_escape(text))
    assert set(tags(out)) <= {"p"}
    assert text_of(out) == one_line(text)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_table_cells_stay_in_their_cell(a: str, b: str) -> None:
    out = render(f"| x | y |\n|---|---|\n| {md_escape(a)} | {md_escape(b)} |\n")
    cells = re.findall(r"<td>(.*?)</td>", out, flags=re.S)
    assert [text_of(c) for c in cells] == [one_line(a), one_line(b)]
    assert set(tags(out)) <= {"table", "thead", "tbody", "tr", "th", "td"}


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_link_text_cannot_leave_the_link(text: str) -> None:
    out = render(f"[{md_escape(text)}](page.md)")
    assert out.count("<a ") == 1 and 'href="page.md"' in out
    assert text_of(out) == one_line(text)


def test_hostile_examples() -> None:
    for text in HOSTILE:
        out = render(md_escape(text))
        assert set(tags(out)) == {"p"}, out
        assert text_of(out) == one_line(text)


def test_paragraphs_keep_blank_lines_only() -> None:
    assert md_paragraphs("a\nb\n\n# c") == "a b\n\n\\# c"


def test_code_spans_only_for_identifiers() -> None:
    assert md_code("gateway->orders") == "`gateway->orders`"
    assert md_code("a`b") == "a\\`b"


def test_fence_outlasts_backticks_in_source() -> None:
    block = fence("x\n````\ny", "mermaid")
    assert block.startswith("`````mermaid\n") and block.endswith("\n`````")
    assert "<code" in render(block) or "<pre" in render(block)


@given(st.text())
@settings(max_examples=500)
def test_escaping_replaces_each_character_once(text: str) -> None:
    """The chain of replacements is the character table applied in one pass: no escape
    is escaped again (``#`` of an entity, the backslash of an escape)."""
    from archmodel.formats.markdown import _TABLE, _escaped

    assert _escaped(text) == text.translate(_TABLE)
    every = "".join(chr(c) for c in _TABLE) * 2 + "plain"
    assert _escaped(every) == every.translate(_TABLE)


@given(st.text())
@settings(max_examples=500)
def test_one_line_shortcut_gives_what_the_expressions_give(text: str) -> None:
    from archmodel.formats.markdown import _CONTROL, _SPACES

    assert one_line(text) == _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    padded = f"  {text} \u00a0 x\u2028y\x85z  "
    assert one_line(padded) == _SPACES.sub(" ", _CONTROL.sub("", padded)).strip()
