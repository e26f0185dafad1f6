"""Which variables the generated files use (and so which ``variables.gen.tf`` declares):
exactly the names after a ``var.`` that starts a word, as ``\\bvar\\.(name)`` finds them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archmodel.generators.terraform.common import referenced

WORD_BOUNDARY = re.compile(rb"\bvar\.([A-Za-z0-9_-]+)")
texts = st.text(alphabet='var.x_ -9\n"{}$A', max_size=40).map(str.encode)


@settings(max_examples=500, deadline=None)
@given(st.lists(texts, max_size=4))
def test_same_names_as_the_word_boundary_pattern(contents: list[bytes]) -> None:
    expected = {m.decode() for content in contents for m in WORD_BOUNDARY.findall(content)}
    assert referenced(contents) == expected


def test_a_var_inside_a_word_is_no_reference_and_the_search_goes_on() -> None:
    assert referenced([b"myvar.var.vpc_id", b"x = var.a-b\ny = avar.c", b"var.first"]) == {
        "vpc_id",
        "a-b",
        "first",
    }
