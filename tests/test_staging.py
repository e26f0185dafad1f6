"""Staged files put into OUT: a directory OUT lacks moves whole when one batch staged
everything below it, everything else file by file, and either way OUT ends up holding
exactly the staged bytes, each file with the stat the writer reports for it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.safe_files import stat_key
from archmodel.writer import digests, opened, write_outputs

PART = st.sampled_from(["a", "b", "c", "d"])
PATH = st.lists(PART, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + ".txt")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".archmodel-")
    }


def _stats_match(out: Path, stats: dict[str, tuple[int, int, int, int]]) -> None:
    for rel, key in stats.items():
        assert stat_key(out / rel) == key, rel


def test_a_fresh_output_moves_whole_directories_and_keeps_the_staged_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    files = {f"helm/c{i}/templates/t{j}.yaml": f"{i}-{j}".encode() for i in range(30) for j in range(3)}
    files["top.txt"] = b"top"
    with opened(out) as target:
        staged = target.stage(files)
        renames: list[tuple[str, str]] = []
        real = os.rename

        def counted(src: str, dst: str) -> None:
            renames.append((src, dst))
            real(src, dst)

        monkeypatch.setattr(os, "rename", counted)
        written = target.commit(staged)
    assert [dst for _, dst in renames] == [str(out / "helm")]  # one rename for 90 files
    assert _tree(out) == files
    assert set(written.stats) == set(files)
    _stats_match(out, written.stats)


def test_a_directory_two_batches_write_into_is_filled_file_by_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with opened(out) as target:
        first = target.stage({"docs/a.md": b"a", "docs/x/deep.md": b"deep"})
        second = target.stage({"docs/b.md": b"b", "other/c.md": b"c"})
        written = target.commit(first + second)
    assert _tree(out) == {"docs/a.md": b"a", "docs/x/deep.md": b"deep", "docs/b.md": b"b", "other/c.md": b"c"}
    _stats_match(out, written.stats)


def test_a_path_given_twice_in_one_batch_is_written_as_last_given(tmp_path: Path) -> None:
    out = tmp_path / "out"

    class Twice(dict[str, bytes]):
        def items(self):  # type: ignore[no-untyped-def, override]
            return [("d/x.txt", b"first"), ("d/x.txt", b"last")]

    with opened(out) as target:
        target.commit(target.stage(Twice()))
    assert (out / "d" / "x.txt").read_bytes() == b"last"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(PATH, max_size=6, unique=True),
    batches=st.lists(st.lists(PATH, min_size=1, max_size=8, unique=True), min_size=1, max_size=3),
)
def test_out_holds_exactly_what_was_staged(
    tmp_path_factory: object, before: list[str], batches: list[list[str]]
) -> None:
    """Any paths, split over batches, into an OUT that already holds some directories:
    OUT ends with every planned file's bytes and the stat the writer reports. Paths that
    clash (one file needed as another's directory, or two batches writing one path)
    are left out: the writer refuses those before anything moves."""
    out = Path(tmp_path_factory.mktemp("out"))  # type: ignore[attr-defined]
    planned = [p for batch in batches for p in batch]
    taken = set()
    for path in planned + before:
        taken.update("/".join(path.split("/")[:i]) for i in range(1, path.count("/") + 1))
    usable = [[p for p in batch if p not in taken and planned.count(p) == 1] for batch in batches]
    old = {p: b"old" for p in before if p not in taken and p not in planned}
    write_outputs(out, old)
    with opened(out) as target:
        staged = [entry for batch in usable for entry in target.stage({p: p.encode() for p in batch})]
        written = target.commit(staged)
    wanted = {**old, **{p: p.encode() for batch in usable for p in batch}}
    assert _tree(out) == wanted
    assert digests({p: wanted[p] for p in written.hashes}) == written.hashes
    _stats_match(out, written.stats)


def test_the_manifest_moves_last_so_an_interrupted_commit_can_be_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest vouches for the files it lists: the one in place while files move
    lists both the old and the new hash of each, and the final one moves last. A commit
    stopped half-way leaves old bytes and new ones, and the next run refuses neither."""
    out = tmp_path / "out"
    first = {"README.md": b"v1", "docs/a.md": b"v1", "docs/b.md": b"v1"}
    second = {path: b"v2" for path in first}
    write_outputs(out, first)
    real = os.replace
    order: list[str] = []

    def stopped(src: str, dst: str) -> None:
        order.append(os.path.relpath(dst, out))
        if os.fspath(dst).endswith("b.md"):
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(out, second)
    assert order[0] == ".archmodel-manifest.json" and order.count(".archmodel-manifest.json") == 1
    monkeypatch.setattr(os, "replace", real)
    write_outputs(out, second)  # not refused: every file is as one of the two runs left it
    assert _tree(out) == second


def test_a_directory_named_twice_through_a_link_is_filled_file_by_file(tmp_path: Path) -> None:
    """``alias`` links to ``real`` inside OUT: ``alias/new`` and ``real/new`` are one
    directory, which two whole moves could not both fill."""
    out = tmp_path / "out"
    write_outputs(out, {"real/keep.txt": b"k"})
    (out / "alias").symlink_to("real")
    write_outputs(out, {"alias/new/a.txt": b"a", "real/new/b.txt": b"b"})
    assert sorted(p.name for p in (out / "real" / "new").iterdir()) == ["a.txt", "b.txt"]


def test_a_path_too_long_for_the_staging_tree_is_staged_aside(tmp_path: Path) -> None:
    """The staging directory lengthens every path: one that only just fits in OUT does
    not fit there, and is staged under a short name instead."""
    out = tmp_path / "out"
    room = 4090 - len(str(out)) - 1  # the whole path: 4,090 of Linux's 4,095 characters
    parts = ["d" * 200] * ((room - 1) // 201)  # and a last part of 1 to 201 characters
    rel = "/".join([*parts, "f" * (room - 201 * len(parts))])
    assert len(str(out / rel)) == 4090
    write_outputs(out, {rel: b"long"})
    assert (out / rel).read_bytes() == b"long"
