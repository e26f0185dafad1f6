"""The writer's survey of OUT: one look per file, the user's stat cache trusted only for
files whose stat it remembers exactly, and a file in the way of a directory refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archmodel.manifest import MANIFEST, manifest_of
from archmodel.outcheck import compare_hashes
from archmodel.output_cache import Seen, stat_text
from archmodel.safe_files import stat_key
from archmodel.writer import (
    Conflict,
    Known,
    digest,
    digests,
    write_outputs,
)

FILES = {"a/one.txt": b"one\n", "a/b/two.txt": b"two\n", "three.txt": b"three\n"}


def _seen(out: Path, hashes: dict[str, str]) -> Seen:
    found: dict[str, object] = {}
    for rel, hashed in hashes.items():
        key = stat_key(out / rel)
        assert key is not None
        found[rel] = stat_text(*key) + hashed
    return Seen(found)


def test_a_fresh_output_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    changed = write_outputs(out, FILES)
    assert sorted(changed) == sorted(FILES)
    assert {rel: (out / rel).read_bytes() for rel in FILES} == FILES
    assert (out / MANIFEST).is_file()


def test_a_remembered_stat_spares_the_read(tmp_path: Path) -> None:
    """The cache says the file (stat unchanged) already has the planned hash: it is not
    read, so not rewritten, even though its bytes differ (proof the read was skipped)."""
    out = tmp_path / "out"
    write_outputs(out, FILES)
    planned = {**FILES, "three.txt": b"THREE\n"}
    hashes = digests(planned)
    seen = _seen(out, {"three.txt": hashes["three.txt"]})
    changed = write_outputs(out, planned, known=Known(hashes, seen))
    assert changed == []
    assert (out / "three.txt").read_bytes() == b"three\n"


def test_a_changed_stat_is_read_and_an_edit_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, FILES)
    seen = _seen(out, digests(FILES))
    (out / "three.txt").write_bytes(b"edited by hand\n")
    os.utime(out / "three.txt", ns=(1, 1))
    with pytest.raises(Conflict) as raised:
        write_outputs(out, FILES, known=Known(digests(FILES), seen))
    assert raised.value.paths == (("three.txt", "edited since archmodel wrote it"),)


def test_a_file_ours_and_unchanged_since_is_replaced_without_a_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, FILES)
    seen = _seen(out, digests(FILES))
    planned = {**FILES, "a/one.txt": b"ONE\n"}
    changed = write_outputs(out, planned, known=Known(digests(planned), seen))
    assert changed == ["a/one.txt"]
    assert (out / "a/one.txt").read_bytes() == b"ONE\n"


def test_a_file_where_a_directory_belongs_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_bytes(b"mine\n")
    with pytest.raises(Conflict) as raised:
        write_outputs(out, FILES)
    assert ("a/one.txt", "a file is in the way of its directory") in raised.value.paths
    assert (out / "a").read_bytes() == b"mine\n"


def test_hashes_for_other_paths_are_not_trusted(tmp_path: Path) -> None:
    """Known hashes keyed differently from the files are recomputed, not used."""
    out = tmp_path / "out"
    changed = write_outputs(out, FILES, known=Known({"elsewhere": digest(b"")}))
    assert sorted(changed) == sorted(FILES)
    manifest = (out / MANIFEST).read_text()
    assert all(digest(content) in manifest for content in FILES.values())


def test_a_manifest_with_the_expected_hash_is_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archmodel.outcheck as outcheck

    out = tmp_path / "out"
    write_outputs(out, FILES, inputs="fp")
    expected = {**digests(FILES), MANIFEST: digest((out / MANIFEST).read_bytes())}
    with monkeypatch.context() as patched:
        patched.setattr(outcheck, "_listed", lambda out: pytest.fail("parsed the manifest"))
        assert compare_hashes(out, expected).clean


def test_files_a_different_manifest_lists_are_extra(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {**FILES, "gone.txt": b"old\n"}, inputs="fp")
    expected = {**digests(FILES), MANIFEST: digest(manifest_of(digests(FILES), "fp"))}
    drift = compare_hashes(out, expected)
    assert drift.extra == ["gone.txt"]
    assert not drift.stale and not drift.missing


def test_the_writer_reports_the_stat_it_left_each_file_with(tmp_path: Path) -> None:
    """Unchanged files keep the stat the survey saw, written files get theirs after the
    rename: the cache `check` trusts is what is on disk."""
    out = tmp_path / "out"
    write_outputs(out, FILES)
    planned = {**FILES, "a/one.txt": b"ONE\n"}
    known = Known(digests(planned))
    write_outputs(out, planned, known=known)
    assert set(known.stats) == set(planned)
    assert all(known.stats[rel] == stat_key(out / rel) for rel in planned)


_PATH_TEXT = st.lists(
    st.sampled_from(["a", "b.txt", ".", "..", "", "é", "\\", "\n", " ", "\0"]), min_size=1, max_size=4
)
_HASH = st.one_of(
    st.text("0123456789abcdef", min_size=64, max_size=64),
    st.text("0123456789abcdefABCDEF\n", min_size=63, max_size=65),
    st.integers(),
    st.none(),
)


@given(st.dictionaries(_PATH_TEXT.map("/".join), _HASH, max_size=6))
@example({"a": "a" * 30 + "\n" + "a" * 33})  # 64 characters, a line break among them
@example({"a": "a" * 64, "b\0": "b" * 64})
def test_a_manifest_is_checked_as_a_whole_as_entry_by_entry(files: dict[str, object]) -> None:
    """The two-scan check of a large manifest accepts exactly what the entry-by-entry
    check accepts, and gives the same listing."""
    import archmodel.manifest as manifest

    def parsed() -> object:
        try:
            return manifest._parse_manifest({"inputs": "fp", "files": files}, Path("m"))
        except manifest.BadManifest as exc:
            return str(exc)

    whole = parsed()
    original = manifest._all_plain
    manifest._all_plain = lambda files: False  # type: ignore[assignment]
    try:
        assert parsed() == whole
    finally:
        manifest._all_plain = original


def test_a_remembered_stat_vouches_only_for_that_exact_stat(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    info = os.lstat(path)
    key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    hashed = digest(b"x")
    assert Seen({"f": stat_text(*key) + hashed}).hash_of("f", info) == hashed
    other = (key[0] + 1, *key[1:])
    for entry in (stat_text(*other) + hashed, stat_text(*key) + hashed[:-1], [*key, hashed], None):
        assert Seen({"f": entry}).hash_of("f", info) is None  # another stat, a short hash, the old layout


def test_a_file_larger_than_any_read_bound_is_hashed_not_unreadable(tmp_path: Path) -> None:
    """A 50k-component model's SARIF register is over 100 MB: generate and check hash it
    in chunks instead of refusing it as unreadable."""
    import hashlib

    from archmodel.safe_files import DEFAULT_LIMIT
    from archmodel.survey import why_not

    big = tmp_path / "threats.sarif"
    with big.open("wb") as f:
        f.truncate(DEFAULT_LIMIT + 1)  # sparse: zeros, read quickly
    wanted = hashlib.sha256(b"\0" * (DEFAULT_LIMIT + 1)).hexdigest()
    assert why_not(str(big), "threats.sarif", wanted, {}, Seen())[0] is None


def test_the_manifest_bound_admits_millions_of_files() -> None:
    from archmodel.manifest import MANIFEST_LIMIT

    line = manifest_of({"helm/c49999/templates/networkpolicy.yaml": "0" * 64})
    assert 4_000_000 * (len(line) - len(manifest_of({}))) < MANIFEST_LIMIT
