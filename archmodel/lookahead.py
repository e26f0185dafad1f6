"""OUT's files looked at in a second process while this one loads the model.

`check`, and `generate` before deciding that nothing needs writing, ask whether every
file of OUT is still the one generate wrote. The stat cache answers that for each file
(``outcheck.still_as_recorded``): one ``lstat`` per file, a hundred thousand at 10k
components, 0.5-0.7 s, and 3 s at 50k. That needs OUT and the cache, not the model, so
a forked worker does it while the model loads on the other core, and what the caller
waits for at the end is the answer. A small output is looked at in this process
afterwards, as is any whose worker fails: the answer is the same.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from archmodel import cores, output_cache
from archmodel.outcheck import still_as_recorded

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

# Bytes of stat cache for OUT below which a worker's start costs more than it saves
# (about 7,000 files).
MIN_RECORD = 1024 * 1024


class Ahead:
    """``still_as_recorded(out)``, started now and taken with ``result()``; use as a
    context manager so that a run that stops early (an invalid model) stops the worker."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._worker: BaseProcess | None = None
        self._answer: Connection | None = None
        if output_cache.stats_size(out) >= MIN_RECORD and cores.jobs(2) > 1:
            self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(target=_look, args=(self.out, sending), daemon=True)
        try:
            worker.start()
        except OSError:
            receiving.close()
            return
        finally:
            sending.close()
        self._worker, self._answer = worker, receiving

    def result(self) -> dict[str, str]:
        """The files of OUT the stat cache vouches for, with their hashes."""
        found = None
        if self._answer is not None:
            with contextlib.suppress(EOFError, OSError):
                found = self._answer.recv()
            self._stop()
        if not isinstance(found, dict):
            found = still_as_recorded(self.out, output_cache.recall_stats(self.out))
        return found

    def _stop(self) -> None:
        worker, answer = self._worker, self._answer
        self._worker = self._answer = None
        if answer is not None:
            answer.close()
        if worker is not None:
            if worker.is_alive():
                worker.kill()
            worker.join()

    def __enter__(self) -> Ahead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()


def _look(out: Path, answer: Connection) -> None:
    """In the worker: the answer, or nothing (the caller then looks itself)."""
    try:
        answer.send(still_as_recorded(out, output_cache.recall_stats(out)))
    except Exception:
        pass
    finally:
        answer.close()
        os._exit(0)  # no atexit handlers and buffers of the parent's
