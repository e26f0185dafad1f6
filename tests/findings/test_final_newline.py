"""Text files end in exactly one newline, whatever the text they are made from ends in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archmodel.formats.text import one_final_newline


@given(st.text(alphabet=st.sampled_from(["a", "\n", "\r", " ", "…"])))
def test_exactly_one_final_newline(text: str) -> None:
    assert one_final_newline(text) == text.rstrip("\n") + "\n"


def test_text_already_ending_so_is_the_same_object() -> None:
    text = "register\n" * 3
    assert one_final_newline(text) is text
