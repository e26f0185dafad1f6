"""OUT looked at in a worker while the model loads: the same answer as looking here, and
a run that stops early leaves no worker behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archmodel import lookahead, output_cache
from archmodel.cli.generate_cmd import _unchanged
from archmodel.lookahead import Ahead
from archmodel.manifest import MANIFEST
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
    for rel in ("a.txt", "d/b.txt", "d/c.txt", "e/f.txt", MANIFEST):
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
    assert found == {"d/c.txt": digest(b"d/c.txt")}  # the manifest is the caller's to judge
    assert _vouched_here(out) == {**found, MANIFEST: digest(MANIFEST.encode())}


def test_a_vouched_file_is_not_looked_at_and_the_rest_are(out: Path) -> None:
    expected = {rel: digest(rel.encode()) for rel in ("a.txt", "d/b.txt", "d/c.txt", "e/f.txt", MANIFEST)}
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
        assert ahead.result() == _vouched_here(out) and len(_vouched_here(out)) == 5


def test_a_small_output_is_looked_at_here(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookahead, "MIN_RECORD", output_cache.stats_size(out) + 1)
    with Ahead(out) as ahead:
        assert ahead._worker is None
        assert ahead.result() == _vouched_here(out)


def _known() -> dict[str, str]:
    return {rel: digest(rel.encode()) for rel in (MANIFEST, "a.txt", "d/b.txt", "d/c.txt", "e/f.txt")}


def test_another_run_into_out_after_the_worker_looked_is_caught(out: Path) -> None:
    """A generate into OUT while the model loads rewrites files, the manifest and the
    stat record: the worker's answer is set aside and every file looked at again."""
    with Ahead(out) as ahead:
        assert ahead._answer is not None and ahead._answer.poll(30)  # the worker has looked
        assert _unchanged(out, _known(), ahead, first=False)  # as recorded so far
    with Ahead(out) as ahead:
        assert ahead._answer is not None and ahead._answer.poll(30)
        (out / "d" / "c.txt").write_text("another run's c")
        (out / MANIFEST).write_text("another run's manifest")
        assert not ahead.current()
        assert not _unchanged(out, _known(), ahead, first=False)


def test_another_input_set_is_told_from_the_manifest_without_waiting(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(out: Path, answer: object) -> None:
        entry = output_cache.recall_stats(out).entries.get(MANIFEST)
        answer.send((lookahead.stamp(out), entry))  # type: ignore[attr-defined]
        time.sleep(60)

    monkeypatch.setattr(lookahead, "_look", slow)
    other = {**_known(), MANIFEST: digest(b"another input set")}
    start = time.monotonic()
    with Ahead(out) as ahead:
        assert not _unchanged(out, other, ahead, first=True)
    assert time.monotonic() - start < 10


def test_without_a_worker_the_look_stops_at_the_manifest(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHMODEL_JOBS", "1")
    looked: list[str] = []
    real = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: looked.append(str(path)) or real(path, *a, **k))
    with Ahead(out) as ahead:
        assert not ahead.forked
        assert not _unchanged(out, {**_known(), MANIFEST: digest(b"other")}, ahead, first=True)
    assert [p for p in looked if p.endswith(".txt")] == []


def test_the_worker_dies_with_a_command_that_is_killed(out: Path, tmp_path: Path) -> None:
    """No worker outlives a command killed outright (a CI job cancelled)."""
    script = tmp_path / "command.py"
    script.write_text(
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from archmodel import lookahead\n"
        "def slow(out, answer):\n"
        "    time.sleep(60)\n"
        "lookahead.MIN_RECORD = 0\n"
        "lookahead._look = slow\n"
        "ahead = lookahead.Ahead(Path(sys.argv[1]))\n"
        "print(ahead._worker.pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, timeout=30)
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(worker):
        time.sleep(0.05)
    assert not _running(worker)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit may wait for a reaper)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
