"""Hostile model strings never reach the built HTML as markup, and never split a table."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_docs_support import broken_links, mkdocs_build, write_site

pytest.importorskip("mkdocs")

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
MARKDOWN = "| pipe | [link](javascript:alert(3)) ![i](x.png) *b* _i_ `c` # h {: #id} \\"
MODEL = f"""\
archmodel: 1
system:
  name: '{SCRIPT} & Co'
  owner: '{IMG}'
  description: "{MARKDOWN}\\n\\n# not a heading\\n- not a list"
zones:
  - {{id: internet, name: '{SCRIPT}', trust: untrusted}}
  - {{id: app, name: 'App | zone', trust: internal, controls: [security_groups]}}
data:
  - {{id: pii, name: '{IMG}', classification: confidential}}
controls:
  - {{id: custom, layer: application, name: '{SCRIPT}'}}
components:
  - {{id: users, kind: actor, name: '{SCRIPT}', zone: internet}}
  - id: api
    kind: service
    name: '{MARKDOWN}'
    description: '{IMG}'
    owner: 'a|b'
    technology: '</td><td>x'
    zone: app
    public: true
    tags: ['{SCRIPT}']
    controls: [custom, authentication]
    deploy: {{runtime: container, image: '{SCRIPT}', cpu: '500m', memory: '512Mi'}}
  - {{id: db, kind: database, name: 'DB ``` fence', zone: app, stores: [pii], out_of_scope: '{SCRIPT}'}}
flows:
  - {{from: users, to: api, protocol: http, data: [pii], description: '{SCRIPT}'}}
  - {{from: api, to: db, protocol: sql, data: [pii]}}
environments:
  - {{id: prod, name: '{SCRIPT}', tier: prod, regions: ['{IMG}']}}
pipeline:
  stages:
    - {{id: src, kind: source, name: '{SCRIPT}', tool: '{MARKDOWN}'}}
    - {{id: ship, kind: deploy, name: ship, needs: [src], environment: prod}}
scenarios:
  - {{id: index, name: '{SCRIPT}', description: '{MARKDOWN}', steps: [users->api, api->db]}}
risks:
  - {{threat: '*', target: 'component:[ad]*', status: accepted, justification: '{IMG}'}}
  - {{threat: '*', target: 'flow:users->api', status: accepted, justification: '{IMG} {MARKDOWN}'}}
"""


class _Table(HTMLParser):
    """Cells per row of every table, and every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[int] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th") and self.rows:
            self.rows[-1] += 1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = tmp_path_factory.mktemp("hostile-model")
    (model / "archmodel.yaml").write_text(MODEL, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-out")
    write_site(model, out)
    mkdocs_build(out / "docs" / "mkdocs.yml", out / "site")
    return out / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_builds_and_links_resolve(site: Path) -> None:
    assert broken_links(site) == []


@pytest.mark.parametrize("raw", [SCRIPT, "<img src=x", "<td>x", 'javascript:alert(3)"', "<b>"])
def test_no_raw_markup(site: Path, raw: str) -> None:
    for page in _pages(site):
        assert raw not in page.read_text(encoding="utf-8"), page.relative_to(site)


def test_no_injected_links_or_scripts(site: Path) -> None:
    for page in _pages(site):
        parser = _Table()
        parser.feed(page.read_text(encoding="utf-8"))
        for key, value in parser.attrs:
            assert not value.lower().startswith("javascript:"), (page, key, value)
            assert not key.startswith("on"), (page, key)
        assert "x.png" not in {v for k, v in parser.attrs if k == "src"}


def test_table_rows_keep_their_columns(site: Path) -> None:
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        for table in re.findall(r"<table>.*?</table>", text, flags=re.S):
            parser = _Table()
            parser.feed(table)
            assert len(set(parser.rows)) == 1, (page.relative_to(site), parser.rows)


def test_text_survives_as_text(site: Path) -> None:
    html = (site / "components" / "api.html").read_text(encoding="utf-8")
    assert "| pipe | [link](javascript:alert(3))" in unescape(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_index_holds_no_markup(site: Path) -> None:
    entries: list[dict[str, str]] = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    assert not [e["location"] for e in entries if SCRIPT in e["title"]]


def test_golden_hostile_component(site: Path, golden: Callable[[str, bytes], None]) -> None:
    # The Markdown source, so a change to escaping shows up in review.
    source = site.parent / "docs" / "docs" / "components" / "api.md"
    golden("docs/hostile/components/api.md", source.read_bytes())
