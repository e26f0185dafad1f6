"""Shared fixtures: model paths, a tiny-model writer, and the golden-file flag."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

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


# Per-environment copies (Helm values, rendered manifests, tfvars) differ only in what an
# environment decides. The golden files keep the prod copy; the others are checked against
# it structurally: same documents and keys, differences only in these settings.
GOLDEN_ENVIRONMENT = "prod"
ENVIRONMENT_KEYS = frozenset(
    {
        "environment",
        "archmodel.io/environment",
        "replicas",
        "minReplicas",
        "maxReplicas",
        "availability_zones",
        "multi_az",
        "deletion_protection",
    }
)
_ENV_COPY = re.compile(
    r"(?:^k8s/(?P<k8s>[^/]+)/|/values-(?P<values>[^/]+)\.yaml$|^terraform/(?P<tf>[^/]+)\.tfvars$)"
)


def environment_of(path: str) -> str | None:
    """The environment a generated file is a copy for (None: not a per-environment file)."""
    match = _ENV_COPY.search(path)
    return next((env for env in match.groups() if env), None) if match else None


def golden_copy(path: str, env: str) -> str:
    """The path of the same file for another environment."""
    if path.startswith("k8s/"):
        return re.sub(r"^k8s/[^/]+/", f"k8s/{env}/", path)
    if path.endswith(".tfvars"):
        return f"terraform/{env}.tfvars"
    return re.sub(r"/values-[^/]+\.yaml$", f"/values-{env}.yaml", path)


def _flatten(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flatten(item, (*prefix, str(key))).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, (*prefix, str(i))).items()}
    return {prefix: value}


def _parsed(path: str, content: bytes) -> Any:
    if path.endswith(".tfvars"):
        import hcl2

        return hcl2.loads(content.decode("utf-8"))
    return list(yaml.safe_load_all(content))


def assert_environment_copy(path: str, content: bytes, files: dict[str, bytes]) -> None:
    """``path`` (for a non-golden environment) has the golden environment's structure and
    differs from it only in environment settings, naming its own environment."""
    env = environment_of(path)
    reference = golden_copy(path, GOLDEN_ENVIRONMENT)
    mine, theirs = _flatten(_parsed(path, content)), _flatten(_parsed(reference, files[reference]))
    assert mine.keys() == theirs.keys(), f"{path}: not the same structure as {reference}"
    differing = {key[-1] for key in mine if mine[key] != theirs[key]}
    assert differing <= ENVIRONMENT_KEYS, f"{path} differs from {reference} in {differing - ENVIRONMENT_KEYS}"
    names = [v for k, v in mine.items() if k[-1] in ("environment", "archmodel.io/environment")]
    assert names and all(name == env for name in names), (path, names)


def check_goldens(
    files: dict[str, bytes], golden: Callable[[str, bytes], None], name: Callable[[str], str]
) -> None:
    """Golden files for everything but the copies of non-golden environments, which are
    checked against the golden environment's copy instead."""
    for path, content in files.items():
        env = environment_of(path)
        if env is None or env == GOLDEN_ENVIRONMENT or golden_copy(path, GOLDEN_ENVIRONMENT) not in files:
            golden(name(path), content)
        else:
            assert_environment_copy(path, content, files)
