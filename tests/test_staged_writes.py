"""Files surveyed and staged where they were generated: only files another generator
needs travel back, nothing in OUT moves until every file is known to be safe to write,
and a path that changed after its survey is a conflict, not an overwrite."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from test_parallel import PROJECT, NeedsA, _first, _second

from archmodel.manifest import MANIFEST
from archmodel.parallel import JOBS_VARIABLE, run_side_by_side
from archmodel.project import Project
from archmodel.runner import Files, Generator, NoOptions, PathClash, run_one, run_staged
from archmodel.writer import STAGING_PREFIX, Conflict, digest, opened, write_outputs


def _also_a(project: Project, options: NoOptions) -> Files:
    return {PurePosixPath("a.txt"): b"me too"}


GENERATORS = {"a": Generator("a", NoOptions, _first), "b": Generator("b", NeedsA, _second, needs=("a",))}


def _tagged(files: dict[str, bytes]) -> object:
    return (os.getpid(), sorted(files))


def test_only_files_another_generator_needs_travel_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    finish = {"a": _tagged, "b": _tagged}
    files, finished = run_side_by_side(PROJECT, GENERATORS, ["a", "b"], {}, 2, run_one, finish)
    assert files == {"a": {"a.txt": b"from a"}}  # b needs it; b's own stay where they were made
    assert {name: paths for name, (_, paths) in finished.items()} == {"a": ["a.txt"], "b": ["b/b.txt"]}
    assert all(pid != os.getpid() for pid, _ in finished.values())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_staged_where_generated_then_written_by_the_caller(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, jobs)
    out = tmp_path / "out"
    with opened(out) as target:
        staged = run_staged(PROJECT, GENERATORS, ["a", "b"], target.stage)
        assert not (out / "a.txt").exists()  # staged, not yet in place
        written = target.commit(staged)
    assert (out / "b" / "b.txt").read_bytes() == b"from a, seen by b"
    assert written.changed == ["a.txt", "b/b.txt"]
    assert written.hashes == {"a.txt": digest(b"from a"), "b/b.txt": digest(b"from a, seen by b")}
    assert written.manifest_hash == digest((out / MANIFEST).read_bytes())
    assert not list(out.glob(f"{STAGING_PREFIX}*"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_generators_staging_one_path_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, jobs)
    generators = {"a": GENERATORS["a"], "z": Generator("z", NoOptions, _also_a)}
    with pytest.raises(PathClash, match=r"'a' and 'z' both write a\.txt"), opened(tmp_path / "out") as target:
        run_staged(PROJECT, generators, ["a", "z"], target.stage)
    assert not (tmp_path / "out").exists()  # created for the run, left as it was found


def test_a_file_that_appears_after_the_survey_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(Conflict) as raised, opened(out) as target:
        staged = target.stage({"new/x.txt": b"ours", "y.txt": b"ours"})
        (out / "y.txt").write_bytes(b"someone else's")
        target.commit(staged)
    assert raised.value.paths == (("y.txt", "appeared during this run"),)
    assert (out / "y.txt").read_bytes() == b"someone else's"
    assert not (out / "new").exists()  # nothing of the run moved into place


def test_a_file_edited_after_the_survey_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"x.txt": b"one"})
    with pytest.raises(Conflict) as raised, opened(out) as target:
        staged = target.stage({"x.txt": b"two"})  # ours, unchanged since: to be replaced
        (out / "x.txt").write_bytes(b"edited meanwhile")
        os.utime(out / "x.txt", ns=(1, 1))
        target.commit(staged)
    assert raised.value.paths == (("x.txt", "changed during this run"),)
    assert (out / "x.txt").read_bytes() == b"edited meanwhile"


def test_a_failed_run_leaves_an_existing_out_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"x.txt": b"one"})
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(RuntimeError), opened(out) as target:
        target.stage({"x.txt": b"two", "y.txt": b"new"})
        raise RuntimeError("a generator failed")
    assert sorted(p.name for p in out.iterdir()) == before
    assert (out / "x.txt").read_bytes() == b"one"


def test_a_file_another_file_needs_as_a_directory_is_refused_before_anything_moves(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(Conflict) as raised:
        write_outputs(out, {"a": b"file", "a/b/c.txt": b"below it", "z.txt": b"z"})
    assert raised.value.paths == (("a", "another generated file needs it as a directory"),)
    assert not out.exists()


def test_a_directory_that_becomes_a_link_after_the_survey_carries_no_write(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_outputs(out, {"d/x.txt": b"one"})
    elsewhere.mkdir()
    with pytest.raises(Conflict) as raised, opened(out) as target:
        staged = target.stage({"d/x.txt": b"two", "d/y.txt": b"new"})
        (out / "d" / "x.txt").unlink()
        (out / "d").rmdir()
        (out / "d").symlink_to(elsewhere)
        target.commit(staged)
    assert {why for _, why in raised.value.paths} == {
        "its directory became a link leading out of OUT during this run"
    }
    assert list(elsewhere.iterdir()) == []


def test_a_directory_replaced_by_a_file_after_the_survey_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {"keep.txt": b"k"})
    with pytest.raises(Conflict) as raised, opened(out) as target:
        staged = target.stage({"a.txt": b"a", "d/x.txt": b"x"})
        (out / "d").write_bytes(b"a file where the directory goes")
        target.commit(staged)
    assert raised.value.paths == (("d/x.txt", "a file is in the way of its directory"),)
    assert not (out / "a.txt").exists()  # nothing moved


def test_a_worker_forked_while_out_is_locked_does_not_hold_the_lock(tmp_path: Path) -> None:
    """A worker outliving a killed run must not keep OUT locked."""
    import multiprocessing
    import time as clock

    from archmodel.out_lock import locked

    out = tmp_path / "out"
    out.mkdir()
    with locked(out):
        worker = multiprocessing.get_context("fork").Process(target=clock.sleep, args=(5,))
        worker.start()
    try:
        with locked(out, timeout=1.0):  # Busy if the worker still held it
            pass
    finally:
        worker.terminate()
        worker.join()
