"""The ``archmodel`` MkDocs plugin: pages added in memory under a prefix, strict build."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")

from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, get_files
from test_docs_support import SHOP, broken_links, mkdocs_build

from archmodel.generators.docs.plugin import ArchmodelPlugin

REGISTERED = any(ep.name == "archmodel" for ep in entry_points(group="mkdocs.plugins"))


def _site(tmp_path: Path, plugin: str = "") -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "# Handbook\n\nSee [the architecture](architecture/index.md).\n", encoding="utf-8"
    )
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Handbook\nuse_directory_urls: true\n"
        "theme: {name: mkdocs, highlightjs: false}\n"
        f"plugins:\n  - search\n{plugin}",
        encoding="utf-8",
    )
    return config


def _run_on_files(config_path: Path, plugin: ArchmodelPlugin) -> Files:
    """Run on_files the way MkDocs does: through the config's plugin collection."""
    config = load_config(str(config_path))
    config.plugins["archmodel"] = plugin
    files: Files = config.plugins.on_files(get_files(config), config=config)
    return files


def _plugin(config: Path, **options: object) -> ArchmodelPlugin:
    plugin = ArchmodelPlugin()
    errors, _ = plugin.load_config(options, config_file_path=str(config))
    if errors:
        raise ValueError(errors)
    return plugin


def test_on_files_adds_pages_under_prefix(tmp_path: Path) -> None:
    config_path = _site(tmp_path)
    files = _run_on_files(config_path, _plugin(config_path, model=str(SHOP), prefix="arch/model"))
    uris = {f.src_uri for f in files}
    assert {"index.md", "arch/model/index.md", "arch/model/components/orders.md"} <= uris
    assert "arch/model/diagrams/dataflow.svg" in uris
    page = files.get_file_from_path("arch/model/components/orders.md")
    assert page is not None and page.generated_by == "archmodel"
    assert page.content_string.startswith("# Orders service")


def test_model_path_is_relative_to_mkdocs_yml(tmp_path: Path) -> None:
    config = _site(tmp_path)
    relative = Path("..") / Path(*SHOP.relative_to(Path(__file__).resolve().parents[2]).parts)
    with pytest.raises(ValueError):  # relative to tmp_path, so it does not exist there
        _plugin(config, model=str(relative))
    assert Path(_plugin(config, model=str(SHOP)).config.model) == SHOP


@pytest.mark.parametrize("prefix", ["../out", "/", "a/../../b"])
def test_bad_prefix_names_the_key(tmp_path: Path, prefix: str) -> None:
    plugin = ArchmodelPlugin()
    errors, _ = plugin.load_config(
        {"model": str(SHOP), "prefix": prefix}, config_file_path=str(_site(tmp_path))
    )
    assert [key for key, _ in errors] == ["prefix"]


def test_invalid_model_fails_with_diagnostics(tmp_path: Path) -> None:
    model = tmp_path / "bad"
    model.mkdir()
    (model / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: X}\ncomponents:\n  - {id: a, kind: service, name: A, zone: nowhere}\n",
        encoding="utf-8",
    )
    config_path = _site(tmp_path)
    with pytest.raises(PluginError, match=r"archmodel.yaml:4:\d+: error"):
        _run_on_files(config_path, _plugin(config_path, model=str(model)))


def test_prefix_clash_is_an_error(tmp_path: Path) -> None:
    config_path = _site(tmp_path)
    (tmp_path / "docs" / "architecture").mkdir()
    (tmp_path / "docs" / "architecture" / "index.md").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(PluginError, match="prefix"):
        _run_on_files(config_path, _plugin(config_path, model=str(SHOP)))


@pytest.mark.skipif(not REGISTERED, reason="the mkdocs.plugins entry point 'archmodel' is not registered")
def test_strict_build_with_plugin(tmp_path: Path) -> None:
    config = _site(tmp_path, f"  - archmodel:\n      model: {SHOP}\n")
    mkdocs_build(config, tmp_path / "site")
    site = tmp_path / "site"
    assert (site / "architecture" / "index.html").is_file()
    assert (site / "architecture" / "components" / "orders" / "index.html").is_file()
    assert (site / "architecture" / "diagrams" / "dataflow.svg").is_file()
    assert broken_links(site) == []


def test_missing_graphviz_is_a_plugin_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's diagrams need ``dot``: without it the build stops with the fix, not a crash."""
    config_path = _site(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(PluginError, match="archmodel: Graphviz 'dot' was not found"):
        _run_on_files(config_path, _plugin(config_path, model=str(SHOP)))
