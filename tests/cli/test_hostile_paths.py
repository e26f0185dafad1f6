"""Paths no file system likes: a clear message and exit 1 or 2, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"
LONG = "a/" * 2500


def _archmodel(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archmodel.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["validate", LONG],
        ["threats", LONG],
        ["paths", LONG],
        ["generate", LONG, "-o", "out"],
        ["check", LONG, "-o", "out"],
        ["drift", LONG, "--k8s", "."],
        ["diff", LONG, str(REFERENCE)],
        ["init", LONG],
        ["generate", str(REFERENCE), "-o", LONG, "--only", "threats"],
    ],
)
def test_a_5000_character_path(tmp_path: Path, args: list[str]) -> None:
    run = _archmodel(*args, cwd=tmp_path)
    assert run.returncode in (1, 2), run.stderr
    assert "Traceback" not in run.stderr
    assert "too long" in run.stderr


def test_a_model_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(REFERENCE, model)
    odd = os.fsdecode(b"\xffrisks.yaml")
    (model / "risks.yaml").rename(model / odd)
    root = model / "archmodel.yaml"
    root.write_text(root.read_text().replace("  - risks.yaml", '  - "*risks.yaml"'))
    for args in (["validate", "m"], ["generate", "m", "-o", "out"], ["check", "m", "-o", "out"]):
        run = _archmodel(*args, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr


def test_diff_against_a_revision_holding_links_out_of_the_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    model = repo / "model"
    shutil.copytree(REFERENCE, model)
    (model / "abs.yaml").symlink_to("/etc/passwd")
    (model / "up.yaml").symlink_to("../../../outside.yaml")
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "model"], check=True)
    run = _archmodel("diff", "HEAD:model", "model", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "No architectural changes" in run.stdout
