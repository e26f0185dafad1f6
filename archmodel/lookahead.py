"""OUT's files looked at in a second process while this one loads the model.

`check`, and `generate` before deciding that nothing needs writing, ask whether every
file of OUT is still the one generate wrote. The stat cache answers that for each file
(``outcheck.still_as_recorded``): one ``lstat`` per file, a hundred thousand at 10k
components, 0.5-0.7 s, and 3 s at 50k. That needs OUT and the cache, not the model, so
a forked worker does it while the model loads on the other core.

The files the worker vouches for are judged as they stood when it looked. Every run
that writes OUT rewrites its manifest and its stat-cache record: the caller compares
their stats at its verdict with those the worker saw (two ``lstat``s), and looks at
every file itself when either changed, so another run into the same OUT meanwhile is
caught; a hand edit of one file while the model loads is not. A small output, or one
whose worker failed, is looked at in this process at the verdict, as before.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from archmodel import cores, output_cache
from archmodel.manifest import MANIFEST
from archmodel.outcheck import still_as_recorded
from archmodel.safe_files import stat_key

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

# Bytes of stat cache for OUT below which a worker's start costs more than it saves
# (about 7,000 files).
MIN_RECORD = 1024 * 1024


class Ahead:
    """The stat cache's answer for OUT, started now; use as a context manager so that a
    run that stops early (an invalid model) stops the worker. ``forked``: whether a
    worker looks (else the caller looks itself, at its verdict)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._worker: BaseProcess | None = None
        self._answer: Connection | None = None
        self._manifest: object = None
        if output_cache.stats_size(out) >= MIN_RECORD and cores.jobs(2) > 1:
            self._start()
        self.forked = self._worker is not None

    def _start(self) -> None:
        receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        worker = cores.start_detached(_look, self.out, sending)
        sending.close()
        if worker is None:
            receiving.close()
            return
        self._worker, self._answer = worker, receiving
        self._manifest = _UNREAD

    def _first(self) -> tuple[object, object] | None:
        """The worker's first message, (``stamp`` as it looked, the manifest's entry),
        received once; None when there is none."""
        if self._manifest is _UNREAD:
            self._manifest = self._receive()
        first = self._manifest
        return first if isinstance(first, tuple) and len(first) == 2 else None

    def current(self) -> bool:
        """Whether a worker looked and no run has written OUT since (the manifest and
        the stat-cache record stand as it saw them)."""
        first = self._first()
        return first is not None and first[0] == stamp(self.out)

    def manifest_entry(self) -> str | None:
        """What the stat cache remembers of the manifest (its stat and hash), sent first:
        the caller judges the manifest itself, at its verdict, and may stop there."""
        first = self._first()
        return first[1] if first is not None and isinstance(first[1], str) else None

    def result(self) -> dict[str, str]:
        """The files of OUT other than the manifest that the stat cache vouched for when
        the worker looked, with their hashes (looked at here when no worker answers)."""
        self._first()
        found = self._receive() if self._answer is not None else None
        self._stop()
        if not isinstance(found, dict):
            found = still_as_recorded(self.out, output_cache.recall_stats(self.out))
        return found

    def _receive(self) -> object:
        if self._answer is None:
            return None
        try:
            return self._answer.recv()
        except (EOFError, OSError):
            self._stop()
            return None

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


_UNREAD = object()


def stamp(out: Path) -> tuple[object, object]:
    """The stats of what every run that writes OUT rewrites: its stat-cache record and
    its manifest."""
    return output_cache.stats_stamp(out), stat_key(os.path.join(out, MANIFEST))


def _look(out: Path, answer: Connection) -> None:
    """In the worker (``cores.start_detached``): the manifest's entry, then the files
    vouched for (or nothing, when it fails: the caller then looks itself)."""
    seen = output_cache.recall_stats(out)
    # After the read, which marks the record as used (its times change): what a later
    # run would change again.
    answer.send((stamp(out), seen.entries.get(MANIFEST)))
    found = still_as_recorded(out, seen)
    found.pop(MANIFEST, None)
    answer.send(found)
