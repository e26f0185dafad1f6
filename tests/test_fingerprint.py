"""The inputs fingerprint: equal for equal inputs wherever the checkout lives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import archmodel
from archmodel.api import load_project
from archmodel.fingerprint import inputs_fingerprint

ROOT = Path(__file__).resolve().parents[1]
PROBE = "from archmodel.fingerprint import code_fingerprint; print(code_fingerprint(()))"


def _code_hash(site: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=site, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_code_fingerprint_does_not_depend_on_the_checkout_path(tmp_path: Path) -> None:
    package = Path(archmodel.__path__[0])
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("a", "deeper/b"):
        shutil.copytree(package, tmp_path / name / "archmodel", ignore=ignore)
    assert _code_hash(tmp_path / "a") == _code_hash(tmp_path / "deeper" / "b")


def test_model_fingerprint_does_not_depend_on_where_the_model_lives(tmp_path: Path) -> None:
    prints = []
    for name in ("one", "two/three"):
        copy = tmp_path / name / "model"
        shutil.copytree(ROOT / "models" / "reference", copy)
        project = load_project(copy)
        prints.append(inputs_fingerprint(project.root, project.sources, {}, None))
    assert prints[0] == prints[1]


def test_model_fingerprint_follows_the_bytes_read(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(ROOT / "models" / "reference", copy)
    project = load_project(copy)
    before = inputs_fingerprint(project.root, project.sources, {}, None)
    changed = dict(project.sources)
    first = sorted(changed)[0]
    changed[first] += b"\n# edited\n"
    assert inputs_fingerprint(project.root, changed, {}, None) != before
