"""Helpers for the docs tests: generate a site, build it with MkDocs, check its links.

Named test_docs_* to sit with the tests it serves; it holds no tests itself.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from archmodel.api import load_project
from archmodel.generation import GenerateOptions
from archmodel.generators.docs import generate
from archmodel.writer import write_outputs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"
SHOP = FIXTURES / "shop"


def generate_files(model: Path) -> dict[str, bytes]:
    checked = load_project(model)
    assert not checked.failed(), [str(d) for d in checked.diagnostics]
    return generate(checked, GenerateOptions())


def write_site(model: Path, out: Path) -> dict[str, bytes]:
    files = generate_files(model)
    write_outputs(out, files)
    return files


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in a subprocess, as a user or CI would run it."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.refs.append(value)
            if key == "id" and value:
                self.ids.add(value)


def broken_links(site: Path) -> list[str]:
    """Relative links (pages, images, anchors) in the built HTML that point at nothing."""
    parsed: dict[Path, _Refs] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    broken = []
    for page, parser in parsed.items():
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or (ref.startswith("#") and not ref[1:]):
                continue
            base = site if parts.path.startswith("/") else page.parent  # 404.html links from the root
            path = unquote(parts.path).lstrip("/")
            target = page if not parts.path else Path(posixpath.normpath(base / path))
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {ref}")
            elif parts.fragment and target in parsed and parts.fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(site)}: {ref} (no such anchor)")
    return broken


def page_links(site: Path) -> list[str]:
    """Every relative link target ending in .html (to show the check sees real links)."""
    links = []
    for page in site.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        links += [r for r in parser.refs if ".html" in r and not urlsplit(r).scheme]
    return links
