"""Where archmodel keeps its caches, and which cache directories it may trust.

Two caches live there (parsed model files, and the hashes of generated output that
`check` compares against). A planted entry could change what a run checks, so both are
used only in directories that this user owns and nobody else can write.

Each cache directory is kept within a byte budget: after every write, the most
recently used entries that fit stay and the others go (a hit counts as a use). Each
edit of a model is a new entry, and a 50k-component output's hashes take 60-70 MB, so
without a bound a user's cache would grow by gigabytes a week.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

BUDGET = 512 * 1024 * 1024  # bytes per cache directory: several 50k-component outputs
# A temporary file this old was left by a run that was killed while writing it.
STALE_TEMP_NS = 3600 * 10**9
# The names the caches write: entries (a SHA-256, for OUT's stats prefixed) and the
# temporary files they are written through (``TEMP_PREFIX`` and eight characters from
# ``mkstemp``; earlier versions wrote the two bare ``mkstemp`` forms). Nothing else in a
# directory is pruned.
TEMP_PREFIX = ".archmodel-tmp-"
_ENTRY = re.compile(r"(?:stat-)?[0-9a-f]{64}\.json", re.ASCII)
_TEMP = re.compile(r"(?:\.archmodel-tmp-|\.tmp-)[a-z0-9_]{8}|tmp[a-z0-9_]{8}\.tmp", re.ASCII)


def root() -> Path | None:
    """``ARCHMODEL_CACHE_DIR``, else ``$XDG_CACHE_HOME/archmodel`` or ``~/.cache/archmodel``;
    None when ``ARCHMODEL_NO_CACHE`` is set."""
    if os.environ.get("ARCHMODEL_NO_CACHE"):
        return None
    base = os.environ.get("ARCHMODEL_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "archmodel"
    )
    return Path(base)


def private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def used(entry: int | Path) -> None:
    """Mark an entry (an open descriptor or a path, never followed if a link) as just
    used, for ``prune`` (best effort)."""
    with contextlib.suppress(OSError, NotImplementedError):
        if isinstance(entry, int):
            os.utime(entry)
        else:
            os.utime(entry, follow_symlinks=False)


def prune(directory: Path, keep: str, budget: int | None = None) -> None:
    """Remove the entries of ``directory`` that do not fit in ``budget`` bytes
    (``BUDGET`` by default) beside the more recently used ones kept, newest first (a
    large entry may go while an older, smaller one fits); ``keep`` (the name just
    written) always stays, and so does a temporary file another run may be
    writing now. Only names the caches write are touched (the cache directory may be
    one the user chose). Best effort: another run may be pruning the same directory."""
    limit = BUDGET if budget is None else budget
    try:
        with os.scandir(directory) as found:
            entries = [(info.st_mtime_ns, e.name, info.st_size) for e in found if (info := _regular(e))]
    except OSError:
        return
    total = sum(size for _, name, size in entries if name == keep)
    now = time.time_ns()
    for mtime, name, size in sorted(entries, reverse=True):
        if name == keep:
            continue
        if _TEMP.fullmatch(name):
            stale = now - mtime > STALE_TEMP_NS
        elif _ENTRY.fullmatch(name):
            stale = total + size > limit
            total += 0 if stale else size
        else:
            stale = False
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(directory / name)


def _regular(entry: os.DirEntry[str]) -> os.stat_result | None:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None
