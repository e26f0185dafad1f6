"""One run at a time in an OUT: an exclusive lock on the directory, which forked
workers do not keep.

A forked process shares a lock through its copy of the descriptor, so workers close
theirs at once: a worker left behind by a killed run would otherwise keep OUT locked
until it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_TIMEOUT = 120.0


class Busy(RuntimeError):
    """Another run holds OUT."""


@contextmanager
def locked(out: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on OUT: two runs into one OUT take turns. Workers forked
    while it is held do not hold it (see ``_HELD``)."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    _HELD.add(fd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Busy(f"{out} is being written by another archmodel run") from None
                time.sleep(0.05)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing the descriptor releases the lock


# Descriptors holding a lock on an OUT (closed in forked workers).
_HELD: set[int] = set()


def _release_in_child() -> None:
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_release_in_child)
