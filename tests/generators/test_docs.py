"""Docs generator: file layout, a strict MkDocs build, links, determinism, golden pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from test_docs_support import SHOP, broken_links, generate_files, mkdocs_build, page_links, write_site

pytest.importorskip("mkdocs")

REFERENCE = Path(__file__).resolve().parents[2] / "models" / "reference"
GOLDEN_PAGES = [
    "mkdocs.yml",
    "docs/flows.md",
    "docs/data.md",
    "docs/layers.md",
    "docs/environments.md",
    "docs/pipeline.md",
    "docs/scenarios/place-order.md",
]


@pytest.fixture(scope="module")
def shop_files() -> dict[str, bytes]:
    return generate_files(SHOP)


@pytest.fixture(scope="module")
def shop_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shop")
    write_site(SHOP, out)
    mkdocs_build(out / "docs" / "mkdocs.yml", out / "site")
    return out / "site"


def test_layout(shop_files: dict[str, bytes]) -> None:
    paths = set(shop_files)
    assert "docs/mkdocs.yml" in paths
    expected = ["index", "components", "flows", "data", "layers", "threats", "environments", "pipeline"]
    for page in [*expected, "scenarios", "rules", "components/orders", "scenarios/place-order"]:
        assert f"docs/docs/{page}.md" in paths, page
    assert {"docs/docs/diagrams/dataflow.svg", "docs/docs/diagrams/security.svg"} <= paths
    # A scenario (or component) with id "index" must not become the section's index page.
    assert "docs/docs/scenarios/_index.md" in paths
    assert all(p.startswith("docs/") and ".." not in p for p in paths)


def test_mkdocs_yml_is_offline(shop_files: dict[str, bytes]) -> None:
    config = yaml.safe_load(shop_files["docs/mkdocs.yml"])
    assert config["theme"] == {"name": "mkdocs", "highlightjs": False, "navigation_depth": 2}
    assert config["plugins"] == ["search"] and "site_url" not in config


def test_strict_build_and_links(shop_site: Path) -> None:
    assert (shop_site / "index.html").is_file()
    assert (shop_site / "components" / "orders.html").is_file()
    assert len(page_links(shop_site)) > 50  # the checker sees the real links
    assert broken_links(shop_site) == []


def test_no_cdn_in_built_site(shop_site: Path) -> None:
    for page in shop_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdnjs" not in text and "googleapis" not in text, page


def test_component_page_links_counterparts(shop_site: Path) -> None:
    html = (shop_site / "components" / "orders.html").read_text(encoding="utf-8")
    for target in ("gateway.html", "db.html", "cache.html", "queue.html", "../environments.html"):
        assert f'href="{target}"' in html, target
    assert "Encryption" not in html or "gap" in html


def test_threat_register_shows_decisions(shop_files: dict[str, bytes]) -> None:
    page = shop_files["docs/docs/threats.md"].decode()
    assert "TLS ends at the load balancer" in page
    assert "| accepted |" in page and "| false positive |" in page


def test_rules_reference_lists_every_rule(shop_files: dict[str, bytes]) -> None:
    from archmodel.findings import rule_catalog

    page = shop_files["docs/docs/rules.md"].decode()
    assert all(f"`{code}`" in page for code in rule_catalog())
    assert "## Threat rules" in page


def test_deterministic(shop_files: dict[str, bytes]) -> None:
    again = generate_files(SHOP)
    assert list(again) == list(shop_files)
    assert again == shop_files


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_golden_shop(page: str, shop_files: dict[str, bytes], golden: Callable[[str, bytes], None]) -> None:
    golden(f"docs/shop/{page}", shop_files[f"docs/{page}"])


@pytest.mark.skipif(not (REFERENCE / "archmodel.yaml").is_file(), reason="models/reference not written yet")
def test_reference_model(tmp_path: Path, golden: Callable[[str, bytes], None]) -> None:
    files = write_site(REFERENCE, tmp_path)
    mkdocs_build(tmp_path / "docs" / "mkdocs.yml", tmp_path / "site")
    assert broken_links(tmp_path / "site") == []
    for page in ("mkdocs.yml", "docs/flows.md", "docs/layers.md", "docs/data.md"):
        golden(f"docs/reference/{page}", files[f"docs/{page}"])
