"""The one writer that puts generated files into OUT (`check`'s comparison is ``outcheck``).

OUT may hold files a user wrote, links an attacker planted and a manifest anyone could
edit, so the writer trusts nothing it finds there:

- it writes a file only where nothing exists, where the bytes are already right, or
  where the manifest lists the file (as the last run's or an earlier run's) *and* its
  bytes still have the listed hash (generate wrote it and nobody changed it); anything
  else is a conflict, reported before the first file moves into place, as is a path
  that changed after its survey;
- ``--clean`` removes only files that still have the hash the manifest gave them;
- a manifest with an unsafe or malformed entry stops the run before anything is written;
- one run at a time holds a lock on OUT; staging left by a killed run is removed;
- nothing is read or written through a symlink, and only regular files are read.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archmodel.manifest import (
    MANIFEST,
    STAGING_PREFIX,
    Manifest,
    UnsafePath,
    in_scope,
    listing,
    manifest_of,
    read_manifest,
    safe_relative,
)
from archmodel.out_lock import locked
from archmodel.output_cache import Seen
from archmodel.safe_files import (
    StatKey,
    kind_of,
    stat_key,
    stat_key_of,
)
from archmodel.staging import Tree, create, move
from archmodel.survey import OURS, Within, digest, hash_or_none, why_not


class Conflict(Exception):
    """Files in OUT that generate did not write (or that changed since it wrote them)."""

    def __init__(self, paths: tuple[tuple[str, str], ...]) -> None:
        super().__init__(paths)
        self.paths = paths  # (relative path, why)

    def __str__(self) -> str:
        shown = [f"{rel} ({why})" for rel, why in self.paths[:10]]
        more = f" and {len(self.paths) - 10} more" if len(self.paths) > 10 else ""
        return "; ".join(shown) + more


def digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """Every file's hash, by path: computed once per run and shared by the manifest, the
    survey of OUT and the cache that `check` reads."""
    return {rel: digest(content) for rel, content in files.items()}


# Made first in each staging directory: only a directory holding it is a run's staging,
# so a user's directory that happens to share the prefix is never removed.
STAGING_MARK = ".archmodel-staging"


def _staging_in(out: Path) -> list[Path]:
    """OUT's staging directories (a run's, or ones a killed run left)."""
    return [
        p
        for p in out.iterdir()
        if p.name.startswith(STAGING_PREFIX)
        and kind_of(p) == "directory"
        and kind_of(p / STAGING_MARK) is None
    ]


def has_staging(out: Path) -> bool:
    """Whether OUT holds a staging directory."""
    try:
        return bool(_staging_in(out))
    except OSError:
        return False


def remove_stale_staging(out: Path) -> None:
    """Staging directories of a run that was killed (only run while holding the lock)."""
    for path in _staging_in(out):
        shutil.rmtree(path, ignore_errors=True)


# One planned file as surveyed and staged: its path, its hash, what stands at its path
# (None: already right; 'missing' or 'changed': to write; anything else: a conflict),
# where its content was staged (``<batch>/<path>`` in the staging directory, when it is
# to be written), the stat of the file found there (when one was), and the stat of the
# staged file (which it keeps when its directory moves into place whole).
Staged = tuple[str, str, "str | None", "str | None", "StatKey | None", "StatKey | None"]


@dataclass(frozen=True)
class Known:
    """What the caller already knows: every planned file's hash (by the same relative
    path), and from the user's private cache the stat and hash each file of OUT had
    when it was last written."""

    hashes: Mapping[str, str]
    seen: Seen = field(default_factory=Seen)
    # Filled by the writer: each planned file's stat as left on disk, for the cache.
    stats: dict[str, StatKey] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    """What a run left in OUT: the paths whose bytes changed (the manifest not among
    them), every file's hash and the stat it was left with, the manifest's hash, and
    the files it no longer writes but left in place."""

    changed: list[str]
    hashes: dict[str, str]
    stats: dict[str, StatKey]
    manifest_hash: str
    # Files earlier runs wrote in this run's part of OUT that it no longer writes, kept
    # (without ``clean``).
    orphans: list[str]
    # The manifest's hash as the cache records it for these inputs: while orphans are
    # kept, that of the manifest without them, which OUT does not hold, so that the next
    # run does not skip the writer (which names them again, and removes them with
    # ``clean``); ``check`` never treats the manifest itself as stale.
    recorded_manifest: str
    removed: int = 0  # files of earlier runs ``clean`` removed
    earlier: frozenset[str] = frozenset()  # the files earlier runs wrote, still listed


class Opened:
    """OUT held for one run: locked, the previous manifest read, a staging directory made.

    ``stage`` surveys and stages a batch of planned files. It only reads OUT and writes
    into the staging directory, so the process that generated a batch (a forked worker,
    which inherits this object) can stage it while others still generate. ``commit``
    then refuses the whole run if any file conflicts, or moves the staged files into
    place and writes the manifest.
    """

    def __init__(self, out: Path, previous: Manifest, seen: Seen, staging: str) -> None:
        self.out, self.previous, self.seen, self.staging = out, previous, seen, staging
        self.owned = previous.owned()  # what generate may replace, with the hash it wrote
        # The hash a file had before a run that stopped among its moves (see ``_vouch``).
        self.before = {rel: h for rel, h in previous.earlier.items() if previous.files.get(rel, h) != h}
        self.batches = itertools.count()

    def stage(self, files: Mapping[str, bytes], hashes: Mapping[str, str] | None = None) -> list[Staged]:
        """Each file surveyed (``UnsafePath`` for one that would leave OUT) and, when it is
        to be written, its content put in the staging directory, below a directory of
        this batch's own, at its path in OUT: a directory new to OUT then moves into
        place in one rename."""
        within, prefix = Within(self.out), os.path.join(os.fspath(self.out), "")
        batch = f"{os.getpid()}-{next(self.batches)}"
        tree = Tree(self.staging, batch)
        listed, seen = self.owned, self.seen
        staged: dict[str, Staged] = {}  # by path: a path given twice is written once, as last given
        for path, content in files.items():
            rel = safe_relative(path)
            if not within(rel):
                raise UnsafePath(f"{rel} (its directory is a link leading out of {self.out})")
            wanted = hashes[path] if hashes is not None else digest(content)
            why: str | None = "missing"
            info = None
            if not within.absent(rel):
                why, info = why_not(prefix + rel, rel, wanted, listed, seen, self.before)  # rel is relative
            name, made = None, None
            if why in OURS:
                name, made = tree.create(rel, content, again=rel in staged and staged[rel][3] is not None)
            staged[rel] = (rel, wanted, why, name, stat_key_of(info) if info is not None else None, made)
        return list(staged.values())

    def commit(
        self, staged: list[Staged], clean: bool = False, inputs: str = "", scope: frozenset[str] | None = None
    ) -> Written:
        """Refuse the run (``Conflict``, nothing moved) if a file may not be replaced, or
        has changed since it was surveyed; otherwise move the staged files into place
        and write the manifest. Files earlier runs wrote and this one does not stay
        listed as ``earlier``; those in this run's part of OUT (``scope``: the top-level
        directories its kinds write; None, all of OUT) are named, forgotten once gone,
        and with ``clean`` removed."""
        staged = sorted(staged, key=lambda entry: entry[0])
        problems = [(rel, why) for rel, _, why, *_ in staged if why is not None and why not in OURS]
        if kind_of(self.out / MANIFEST) not in (None, "missing"):
            problems.append((MANIFEST, "not a regular file"))
        moves = [(rel, name) for rel, _, why, name, *_ in staged if why in OURS and name is not None]
        problems += _files_in_the_way(staged) + _moved_since(self.out, staged)
        if problems:
            raise Conflict(tuple(problems))
        hashes = {rel: hashed for rel, hashed, *_ in staged}
        left = self._as_they_are({rel: hashed for rel, hashed in self.owned.items() if rel not in hashes})
        orphans = {rel: left[rel] for rel in sorted(left) if in_scope(rel, scope)}
        listed = listing(hashes)  # the larger part of both manifests a run writes
        if moves:
            self._vouch(hashes, inputs, listed, left, moves)
        renamed = move(os.fspath(self.out), self.staging, moves)
        kept, removed = _settle(self.out, orphans, clean)
        earlier = {rel: hashed for rel, hashed in left.items() if rel not in orphans or rel in kept}
        manifest = manifest_of(hashes, inputs, earlier, listed)
        manifest_hash = digest(manifest)
        self._write_manifest(manifest, manifest_hash)  # last: it vouches for the rest
        stats = self._stats(staged, renamed)
        named = [rel for rel in orphans if rel in kept]
        # While files it no longer writes are kept, the cache records the manifest a run
        # without them writes (which OUT does not hold): the next run does not skip the
        # writer, which names them again (and removes them with ``clean``).
        recorded = digest(manifest_of(hashes, inputs, None, listed)) if named else manifest_hash
        changed = [rel for rel, _ in moves]
        return Written(changed, hashes, stats, manifest_hash, named, recorded, removed, frozenset(earlier))

    def _vouch(
        self,
        hashes: Mapping[str, str],
        inputs: str,
        listed: str,
        left: Mapping[str, str],
        moves: list[tuple[str, str]],
    ) -> None:
        """Before the first move, a manifest that lists each planned file with its new
        hash and, as ``earlier``, the files this run does not write and the hash each
        file to be replaced has now: a run killed among its moves (or stopped by a full
        disk) leaves each file with one of the two, and the next run replaces it."""
        before = self._as_they_are({rel: self.owned[rel] for rel, _ in moves if rel in self.owned})
        manifest = manifest_of(hashes, inputs, {**left, **before}, listed)
        self._write_manifest(manifest)

    def _as_they_are(self, listed: dict[str, str]) -> dict[str, str]:
        """``listed`` with, for a file a stopped run left with either of two hashes
        (``self.before``), the one it has now: a listing that keeps only the other would
        disown it. Only files of a run that stopped half-way are read."""
        for rel in listed.keys() & self.before.keys():
            now = hash_or_none(self.out / rel)
            if now == self.before[rel]:
                listed[rel] = now
        return listed

    def _write_manifest(self, manifest: bytes, manifest_hash: str | None = None) -> None:
        """Put ``manifest`` in place, unless the one there has ``manifest_hash`` already
        (a run that changed nothing leaves it untouched). Without a hash (the manifest
        written before files move) it is always written: comparing would read the whole
        manifest in OUT, 0.1 s at 50k components, to save a write that is rarely saved."""
        if manifest_hash is None or hash_or_none(self.out / MANIFEST) != manifest_hash:
            create(os.path.join(self.staging, MANIFEST), manifest)
            os.replace(os.path.join(self.staging, MANIFEST), self.out / MANIFEST)

    def _stats(self, staged: list[Staged], renamed: Iterable[str]) -> dict[str, StatKey]:
        """Each planned file's stat as left on disk, for the cache."""
        base = os.fspath(self.out)
        stats = {rel: key for rel, _, why, _, key, _ in staged if why is None and key is not None}
        stats.update((rel, made) for rel, _, why, _, _, made in staged if why in OURS and made is not None)
        for rel in renamed:  # a rename gives the file a new ctime
            stats[rel] = stat_key_of(os.lstat(os.path.join(base, rel)))
        return stats


@contextmanager
def opened(out: Path, seen: Seen | None = None) -> Iterator[Opened]:
    """OUT, created if need be, held for one run (see ``Opened``). The staging directory
    is removed however the run ends, and so is OUT if this run created it and wrote
    nothing there."""
    created = not os.path.lexists(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with locked(out):
            remove_stale_staging(out)
            previous = read_manifest(out)
            staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out)
            try:
                create(os.path.join(staging, STAGING_MARK), b"")
                yield Opened(out, previous, seen or Seen(), staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty: nothing of this run, nor anyone's, is lost
        raise


def write_outputs(
    out: Path,
    files: Mapping[str, bytes],
    clean: bool = False,
    inputs: str = "",
    known: Known | None = None,
) -> list[str]:
    """Write ``files`` below ``out``; returns the paths that changed.

    Everything that can refuse the run (unsafe paths, a bad manifest, conflicts, another
    run) does so before OUT changes. Content is staged inside OUT and renamed into
    place; files whose bytes did not change keep their mtime. ``known`` passes the
    hashes already computed and the stats remembered in the user's cache.
    """
    for path in files:
        safe_relative(path)  # before OUT is even created
    hashes = known.hashes if known is not None and known.hashes.keys() == files.keys() else None
    with opened(out, known.seen if known is not None else None) as target:
        written = target.commit(target.stage(files, hashes), clean, inputs)
    if known is not None:
        known.stats.update(written.stats)
    return written.changed


def _moved_since(out: Path, staged: list[Staged]) -> list[tuple[str, str]]:
    """Files to write whose path changed since the survey (a file appeared where none
    was, one to replace has another stat, a directory on the way became a link): the
    survey may be seconds old when generators ran in parallel, and generate never
    replaces what it has not seen. In a directory that does not exist, nothing is looked
    at: a fresh output costs one look per directory."""
    within, prefix = Within(out), os.path.join(os.fspath(out), "")
    found = []
    for rel, _, why, _, key, _ in staged:
        if why not in OURS:
            continue
        if not within(rel):
            found.append((rel, "its directory became a link leading out of OUT during this run"))
        elif why == "missing" and not within.absent(rel) and (what := _standing(prefix + rel)):
            found.append((rel, what))
        elif why == "changed" and stat_key(prefix + rel) != key:
            found.append((rel, "changed during this run"))
    return found


def _standing(full: str) -> str | None:
    """Why a path surveyed as missing can no longer be written (None: still free)."""
    try:
        os.lstat(full)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "a file is in the way of its directory"
    return "appeared during this run"


def _files_in_the_way(staged: list[Staged]) -> list[tuple[str, str]]:
    """Planned files whose path another planned file needs as a directory (``a`` and
    ``a/b``): refused before anything moves, rather than failing half-way through."""
    parents = {rel.rpartition("/")[0] for rel, *_ in staged}
    directories = set()
    for parent in parents:
        while parent and parent not in directories:
            directories.add(parent)
            parent = parent.rpartition("/")[0]
    return [
        (rel, "another generated file needs it as a directory") for rel, *_ in staged if rel in directories
    ]


def _settle(out: Path, orphans: Mapping[str, str], clean: bool) -> tuple[set[str], int]:
    """Which of the files earlier runs wrote (and this one does not) stay listed, and how
    many ``clean`` removed. One that is no longer a regular file there (removed by hand,
    replaced by a link or a directory, a file where its directory was) is forgotten, as
    ``check`` ignores it. Without ``clean`` the rest stay; with it each still as written
    is removed, with the directories that leaves empty, and one edited since (now the
    user's) is forgotten. One that cannot be read or removed just now stays listed."""
    within = Within(out)
    kept: set[str] = set()
    removed, emptied = 0, set()
    for rel, hashed in orphans.items():
        try:
            if not within(rel) or kind_of(out / rel) is not None:
                continue
            if not clean:
                kept.add(rel)
            elif hash_or_none(out / rel) == hashed:
                (out / rel).unlink()
                removed += 1
                emptied.add(rel.rpartition("/")[0])
        except OSError as exc:
            if exc.errno not in _NOT_THERE:
                kept.add(rel)
    _remove_empty(out, emptied)
    return kept, removed


# A path that cannot name a file now (its directory is a file, a link loop, too long).
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG})


def _remove_empty(out: Path, directories: set[str]) -> None:
    """Each of ``directories`` (below OUT) and its parents, deepest first, while empty:
    ``rmdir`` removes nothing else, and ``within`` has judged the way to each."""
    parents = {rel for directory in directories for rel in _with_parents(directory)}
    for rel in sorted(parents, key=lambda rel: rel.count("/"), reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(out / rel)


def _with_parents(directory: str) -> Iterator[str]:
    while directory:
        yield directory
        directory = directory.rpartition("/")[0]
