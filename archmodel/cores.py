"""How many processes a command may use: ``ARCHMODEL_JOBS`` when set, else one per core
the process may run on; 1 off Linux (where ``fork`` is missing, or unsafe next to system
frameworks as on macOS), inside a worker already (workers never start workers), and
while other threads run: a thread holding a lock at the fork (a docs server's, a pool's
own) would leave the worker waiting for it forever."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.process import BaseProcess

JOBS_VARIABLE = "ARCHMODEL_JOBS"
_PR_SET_PDEATHSIG = 1  # prctl(2): a signal for this process when its parent dies


def jobs(limit: int, elements: int = 0, minimum: int = 0) -> int:
    """Workers to use for at most ``limit`` independent pieces of work (1: none), on a
    model of ``elements`` components and flows: below ``minimum`` a worker's start costs
    more than it saves, unless ``ARCHMODEL_JOBS`` sets the number."""
    if not sys.platform.startswith("linux") or multiprocessing.parent_process() is not None:
        return 1
    if threading.active_count() > 1:
        return 1
    count = _asked()
    if count is None and elements < minimum:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if count is None else count, limit))


def asked() -> bool:
    """Whether ``ARCHMODEL_JOBS`` sets the number (then model size does not decide)."""
    return _asked() is not None


def _asked() -> int | None:
    text = os.environ.get(JOBS_VARIABLE, "").strip()
    return int(text) if text.isdecimal() else None  # (isdigit admits "²", which int refuses)


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are forked: each sees the loaded model without pickling it.
    The pool's module (30 ms to import) is loaded only by a run that uses one."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def start_detached(work: Callable[..., object], *args: object) -> BaseProcess | None:
    """``work(*args)`` in a forked worker, started; None when none could start. The
    worker holds none of the command's output streams (a caller reading the command's
    output to its end must not wait for it), dies with the command (Linux), and ends
    with ``os._exit`` whatever ``work`` does: no atexit handler or buffer of the
    command's runs twice."""
    context = multiprocessing.get_context("fork")
    worker = context.Process(target=_detached, args=(os.getpid(), work, args), daemon=True)
    try:
        worker.start()
    except OSError:
        return None
    return worker


def _detached(command: int, work: Callable[..., object], args: tuple[object, ...]) -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(null, fd)
        os.close(null)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == command:  # else the command died before the line above
            work(*args)
    finally:
        os._exit(0)
