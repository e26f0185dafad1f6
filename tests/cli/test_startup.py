"""What a command pays before it works: `validate` with text output imports neither the
threat engine nor the shared findings renderers (the whole rule catalog), nor networkx on
a model without a cycle; and file names shown relative to the working directory follow it
when it changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archmodel.diagnostics import relative

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from archmodel.cli.main import cli
try:
    cli(sys.argv[2:])
except SystemExit:
    pass
print("LOADED", [m for m in sys.argv[1].split(",") if m in sys.modules], file=sys.stderr)
"""


def loaded(modules: list[str], *args: str) -> str:
    """Which of ``modules`` a command imported (a fresh interpreter for each)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(modules), *args], capture_output=True, text=True, cwd=ROOT
    )
    return done.stderr


@pytest.mark.parametrize("model", ["models/reference", "models/examples/bookinfo"])
def test_validate_loads_only_what_it_needs(model: str) -> None:
    """The reference has nested zones and a pipeline: both are checked for cycles
    without networkx (a tenth of a second to import); PyYAML is for what yaml-rs does
    not tell (positions in exotic layouts, tags), which a clean model never needs."""
    heavy = [
        "archmodel.findings",
        "archmodel.threats.engine",
        "concurrent.futures.process",
        "networkx",
        "yaml",
    ]
    assert "LOADED []" in loaded(heavy, "validate", model)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_threats_loads_no_html_report_and_no_writer(fmt: str) -> None:
    """The HTML report's templates and Jinja2, and the output writer, are for ``--format
    html`` and ``generate``: the other formats of ``threats`` do without them."""
    heavy = ["jinja2", "archmodel.generators.threats.html", "archmodel.writer"]
    assert "LOADED []" in loaded(heavy, "threats", "--format", fmt, "models/reference")
    assert "'jinja2'" in loaded(heavy, "threats", "--format", "html", "models/reference")


def test_a_cycle_is_named_with_networkx(tmp_path: Path) -> None:
    model = tmp_path / "archmodel.yaml"
    model.write_text(
        "archmodel: 1\nsystem: {name: s}\nzones:\n"
        "  - {id: a, name: A, trust: internal, parent: b}\n"
        "  - {id: b, name: B, trust: internal, parent: a}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "networkx", "validate", str(model)], capture_output=True, text=True
    )
    assert "zones nest in a cycle: a, b" in done.stdout and "LOADED ['networkx']" in done.stderr


def test_a_small_model_starts_no_worker_pool() -> None:
    """A pool's module costs 30 ms to import: only a model large enough to split pays it."""
    for command in (["threats", "--format", "json"], ["validate", "--format", "sarif"]):
        assert "LOADED []" in loaded(["concurrent.futures.process"], *command, "models/reference")


def test_relative_paths_follow_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "m" / "archmodel.yaml"
    model.parent.mkdir()
    model.write_text("archmodel: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert relative(str(model)) == os.path.join("m", "archmodel.yaml")
    monkeypatch.chdir(model.parent)
    assert relative(str(model)) == "archmodel.yaml"
    assert relative(str(model), tmp_path) == os.path.join("m", "archmodel.yaml")


def test_threats_on_a_pipeline_do_not_load_networkx() -> None:
    """The reference's pipeline is walked for what runs before and after each stage by
    plain lists: the threat register imports no graph library."""
    assert "LOADED []" in loaded(["networkx", "yaml"], "threats", "models/reference")
