"""Generated Terraform is byte-identical to what `terraform fmt` makes of it.

The formatter is HashiCorp's own hclwrite (the code behind `terraform fmt`), compiled to
WebAssembly in the npm package @cdktf/hcl-tools (``tests/tools/hcl``). Every ``.tf`` and
``.tfvars`` file generated for the reference and every example must come back unchanged,
and so must hostile attribute trees built by hypothesis.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.api import valid_project
from archmodel.formats.hcl import Block, Raw, Value, render_file
from archmodel.generators.terraform import generate
from archmodel.runner import NoOptions

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tests" / "tools" / "hcl"
NODE = shutil.which("node")
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]

pytestmark = [
    pytest.mark.filterwarnings("ignore::archmodel.generators.terraform.common.OtherCloud"),
    pytest.mark.skipif(NODE is None, reason="node is not on PATH (terraform fmt check)"),
    pytest.mark.skipif(
        not (TOOL / "node_modules").is_dir(),
        reason="tests/tools/hcl/node_modules is missing: run `npm ci --prefix tests/tools/hcl`",
    ),
]


class Formatter:
    """One Node process running hclwrite, fed one source per line."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(NODE), str(TOOL / "fmt.mjs")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def __call__(self, source: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(source) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer["error"]
        formatted: str = answer["formatted"]
        return formatted

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def terraform_fmt() -> Iterator[Formatter]:
    formatter = Formatter()
    yield formatter
    formatter.close()


def test_every_generated_file_is_already_formatted(terraform_fmt: Formatter) -> None:
    files: dict[str, str] = {}
    for model in MODELS:
        if not (model / "archmodel.yaml").is_file():
            continue
        for path, content in generate(valid_project(model), NoOptions()).items():
            files[f"{model.name}/{path}"] = content.decode("utf-8")
    assert len(files) > 20
    differing = [name for name, text in sorted(files.items()) if terraform_fmt(text) != text]
    assert differing == []


KEYS = st.sampled_from(["a", "bb", "name", "tags", "x_y", "archmodel:component", "é", "日本", "with space"])
SCALARS: st.SearchStrategy[Value] = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
    st.just(Raw("var.region")),
)
VALUES: st.SearchStrategy[Value] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=15,
)
ATTRIBUTES = st.lists(st.tuples(st.sampled_from(["a", "bb", "ccc", "tags", "names"]), VALUES), max_size=8)


def _block(body: list[tuple[str, Value]], nested: list[list[tuple[str, Value]]]) -> Block:
    block = Block("resource", ("aws_thing", "x"))
    for name, value in dict(body).items():
        block.set(name, value)
    for inner in nested:
        child = Block("inner")
        for name, value in dict(inner).items():
            child.set(name, value)
        block.add(child)
    return block


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=ATTRIBUTES, nested=st.lists(ATTRIBUTES, max_size=2))
def test_any_attribute_tree_renders_as_terraform_fmt_would(
    terraform_fmt: Formatter, body: list[tuple[str, Value]], nested: list[list[tuple[str, Value]]]
) -> None:
    source = render_file([_block(body, nested)], "hostile").decode("utf-8")
    assert terraform_fmt(source) == source
