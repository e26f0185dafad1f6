"""What a generate run leaves in the cache: the hashes it produced for its inputs and the
stat of every file, written side by side by two processes on a large output."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from archmodel import cores
from archmodel.cores import JOBS_VARIABLE
from archmodel.output_cache import recall, recall_stats, remember_run
from archmodel.safe_files import stat_key

INPUTS = "a" * 64


def _out(tmp_path: Path, count: int) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "out"
    (out / "d").mkdir(parents=True)
    hashes = {}
    for i in range(count):
        data = f"file {i}\n".encode()
        (out / "d" / f"{i}.txt").write_bytes(data)
        hashes[f"d/{i}.txt"] = hashlib.sha256(data).hexdigest()
    return out, hashes


def _stats(out: Path, hashes: dict[str, str]) -> dict[str, tuple[int, int, int, int]]:
    return {rel: key for rel in hashes if (key := stat_key(os.path.join(out, rel))) is not None}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_both_records_are_kept_with_or_without_a_worker(
    jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, jobs)
    started: list[int] = []
    real = cores.start_detached

    def start(work: Callable[..., object], *args: object) -> BaseProcess | None:
        worker = real(work, *args)
        started.append(worker.pid or 0 if worker is not None else 0)
        return worker

    monkeypatch.setattr(cores, "start_detached", start)
    out, hashes = _out(tmp_path, 30)
    record = {**hashes, ".archmodel-manifest.json": "b" * 64}
    remember_run(INPUTS, record, out, hashes, _stats(out, hashes))
    assert recall(INPUTS) == record
    seen = recall_stats(out)
    for rel, hashed in hashes.items():
        assert seen.hash_of(rel, os.lstat(out / rel)) == hashed
    assert len(started) == (1 if jobs == "2" else 0)
    assert all(pid > 0 for pid in started)


def test_a_small_output_keeps_its_records_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(JOBS_VARIABLE, raising=False)
    monkeypatch.setattr(cores, "start_detached", lambda *a: pytest.fail("a worker for 30 files"))
    out, hashes = _out(tmp_path, 30)
    remember_run(INPUTS, hashes, out, hashes, _stats(out, hashes))
    assert recall(INPUTS) == hashes


def test_a_killed_command_leaves_no_worker_holding_its_output(tmp_path: Path) -> None:
    """The worker holds none of the command's output streams, and dies with it."""
    pid_file = tmp_path / "worker.pid"
    script = f"""
import os, sys, time
from pathlib import Path
from archmodel import output_cache
def slow(inputs, hashes):
    Path({str(pid_file)!r}).write_text(str(os.getpid()))
    time.sleep(60)
def ready(*args):
    while not Path({str(pid_file)!r}).exists():
        time.sleep(0.01)
    print("ready", flush=True)
output_cache.remember = slow
output_cache.remember_stats = ready
output_cache.remember_run("a" * 64, {{}}, Path({str(tmp_path)!r}), {{}}, {{}})
"""
    env = dict(os.environ, **{JOBS_VARIABLE: "2", "ARCHMODEL_CACHE_DIR": str(tmp_path / "cache")})
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
    assert run.stdout is not None
    assert run.stdout.readline() == b"ready\n"
    worker = int(pid_file.read_text())
    run.kill()
    started = time.monotonic()
    assert run.stdout.read() == b""  # the end of the output: no worker holds it open
    assert time.monotonic() - started < 5
    run.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False
