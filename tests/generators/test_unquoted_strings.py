"""A string may go unquoted only when all of it is safe: `$` in a regex also matches before
a trailing newline, which once let "A\\n" through unquoted into YAML and HCL."""

from __future__ import annotations

import pytest
import yaml

from archmodel.generators.docs.escape import md_code
from archmodel.generators.helm.yaml_block import dump
from archmodel.generators.terraform.hcl import quote


@pytest.mark.parametrize("text", ["A\n", "A\r\n", "A\n\n", "yes\n", "a/b\n"])
def test_yaml_keeps_trailing_line_breaks(text: str) -> None:
    assert yaml.safe_load(dump({"k": text}))["k"] == text


def test_hcl_keys_with_a_trailing_newline_are_quoted() -> None:
    from archmodel.generators.terraform import hcl

    assert hcl._key("name") == "name"
    assert hcl._key("name\n") == quote("name\n")


def test_markdown_code_spans_never_hold_a_newline() -> None:
    assert "\n" not in md_code("a\n")
