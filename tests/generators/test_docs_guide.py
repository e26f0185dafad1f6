"""The project's user guide: generated reference pages are current, and it builds strictly."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from test_docs_support import broken_links, mkdocs_build

pytest.importorskip("mkdocs")

ROOT = Path(__file__).resolve().parents[2]


def _gen_reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "docs" / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_pages_are_current() -> None:
    assert _gen_reference().stale() == [], "run: .venv/bin/python docs/gen_reference.py"


def test_reference_covers_every_command_and_rule() -> None:
    from archmodel.cli.main import cli
    from archmodel.findings import rule_catalog

    pages = _gen_reference().pages()
    import click

    names = cli.list_commands(click.Context(cli))
    assert {"validate", "threats", "drift", "diff"} <= set(names)
    assert all(f"## archmodel {name}" in pages["cli.md"] for name in names)
    catalog = rule_catalog()
    assert all(f"### {code}: " in pages["rules.md"] for code in catalog)
    assert all("*Reported: " in pages["rules.md"].split(f"### {code}: ")[1] for code in catalog)
    assert "## Component" in pages["model-format.md"]


def test_guide_builds_strict(tmp_path: Path) -> None:
    mkdocs_build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert (tmp_path / "site" / "reference" / "cli.html").is_file()
    assert not (tmp_path / "site" / "gen_reference.py").exists()
    assert broken_links(tmp_path / "site") == []
