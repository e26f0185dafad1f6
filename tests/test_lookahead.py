"""OUT looked at in a worker while the model loads: the same answer as looking here, and
a run that stops early leaves no worker behind."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from archmodel import lookahead, output_cache
from archmodel.lookahead import Ahead
from archmodel.outcheck import compare_hashes, still_as_recorded
from archmodel.survey import digest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An OUT of a few files with their stats cached, and a worker for any size."""
    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ARCHMODEL_NO_CACHE", raising=False)
    monkeypatch.setenv("ARCHMODEL_JOBS", "2")
    monkeypatch.setattr(lookahead, "MIN_RECORD", 0)
    root = tmp_path / "out"
    hashes = {}
    for rel in ("a.txt", "d/b.txt", "d/c.txt", "e/f.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
        hashes[rel] = digest(rel.encode())
    output_cache.remember_stats(root, hashes)
    return root


def _vouched_here(out: Path) -> dict[str, str]:
    return still_as_recorded(out, output_cache.recall_stats(out))


def test_the_worker_vouches_for_exactly_the_files_still_as_recorded(out: Path, tmp_path: Path) -> None:
    (out / "d" / "b.txt").write_text("edited, and longer")  # its stat differs now
    (out / "a.txt").unlink()
    (out / "a.txt").symlink_to(out / "d" / "c.txt")  # a link where a file was
    outside = tmp_path / "elsewhere"
    (out / "e").rename(outside)
    (out / "e").symlink_to(outside)  # the file is there, but through a linked directory
    with Ahead(out) as ahead:
        assert ahead._worker is not None  # the look runs in a worker
        found = ahead.result()
    assert found == _vouched_here(out) == {"d/c.txt": digest(b"d/c.txt")}


def test_a_vouched_file_is_not_looked_at_and_the_rest_are(out: Path) -> None:
    expected = {rel: digest(rel.encode()) for rel in ("a.txt", "d/b.txt", "d/c.txt", "e/f.txt")}
    with Ahead(out) as ahead:
        matched = ahead.result()
    assert compare_hashes(out, expected, listed=set(expected), matched=matched).clean
    (out / "d" / "b.txt").write_text("d/B.txt")  # same size, other bytes: read and found stale
    os.utime(out / "d" / "b.txt", ns=(1, 1))
    with Ahead(out) as ahead:
        matched = ahead.result()
    assert "d/b.txt" not in matched
    assert compare_hashes(out, expected, listed=set(expected), matched=matched).stale == ["d/b.txt"]


def test_a_run_that_stops_early_stops_the_worker(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookahead, "_look", lambda out, answer: time.sleep(60))
    start = time.monotonic()
    with pytest.raises(SystemExit), Ahead(out) as ahead:
        worker = ahead._worker
        assert worker is not None and worker.is_alive()
        raise SystemExit(1)  # as an invalid model stops the command
    assert not worker.is_alive() and time.monotonic() - start < 10


def test_a_worker_that_fails_leaves_the_look_to_this_process(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookahead, "_look", lambda out, answer: os._exit(3))
    with Ahead(out) as ahead:
        assert ahead._worker is not None
        assert ahead.result() == _vouched_here(out) and len(_vouched_here(out)) == 4


def test_a_small_output_is_looked_at_here(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookahead, "MIN_RECORD", output_cache.stats_size(out) + 1)
    with Ahead(out) as ahead:
        assert ahead._worker is None
        assert ahead.result() == _vouched_here(out)
