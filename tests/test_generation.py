"""The one writer: manifest, atomic writes, unchanged files untouched, safe paths, check."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from archmodel.cli.main import cli
from archmodel.manifest import MANIFEST, UnsafePath, safe_relative
from archmodel.outcheck import compare_outputs
from archmodel.writer import STAGING_MARK, write_outputs


def test_manifest_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a/b.txt": b"x", "c.txt": b"y"})
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["a/b.txt", "c.txt"]
    assert manifest["files"]["c.txt"] == "a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa"


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a.txt": b"same", "b.txt": b"old"})
    os.utime(tmp_path / "a.txt", (1_000_000, 1_000_000))
    changed = write_outputs(tmp_path, {"a.txt": b"same", "b.txt": b"new"})
    assert changed == ["b.txt"]
    assert (tmp_path / "a.txt").stat().st_mtime == 1_000_000
    assert (tmp_path / "b.txt").read_bytes() == b"new"


def test_clean_removes_only_previously_generated_files(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"gone.txt": b"1", "kept.txt": b"2"})
    (tmp_path / "mine.txt").write_text("user file")
    write_outputs(tmp_path, {"kept.txt": b"2"}, clean=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "kept.txt", "mine.txt"]


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x", "a/../../x", "a\\..\\x", ""])
def test_unsafe_paths_are_refused_before_writing(tmp_path: Path, bad: str) -> None:
    with pytest.raises(UnsafePath):
        write_outputs(tmp_path / "out", {"ok.txt": b"1", bad: b"2"})
    assert not (tmp_path / "out" / "ok.txt").exists()


@given(st.text(min_size=1, max_size=30))
def test_safe_relative_never_escapes(path: str) -> None:
    try:
        rel = safe_relative(path)
    except UnsafePath:
        return
    assert not rel.startswith("/") and ".." not in rel.split("/")


def test_compare_reports_stale_missing_and_extra(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a.txt": b"1", "b.txt": b"2", "old.txt": b"3"})
    (tmp_path / "a.txt").write_bytes(b"edited")
    (tmp_path / "b.txt").unlink()
    (tmp_path / "mine.txt").write_text("not ours")
    drift = compare_outputs(tmp_path, {"a.txt": b"1", "b.txt": b"2"})
    assert (drift.stale, drift.missing, drift.extra) == (["a.txt"], ["b.txt"], ["old.txt"])


def test_generate_then_check(write_model: Callable[..., Path], tmp_path: Path) -> None:
    model = write_model(
        "archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n"
        "pipeline:\n  stages: [{id: src, kind: source, name: Git}]\n"
    )
    out = tmp_path / "out"
    runner = CliRunner()
    args = [str(model), "-o", str(out), "--only", "diagrams", "--view", "pipeline"]
    assert runner.invoke(cli, ["generate", *args]).exit_code == 0
    result = runner.invoke(cli, ["check", *args])
    assert result.exit_code == 0, result.output
    target = next(p for p in sorted(out.rglob("*.mmd")))
    target.write_bytes(target.read_bytes() + b"\n%% edited\n")
    result = runner.invoke(cli, ["check", *args])
    assert result.exit_code == 1
    assert f"stale: {target}" in result.stdout and "-%% edited" in result.stdout


def test_invalid_model_writes_nothing(write_model: Callable[..., Path], tmp_path: Path) -> None:
    model = write_model("archmodel: 1\nsystem: {name: T}\nflows: [{from: a, to: b, protocol: https}]\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(model), "-o", str(out), "--only", "diagrams"])
    assert result.exit_code == 1
    assert not out.exists()


def test_check_trusts_the_manifest_only_for_identical_inputs(
    write_model: Callable[..., Path], tmp_path: Path
) -> None:
    model = write_model("archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n")
    out = tmp_path / "out"
    args = [str(model), "-o", str(out), "--only", "threats"]
    runner = CliRunner()
    assert runner.invoke(cli, ["generate", *args]).exit_code == 0
    fast = runner.invoke(cli, ["check", *args])
    assert fast.exit_code == 0 and "what generate wrote for these inputs" in fast.stderr
    (model / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T2}\ncomponents: [{id: u, kind: actor, name: U}]\n"
    )
    slow = runner.invoke(cli, ["check", *args])
    assert "these inputs" not in slow.stderr  # the model changed: regenerate and compare
    victim = out / "threats" / "threats.md"
    (model / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n"
    )
    victim.write_bytes(victim.read_bytes() + b"x")
    edited = runner.invoke(cli, ["check", *args])
    assert edited.exit_code == 1 and f"stale: {victim}" in edited.stdout


def test_unwritable_output_is_an_error_not_a_traceback(
    write_model: Callable[..., Path], tmp_path: Path
) -> None:
    model = write_model("archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(cli, ["generate", str(model), "-o", str(blocker), "--only", "threats"])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback


def test_a_symlinked_directory_cannot_carry_writes_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "diagrams").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        write_outputs(out, {"diagrams/x.txt": b"1", "ok.txt": b"2"})
    assert list(outside.iterdir()) == []
    assert not (out / "ok.txt").exists()


def test_clean_does_not_follow_a_symlinked_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"d/x.txt": b"1"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("precious")
    (out / "d" / "x.txt").unlink()
    (out / "d").rmdir()
    (out / "d").symlink_to(outside, target_is_directory=True)
    write_outputs(out, {"other.txt": b"2"}, clean=True)
    assert (outside / "x.txt").read_text() == "precious"


def test_in_sync_check_trusts_unchanged_stats_and_hashes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archmodel.outcheck as outcheck
    import archmodel.survey as survey
    import archmodel.writer as writer
    from archmodel import output_cache

    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    files = {"a.txt": b"same", "d/b.txt": b"1234"}
    write_outputs(out, files, inputs="fp")
    expected = {rel: writer.digest(b) for rel, b in files.items()}
    output_cache.remember_stats(out, expected)
    listed = set(files)

    def compare() -> bool:
        return outcheck.compare_hashes(out, expected, listed, output_cache.recall_stats(out)).clean

    with monkeypatch.context() as patched:  # files whose stat is unchanged are not read
        patched.setattr(survey, "hash_or_none", lambda *args: pytest.fail("read a file"))
        assert compare()
    (out / "d" / "b.txt").write_bytes(b"5678")  # same size: the stat (mtime, ctime) changed
    assert not compare()
    (out / "d" / "b.txt").write_bytes(b"1234")
    assert compare()  # the stat changed, the bytes are right again: hashed, in sync
    other = {**expected, "a.txt": writer.digest(b"other")}  # a remembered stat vouches only for its hash
    assert not outcheck.compare_hashes(out, other, listed, output_cache.recall_stats(out)).clean
    monkeypatch.setenv("ARCHMODEL_NO_CACHE", "1")
    assert len(output_cache.recall_stats(out)) == 0
    assert compare()  # no cache: every file hashed


def test_stat_cache_never_trusts_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import archmodel.outcheck as outcheck
    import archmodel.writer as writer
    from archmodel import output_cache

    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    write_outputs(out, {"a.txt": b"same"}, inputs="fp")
    expected = {"a.txt": writer.digest(b"same")}
    output_cache.remember_stats(out, expected)
    (tmp_path / "elsewhere").write_bytes(b"same")
    (out / "a.txt").unlink()
    (out / "a.txt").symlink_to(tmp_path / "elsewhere")
    drift = outcheck.compare_hashes(out, expected, {"a.txt"}, output_cache.recall_stats(out))
    assert drift.unsafe == [("a.txt", "symlink")]


def _generated_once(write_model: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A one-component model generated once with ``--only threats`` (five files): the
    model directory, OUT, and the arguments that generated it."""
    model = write_model("archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n")
    out = tmp_path / "out"
    args = ["generate", str(model), "-o", str(out), "--only", "threats"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "5 files, 5 changed" in first.stderr, first.output
    return model, out, args


def test_generate_with_unchanged_inputs_and_output_does_nothing(
    write_model: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archmodel.cli import generate_cmd

    _, out, args = _generated_once(write_model, tmp_path)
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*")}

    def no_generation(*_: object) -> None:
        raise AssertionError("the generators ran")

    monkeypatch.setattr(generate_cmd.Run, "files", no_generation)
    monkeypatch.setattr(generate_cmd.Run, "staged", no_generation)
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "5 files, 0 changed (as generated for these inputs)" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == written


@pytest.mark.parametrize("change", ["delete", "edit", "model"])
def test_generate_runs_again_when_output_or_inputs_changed(
    write_model: Callable[..., Path], tmp_path: Path, change: str
) -> None:
    model, out, args = _generated_once(write_model, tmp_path)
    victim = out / "threats" / "threats.md"
    if change == "delete":
        victim.unlink()
    elif change == "edit":
        victim.write_bytes(victim.read_bytes() + b"mine")
    else:
        (model / "archmodel.yaml").write_text(
            "archmodel: 1\nsystem: {name: T2}\ncomponents: [{id: u, kind: actor, name: U}]\n"
        )
    again = CliRunner().invoke(cli, args)
    if change == "edit":  # an edited file is a conflict, as it was before
        assert again.exit_code == 1 and "edited since archmodel wrote it" in again.stderr
    else:
        assert again.exit_code == 0 and "as generated" not in again.stderr
        assert victim.is_file() and "5 files" in again.stderr


def test_generate_fast_path_knows_which_kinds_were_asked_for(
    write_model: Callable[..., Path], tmp_path: Path
) -> None:
    """docs needs the diagrams: the same generators run for `--only docs` and for
    `--only diagrams,docs`, but only the second writes the diagrams."""
    model = write_model("archmodel: 1\nsystem: {name: T}\ncomponents: [{id: u, kind: actor, name: U}]\n")
    out = tmp_path / "out"
    runner = CliRunner()
    common = ["generate", str(model), "-o", str(out), "--no-images", "--only"]
    assert runner.invoke(cli, [*common, "docs"]).exit_code == 0
    assert not (out / "diagrams").exists()
    both = runner.invoke(cli, [*common, "diagrams,docs"])
    assert both.exit_code == 0 and "as generated" not in both.stderr
    assert any((out / "diagrams").rglob("*.mmd"))


@pytest.mark.parametrize("tamper", ["manifest", "staging"])
def test_generate_fast_path_never_vouches_for_a_tampered_out(
    write_model: Callable[..., Path], tmp_path: Path, tamper: str
) -> None:
    _, out, args = _generated_once(write_model, tmp_path)
    if tamper == "manifest":
        (out / MANIFEST).write_text('{"files": 5}')
    else:  # what a killed run leaves: its staging directory, marked as such
        (out / ".archmodel-staging-killed").mkdir()
        (out / ".archmodel-staging-killed" / STAGING_MARK).write_bytes(b"")
    again = CliRunner().invoke(cli, args)
    assert "as generated" not in again.stderr
    if tamper == "manifest":  # a full run, which refuses a manifest it cannot trust
        assert again.exit_code == 1 and "remove the manifest" in again.stderr
    else:  # a full run, which removes what a killed run left
        assert again.exit_code == 0 and not (out / ".archmodel-staging-killed").exists()


def test_a_path_with_nul_is_unsafe() -> None:
    with pytest.raises(UnsafePath):
        safe_relative("a\0b.txt")
