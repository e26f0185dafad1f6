"""How many processes a command may use."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from archmodel import cores


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="side by side only on Linux")
def test_the_variable_sets_the_number_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cores.JOBS_VARIABLE, "3")
    assert cores.asked() and cores.jobs(8) == 3 and cores.jobs(2) == 2
    monkeypatch.setenv(cores.JOBS_VARIABLE, "0")
    assert cores.jobs(8) == 1
    monkeypatch.setenv(cores.JOBS_VARIABLE, "many")
    assert not cores.asked()


def _in_worker(queue: multiprocessing.Queue[int]) -> None:
    queue.put(cores.jobs(8))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork only on Linux")
def test_a_worker_never_starts_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cores.JOBS_VARIABLE, "4")
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[int] = context.Queue()
    worker = context.Process(target=_in_worker, args=(queue,))
    worker.start()
    worker.join(30)
    assert queue.get(timeout=5) == 1


def test_no_workers_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setenv(cores.JOBS_VARIABLE, "4")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert cores.jobs(8) == 1
    finally:
        release.set()
        other.join()
    if sys.platform.startswith("linux"):
        assert cores.jobs(8) == 4
