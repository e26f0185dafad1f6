"""Shared fixtures: model paths, a tiny-model writer, and the golden-file flag."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "models" / "reference"
GOLDEN = Path(__file__).resolve().parent / "golden"


# Golden files hold risk statuses, which depend on the date: pin it (see archmodel.clock).
os.environ.setdefault("ARCHMODEL_TODAY", "2026-11-24")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own cache directory: nothing leaks between tests or into ~/.cache."""
    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool) -> Callable[[str, bytes], None]:
    """Compare bytes with tests/golden/<name>; rewrite it with --update-golden."""

    def check(name: str, content: bytes) -> None:
        path = GOLDEN / name
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            return
        assert path.exists(), f"missing golden file {name}: run pytest --update-golden"
        assert content == path.read_bytes(), f"{name} differs from its golden file"

    return check


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[..., Path]:
    """Write files (name -> text) into a temp model directory; returns the directory."""

    def write(files: dict[str, str] | str) -> Path:
        if isinstance(files, str):
            files = {"archmodel.yaml": files}
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return write
