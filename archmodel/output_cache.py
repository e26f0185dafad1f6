"""What generate wrote for given inputs, remembered outside OUT so `check` can skip work.

Generation is deterministic: the same inputs fingerprint (model bytes, kinds, options,
archmodel's code, the date) always gives the same files. After a real generation the
hash of every file is kept in the user's cache directory; `check` with the same inputs
then only hashes OUT. The manifest inside OUT is never used for this: anyone who can
edit a generated file can edit the manifest beside it. A cache directory that another
user owns, or that others may write to, is not used.

Beside the hashes, the same directory keeps what each file of OUT looked like on disk
right after generate wrote it (or check hashed it): size, mtime, ctime and inode, with
the file's hash. `check` does not read a regular file whose stat is unchanged and whose
remembered hash is the expected one. A missing or stale entry only means "hash it".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from archmodel import cache_dir, cores
from archmodel.safe_files import StatKey, read_regular, stat_key

# Bytes of a record read back. A generate writes two (hashes and stats), and the cache
# budget holds both of the largest readable pair: ``cache_dir.BUDGET >= 2 * _LIMIT``.
_LIMIT = 256 * 1024 * 1024


def directory() -> Path | None:
    """The trusted cache directory for output hashes, created private; None when unusable."""
    base = cache_dir.root()
    if base is None:
        return None
    path = base / "outputs"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
    except OSError:
        return None
    return path if stat.S_ISDIR(info.st_mode) and cache_dir.private(info) else None


def _entry(inputs: str) -> Path | None:
    where = directory()
    if where is None or len(inputs) != 64 or not inputs.isalnum():
        return None
    return where / f"{inputs}.json"


def remember(inputs: str, hashes: Mapping[str, str]) -> None:
    """Keep the hashes generate produced for ``inputs`` (best effort)."""
    entry = _entry(inputs)
    if entry is None:
        return
    # dumps, not dump: json.dump streams through the pure-Python encoder, ten times
    # slower over the hundred thousand entries of a large output.
    _store(entry, json.dumps(dict(sorted(hashes.items()))))


def _store(entry: Path, text: str) -> None:
    """Write an entry (ASCII JSON) in one step, then keep the directory to its budget. A
    record over the read limit could never be read back: none is kept (nor an older one
    under its name), so it cannot push readable records out of the budget either."""
    if len(text) > _LIMIT:
        with contextlib.suppress(OSError):
            os.unlink(entry)
        return
    try:
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=cache_dir.TEMP_PREFIX)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        os.replace(temp, entry)
    except OSError:
        return
    cache_dir.prune(entry.parent, entry.name)


def recall(inputs: str) -> dict[str, str] | None:
    """The hashes generate produced for ``inputs``, if remembered and well-formed."""
    entry = _entry(inputs)
    if entry is None:
        return None
    try:
        data = json.loads(read_regular(entry, _LIMIT))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    cache_dir.used(entry)
    return {str(k): v for k, v in data.items()}


class Seen:
    """What OUT's files looked like when generate wrote them: path -> "size mtime ctime
    inode hash", kept as read from the cache and checked at each lookup (a hundred
    thousand entries are not worth converting when most are looked up once; one string
    each reads three times faster than a list of five)."""

    def __init__(self, entries: Mapping[str, object] | None = None) -> None:
        self.entries: Mapping[str, object] = entries or {}

    def __len__(self) -> int:
        return len(self.entries)

    def hash_of(self, rel: str, info: os.stat_result) -> str | None:
        """The hash ``rel`` had when its stat was ``info`` (None: unknown, or the stat
        differs, so the file must be read)."""
        item = self.entries.get(rel)
        if type(item) is not str:
            return None
        head = stat_text(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        if len(item) != len(head) + 64 or not item.startswith(head):
            return None
        return item[len(head) :]


def stat_text(size: int, mtime: int, ctime: int, inode: int) -> str:
    """How a file's stat starts its entry in the cache (its hash follows)."""
    return f"{size} {mtime} {ctime} {inode} "


def _stats_entry(out: Path) -> Path | None:
    where = directory()
    if where is None:
        return None
    try:
        key = hashlib.sha256(os.fsencode(out.resolve())).hexdigest()
    except (OSError, RuntimeError):
        return None
    return where / f"stat-{key}.json"


def remember_stats(
    out: Path,
    hashes: Mapping[str, str],
    stats: Mapping[str, StatKey] | None = None,
    carried: Mapping[str, object] | None = None,
) -> None:
    """Keep the stat of every regular file of OUT listed in ``hashes`` (which the caller
    has just written or hashed), with its hash (best effort). ``stats``: the stats the
    writer saw as it left each file (each other file gets a fresh ``lstat``). ``carried``:
    entries of the previous record for files the run left in OUT (another kind's, after
    ``--only``), kept as they were: each is checked against the file's stat when used,
    and without them the next full run reads every such file again."""
    entry = _stats_entry(out)
    if entry is None:
        return
    base = os.fspath(out)
    known = stats or {}
    seen = dict(carried or {})
    for rel, hashed in sorted(hashes.items()):
        key = known.get(rel) or stat_key(os.path.join(base, rel))
        if key is not None:
            seen[rel] = stat_text(*key) + hashed
    _store(entry, json.dumps(seen, separators=(",", ":")))  # the C encoder (see remember)


def remember_run(
    inputs: str,
    hashes: Mapping[str, str],
    out: Path,
    files: Mapping[str, str],
    stats: Mapping[str, StatKey],
    carried: Mapping[str, object] | None = None,
) -> None:
    """What a generate run leaves in the cache, both records at once: the ``hashes`` it
    produced for ``inputs`` (``remember``), in a forked worker, while this process keeps
    the stat of each of OUT's ``files`` (``remember_stats``). Each is a JSON text of
    every file written out in one piece, on the path of the run's end: a 50k-component
    output waits for one, 2 s, not both, 4 s. Best effort, like each record alone."""
    worker = (
        cores.start_detached(remember, inputs, hashes) if cores.jobs(2, len(hashes), MIN_ASIDE) > 1 else None
    )
    if worker is None:
        remember(inputs, hashes)
    remember_stats(out, files, stats, carried)
    if worker is not None:
        worker.join()


# Files from which a run's hashes record is written beside its stat record: below it,
# starting a worker costs more than the record.
MIN_ASIDE = 20_000


def stats_size(out: Path) -> int:
    """How many bytes the stat cache holds for OUT (0: none)."""
    key = stats_stamp(out)
    return key[0] if key is not None else 0


def stats_stamp(out: Path) -> StatKey | None:
    """The stat of OUT's stat-cache record (each run that writes OUT rewrites it)."""
    entry = _stats_entry(out)
    return stat_key(entry) if entry is not None else None


def recall_stats(out: Path) -> Seen:
    """What OUT's files looked like when generate wrote them; empty when unknown."""
    entry = _stats_entry(out)
    if entry is None:
        return Seen()
    try:
        data = json.loads(read_regular(entry, _LIMIT))
    except (OSError, ValueError, RecursionError):
        return Seen()
    if not isinstance(data, dict):
        return Seen()
    cache_dir.used(entry)
    return Seen(data)
