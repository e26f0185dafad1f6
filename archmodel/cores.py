"""How many processes a command may use: ``ARCHMODEL_JOBS`` when set, else one per core
the process may run on; 1 off Linux (where ``fork`` is missing, or unsafe next to system
frameworks as on macOS), inside a worker already (workers never start workers), and
while other threads run: a thread holding a lock at the fork (a docs server's, a pool's
own) would leave the worker waiting for it forever."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading

JOBS_VARIABLE = "ARCHMODEL_JOBS"


def jobs(limit: int) -> int:
    """Workers to use for at most ``limit`` independent pieces of work (1: none)."""
    if not sys.platform.startswith("linux") or multiprocessing.parent_process() is not None:
        return 1
    if threading.active_count() > 1:
        return 1
    asked = os.environ.get(JOBS_VARIABLE, "").strip()
    count = int(asked) if asked.isdigit() else len(os.sched_getaffinity(0))
    return max(1, min(count, limit))


def asked() -> bool:
    """Whether ``ARCHMODEL_JOBS`` sets the number (then model size does not decide)."""
    return os.environ.get(JOBS_VARIABLE, "").strip().isdigit()
