"""OUT is hostile ground: generate never changes a file it did not write, check never
reads through a link or trusts the manifest, and runs neither hang nor interleave."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archmodel.cli.main import cli
from archmodel.manifest import MANIFEST
from archmodel.writer import STAGING_MARK, STAGING_PREFIX, digest

REFERENCE = Path(__file__).resolve().parent.parent / "models" / "reference"
MODEL = "archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n"
SECRET = "AWS_SECRET=do-not-print\n"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def model(write_model: Callable[..., Path]) -> Path:
    return write_model(MODEL)


def _generate(model: Path, out: Path, *extra: str) -> Result:
    return _run("generate", str(model), "-o", str(out), "--only", "threats", *extra)


def _check(model: Path, out: Path) -> Result:
    return _run("check", str(model), "-o", str(out), "--only", "threats")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_check_never_reads_through_a_symlinked_file(model: Path, tmp_path: Path) -> None:
    out, secret = tmp_path / "out", tmp_path / "environ"
    secret.write_text(SECRET)
    assert _generate(model, out).exit_code == 0
    target = out / "threats" / "threats.md"
    target.unlink()
    target.symlink_to(secret)
    result = _check(model, out)
    assert result.exit_code == 1
    assert "do-not-print" not in result.output
    assert "not a regular file" in result.stdout and "threats.md" in result.stdout


def test_check_does_not_trust_a_manifest_edited_to_match(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(model, out).exit_code == 0
    tampered = out / "threats" / "threats.json"
    tampered.write_bytes(tampered.read_bytes().replace(b"[", b"[ ", 1))
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["threats/threats.json"] = digest(tampered.read_bytes())
    (out / MANIFEST).write_text(json.dumps(manifest))
    result = _check(model, out)
    assert result.exit_code == 1
    assert f"stale: {tampered}" in result.stdout


def test_an_unsafe_manifest_entry_stops_generate_before_any_write(model: Path, tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("precious")
    out.mkdir()
    (out / MANIFEST).write_text(
        json.dumps({"version": 1, "inputs": "", "files": {"../victim.txt": "0" * 64}})
    )
    result = _generate(model, out, "--clean")
    assert result.exit_code == 1 and "unsafe path" in result.stderr
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST]


def test_clean_keeps_a_listed_file_that_generate_did_not_write(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(model, out).exit_code == 0
    (out / "notes.md").write_text("hand-written")
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["notes.md"] = "0" * 64  # listed, but not with its bytes
    (out / MANIFEST).write_text(json.dumps(manifest))
    assert _generate(model, out, "--clean").exit_code == 0
    assert (out / "notes.md").read_text() == "hand-written"


def test_generate_never_overwrites_a_file_it_did_not_write(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "threats").mkdir(parents=True)
    (out / "threats" / "threats.md").write_text("# my own notes\n")
    (out / "README.md").write_text("mine\n")
    before = _snapshot(out)
    result = _generate(model, out)
    assert result.exit_code == 1
    assert "did not write" in result.stderr and "threats/threats.md" in result.stderr
    assert _snapshot(out) == before


def test_an_edited_generated_file_is_a_conflict_too(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(model, out).exit_code == 0
    edited = out / "threats" / "threats.csv"
    edited.write_text("edited by hand\n")
    result = _generate(model, out)
    assert result.exit_code == 1 and "edited since archmodel wrote it" in result.stderr
    assert edited.read_text() == "edited by hand\n"


def test_output_equal_to_the_model_directory_is_refused(model: Path) -> None:
    before = _snapshot(model)
    result = _generate(model, model)
    assert result.exit_code == 1 and "model directory" in result.stderr
    assert _snapshot(model) == before


def test_output_below_the_model_is_not_read_back_as_model(tmp_path: Path) -> None:
    root = tmp_path / "model"
    shutil.copytree(REFERENCE, root)
    main = root / "archmodel.yaml"
    text = main.read_text()
    assert "include:\n" in text
    main.write_text(text.replace("include:\n", "include:\n  - '**/*.yaml'\n", 1))
    before = _run("validate", str(root))
    assert before.exit_code == 0, before.output
    assert _run("generate", str(root), "-o", str(root / "out"), "--only", "helm,ci").exit_code == 0
    assert list((root / "out").rglob("*.yaml")), "the test needs generated YAML below the model"
    after = _run("validate", str(root))
    assert after.exit_code == 0, after.output
    assert after.stderr.split(": ", 2)[-1] == before.stderr.split(": ", 2)[-1]


def test_leftover_staging_from_a_killed_run_is_removed(model: Path, tmp_path: Path) -> None:
    """A run's staging (marked when made) is removed by the next run; a user's directory
    that only shares the name is not."""
    out = tmp_path / "out"
    leftover = out / f"{STAGING_PREFIX}abc123"
    (leftover / "threats").mkdir(parents=True)
    (leftover / STAGING_MARK).write_bytes(b"")
    (leftover / "threats" / "threats.md").write_text("half")
    mine = out / f"{STAGING_PREFIX}notes"
    mine.mkdir()
    (mine / "todo.md").write_text("mine")
    assert _generate(model, out).exit_code == 0
    assert not leftover.exists()
    assert (mine / "todo.md").read_text() == "mine"


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_manifest_that_is_not_a_file_is_an_error_not_a_hang(model: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if kind == "fifo":
        os.mkfifo(out / MANIFEST)
    else:
        (out / MANIFEST).symlink_to("/dev/zero")
    for command in ("generate", "check"):
        run = subprocess.run(
            [sys.executable, "-m", "archmodel.cli", command, str(model), "-o", str(out), "--only", "threats"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr


def test_concurrent_runs_take_turns(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, MODEL), (b, MODEL.replace("name: U}", "name: V}"))):
        root.mkdir()
        (root / "archmodel.yaml").write_text(text)
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archmodel.cli",
                "generate",
                str(m),
                "-o",
                str(out),
                "--only",
                "threats,docs",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for m in (a, b, a, b)
    ]
    codes = [r.wait(timeout=120) for r in runs]
    assert all(code in (0, 1) for code in codes)
    manifest = json.loads((out / MANIFEST).read_text())
    for rel, hashed in manifest["files"].items():
        assert digest((out / rel).read_bytes()) == hashed, rel
    assert not list(out.glob(f"{STAGING_PREFIX}*"))


def test_generate_refuses_an_out_in_the_model_that_holds_model_files(tmp_path: Path) -> None:
    """Its manifest would make the next load skip those files without a word. An OUT
    in the model directory holding none, or above the model directory (a load looks
    below the model only), is fine."""
    model = tmp_path / "m"
    shutil.copytree(REFERENCE, model)
    before = _snapshot(model)
    refused = _run("generate", str(model), "-o", str(model / "components"), "--only", "threats")
    assert refused.exit_code == 1
    assert "holds model files" in refused.output and "actors.yaml" in refused.output
    assert _snapshot(model) == before
    for out in (model / "out", tmp_path):
        written = _generate(model, out)
        assert written.exit_code == 0, written.output
        assert _run("validate", str(model)).exit_code == 0


def test_generate_refuses_an_out_whose_kinds_would_write_into_the_model(tmp_path: Path) -> None:
    """A model kept in a directory named like a kind's (``helm/``), OUT its parent: the
    charts would land among the model's files and the next load read them as model."""
    model = tmp_path / "helm"
    shutil.copytree(REFERENCE, model)
    before = _snapshot(model)
    refused = _run("generate", str(model), "-o", str(tmp_path), "--only", "helm")
    assert refused.exit_code == 1 and "where generate writes" in refused.output
    assert _snapshot(model) == before
    assert _run("generate", str(model), "-o", str(tmp_path), "--only", "threats").exit_code == 0
    assert _run("validate", str(model)).exit_code == 0
