"""The one writer that puts generated files into OUT, and the comparison `check` makes.

OUT may hold files a user wrote, links an attacker planted and a manifest anyone could
edit, so the writer trusts nothing it finds there:

- it writes a file only where nothing exists, where the bytes are already right, or
  where the previous manifest lists the file *and* its bytes still have the listed
  hash (generate wrote it and nobody changed it); anything else is a conflict, reported
  before the first write;
- ``--clean`` removes only files that still have the hash the manifest gave them;
- a manifest with an unsafe or malformed entry stops the run before anything is written;
- one run at a time holds a lock on OUT; staging left by a killed run is removed;
- nothing is read or written through a symlink, and only regular files are read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archmodel.output_cache import Seen
from archmodel.safe_files import (
    NotRegular,
    TooLarge,
    kind_of,
    kind_of_mode,
    read_regular,
    stat_key_of,
)

MANIFEST = ".archmodel-manifest.json"
MANIFEST_LIMIT = 64 * 1024 * 1024
STAGING_PREFIX = ".archmodel-staging-"
LOCK_TIMEOUT = 120.0
_SHA256 = re.compile("[0-9a-f]{64}")
_PLAIN = frozenset({"", ".", ".."})  # parts that pathlib would drop, or that leave OUT


class UnsafePath(ValueError):
    """A path that would leave OUT (absolute, ``..``, a backslash, a symlinked directory)."""


class BadManifest(ValueError):
    """The manifest in OUT is malformed or lists an unsafe path: nothing is written."""


class Busy(RuntimeError):
    """Another run holds OUT."""


class Conflict(Exception):
    """Files in OUT that generate did not write (or that changed since it wrote them)."""

    def __init__(self, paths: tuple[tuple[str, str], ...]) -> None:
        super().__init__(paths)
        self.paths = paths  # (relative path, why)

    def __str__(self) -> str:
        shown = [f"{rel} ({why})" for rel, why in self.paths[:10]]
        more = f" and {len(self.paths) - 10} more" if len(self.paths) > 10 else ""
        return "; ".join(shown) + more


@dataclass(frozen=True)
class Manifest:
    inputs: str = ""
    files: dict[str, str] = field(default_factory=dict)


def safe_relative(path: str) -> str:
    """Reject absolute paths, ``..``, empty parts and backslashes: nothing leaves OUT."""
    if path and path[0] != "/" and "\\" not in path and _PLAIN.isdisjoint(path.split("/")):
        return path  # already plain (most paths): the same as the check below, without pathlib
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts) or "\\" in path:
        raise UnsafePath(path)
    return pure.as_posix()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """Every file's hash, by path: computed once per run and shared by the manifest, the
    survey of OUT and the cache that `check` reads."""
    return {rel: digest(content) for rel, content in files.items()}


def manifest_of(hashes: Mapping[str, str], inputs: str = "") -> bytes:
    """The manifest: every file's hash, and the fingerprint of what produced them.

    Laid out as ``json.dumps(..., indent=2)`` would, but written line by line: the
    indenting encoder is pure Python, and a large model lists a hundred thousand files.
    """
    quote = json.encoder.encode_basestring_ascii
    lines = [f"    {quote(path)}: {quote(hashes[path])}" for path in sorted(hashes)]
    body = "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"
    return f'{{\n  "version": 1,\n  "inputs": {quote(inputs)},\n  "files": {body}\n}}\n'.encode()


def read_manifest(out: Path) -> Manifest:
    """The manifest in OUT (empty when there is none); ``BadManifest`` when it cannot be trusted."""
    path = out / MANIFEST
    if kind_of(path) == "missing":
        return Manifest()
    try:
        data = json.loads(read_regular(path, MANIFEST_LIMIT))
    except (NotRegular, TooLarge) as exc:
        raise BadManifest(f"{path}: {exc.strerror or exc}") from exc
    except OSError as exc:
        raise BadManifest(f"{path}: {exc.strerror or exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise BadManifest(f"{path}: not a manifest ({type(exc).__name__})") from exc
    return _parse_manifest(data, path)


def _parse_manifest(data: object, path: Path) -> Manifest:
    files = data.get("files") if isinstance(data, dict) else None
    inputs = data.get("inputs", "") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not isinstance(inputs, str):
        raise BadManifest(f"{path}: not a manifest (no 'files' mapping)")
    listed: dict[str, str] = {}
    for rel, hashed in files.items():
        if not (isinstance(hashed, str) and _SHA256.fullmatch(hashed)):
            raise BadManifest(f"{path}: entry {rel!r} has no SHA-256 hash")
        try:
            listed[safe_relative(str(rel))] = hashed
        except UnsafePath as exc:
            raise BadManifest(f"{path}: lists an unsafe path {rel!r}") from exc
    return Manifest(inputs, listed)


@contextmanager
def locked(out: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on OUT: two runs into one OUT take turns."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
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
        os.close(fd)  # closing the descriptor releases the lock


def remove_stale_staging(out: Path) -> None:
    """Staging directories of a run that was killed (only run while holding the lock)."""
    for entry in out.iterdir():
        if entry.name.startswith(STAGING_PREFIX) and kind_of(entry) == "directory":
            shutil.rmtree(entry, ignore_errors=True)


def inside(out: Path, rel: str) -> bool:
    """Whether OUT/rel's directory really lies in OUT (no symlinked directory on the way)."""
    root = out.resolve()
    parent = (out / rel).parent.resolve()
    return parent == root or parent.is_relative_to(root)


class _Within:
    """``inside`` for many paths of one OUT: each directory is resolved once, and
    remembered when it does not exist yet (nothing in it needs a look)."""

    def __init__(self, out: Path) -> None:
        self.out, self.root = out, out.resolve()
        self.parents: dict[str, bool] = {}
        self.missing: set[str] = set()

    def __call__(self, rel: str) -> bool:
        return self._inside(rel.rpartition("/")[0])

    def absent(self, rel: str) -> bool:
        """Whether rel's directory does not exist (after ``self(rel)`` was asked)."""
        return rel.rpartition("/")[0] in self.missing

    def _inside(self, parent: str) -> bool:
        known = self.parents.get(parent)
        if known is None:
            known = self.parents[parent] = self._resolve(parent)
        return known

    def _resolve(self, parent: str) -> bool:
        """A plain name (not a symlink) in a directory inside OUT is inside OUT: one
        ``lstat`` instead of resolving every directory of the path again (an output has
        tens of thousands of directories). Anything else is resolved in full."""
        if not parent:
            return True
        up, _, name = parent.rpartition("/")
        if name not in ("", ".", "..") and self._inside(up):
            if up in self.missing or not os.path.lexists(os.path.join(self.out, parent)):
                self.missing.add(parent)
                return True
            if not _is_link(os.path.join(self.out, parent)):
                return True
        resolved = (self.out / parent).resolve()
        return resolved == self.root or resolved.is_relative_to(self.root)


def _is_link(path: str) -> bool:
    """Whether ``path`` is a symlink; True when it cannot be told (resolve it in full)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
    except OSError:
        return True


def _read_or_none(path: Path | str, limit: int = MANIFEST_LIMIT) -> bytes | None:
    try:
        return read_regular(path, limit)
    except OSError:
        return None


@dataclass(frozen=True)
class Known:
    """What the caller already knows: every planned file's hash (by the same relative
    path), and from the user's private cache the stat and hash each file of OUT had
    when it was last written."""

    hashes: Mapping[str, str]
    seen: Seen = field(default_factory=Seen)
    # Filled by the writer: each planned file's stat as left on disk, for the cache.
    stats: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


@dataclass
class _Survey:
    """What writing would do to OUT: the paths whose bytes change, and the paths that
    hold something generate may not replace (each with why)."""

    changed: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    """What a run means to write, and what is known of OUT beforehand."""

    files: Mapping[str, bytes]
    hashes: Mapping[str, str]
    previous: Manifest
    seen: Seen  # from the user's private cache, never from OUT
    stats: dict[str, tuple[int, int, int, int]]  # filled: the stat of each file left as it is


def _survey(out: Path, plan: _Planned) -> _Survey:
    """One pass over the planned paths: each directory is checked once for a link out
    of OUT, each file gets one ``lstat`` (none in a directory that does not exist yet),
    and a file is read only when its stat is not the one remembered with its hash."""
    within, base = _Within(out), os.fspath(out)
    survey = _Survey()
    for rel in sorted(plan.files):
        if not within(rel):
            raise UnsafePath(f"{rel} (its directory is a link leading out of {out})")
        why = "missing" if within.absent(rel) else _why_not(os.path.join(base, rel), rel, plan)
        if why == "missing" or why == "changed":
            survey.changed.append(rel)
        elif why is not None:
            survey.problems.append((rel, why))
    return survey


def _why_not(full: str, rel: str, plan: _Planned) -> str | None:
    """'missing' or 'changed' (ours to write), None (already right), or why writing
    ``rel`` at ``full`` would destroy something."""
    try:
        info = os.lstat(full)
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "a file is in the way of its directory"
    kind = kind_of_mode(info.st_mode)
    if kind is not None:
        return f"a {kind} is in the way"
    current_hash = _hash_of(full, rel, info, plan.seen)
    if current_hash is None:
        return "unreadable"
    if current_hash == plan.hashes[rel]:
        plan.stats[rel] = stat_key_of(info)
        return None
    listed = plan.previous.files.get(rel)
    if listed is None:
        return "not written by archmodel"
    return "changed" if current_hash == listed else "edited since archmodel wrote it"


def conflicts(out: Path, files: Mapping[str, bytes], previous: Manifest) -> list[tuple[str, str]]:
    """Every planned path that holds something generate may not replace."""
    found = _survey(out, _Planned(files, digests(files), previous, Seen(), {})).problems
    if kind_of(out / MANIFEST) not in (None, "missing"):
        found.append((MANIFEST, "not a regular file"))
    return found


def write_outputs(
    out: Path,
    files: Mapping[str, bytes],
    clean: bool = False,
    inputs: str = "",
    known: Known | None = None,
) -> list[str]:
    """Write ``files`` below ``out``; returns the paths that changed.

    Everything that can refuse the run (unsafe paths, a bad manifest, conflicts, another
    run) does so before the first write. Content is staged inside OUT and renamed into
    place; files whose bytes did not change keep their mtime. ``known`` passes the
    hashes already computed and the stats remembered in the user's cache.
    """
    checked = {safe_relative(p): b for p, b in files.items()}
    known = known or Known(digests(checked))
    hashes = known.hashes if known.hashes.keys() == checked.keys() else digests(checked)
    seen, stats = known.seen, known.stats
    out.mkdir(parents=True, exist_ok=True)
    with locked(out):
        remove_stale_staging(out)
        previous = read_manifest(out)
        survey = _survey(out, _Planned(checked, hashes, previous, seen, stats))
        if kind_of(out / MANIFEST) not in (None, "missing"):
            survey.problems.append((MANIFEST, "not a regular file"))
        if survey.problems:
            raise Conflict(tuple(survey.problems))
        manifest = manifest_of(hashes, inputs)
        changed = survey.changed
        if _read_or_none(out / MANIFEST) != manifest:
            changed = [*changed, MANIFEST]
        _replace(out, {**checked, MANIFEST: manifest}, changed)
        base = os.fspath(out)
        for rel in survey.changed:
            stats[rel] = stat_key_of(os.lstat(os.path.join(base, rel)))
        if clean:
            _clean(out, previous, set(checked))
    return [rel for rel in changed if rel != MANIFEST]


def _replace(out: Path, files: Mapping[str, bytes], changed: list[str]) -> None:
    """Stage the ``changed`` files flat (one file per index, no tree to build and remove
    again), then rename each into place: a rename within one file system."""
    staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out)
    base = os.fspath(out)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        for i, rel in enumerate(changed):
            fd = os.open(os.path.join(staging, str(i)), flags, 0o644)
            try:
                view = memoryview(files[rel])
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        made: set[str] = set()
        for i, rel in enumerate(changed):
            parent = rel.rpartition("/")[0]
            if parent and parent not in made:
                os.makedirs(os.path.join(base, parent), exist_ok=True)
                made.add(parent)
            os.replace(os.path.join(staging, str(i)), os.path.join(base, rel))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _clean(out: Path, previous: Manifest, kept: set[str]) -> None:
    """Remove files the previous run wrote and this one does not, if still untouched."""
    for rel in sorted(set(previous.files) - kept):
        path = out / rel
        if not inside(out, rel) or kind_of(path) is not None:
            continue
        current = _read_or_none(path)
        if current is not None and digest(current) == previous.files[rel]:
            path.unlink()


@dataclass(frozen=True)
class Drift:
    """How OUT differs from what generate would write."""

    stale: list[str]
    missing: list[str]
    extra: list[str]
    # Paths where a symlink, directory or device stands instead of a generated file.
    unsafe: list[tuple[str, str]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra or self.unsafe)


def compare_outputs(out: Path, files: Mapping[str, bytes], inputs: str = "") -> Drift:
    """Compare OUT with freshly generated ``files`` without writing anything.

    Only regular files are read. Extra files are those the manifest in OUT lists but
    generation no longer produces; files a user put in OUT are never reported.
    """
    return compare_hashes(out, expected_hashes(files, inputs))


def expected_hashes(files: Mapping[str, bytes], inputs: str = "") -> dict[str, str]:
    """The hash of every file generate writes for ``files``, the manifest included."""
    return with_manifest(digests({safe_relative(p): b for p, b in files.items()}), inputs)


def with_manifest(hashes: Mapping[str, str], inputs: str) -> dict[str, str]:
    """``hashes`` and the hash of the manifest that lists them."""
    return {**hashes, MANIFEST: digest(manifest_of(hashes, inputs))}


def compare_hashes(
    out: Path,
    expected: Mapping[str, str],
    listed: set[str] | None = None,
    seen: Seen | None = None,
) -> Drift:
    """Compare OUT with the hashes generate would write.

    ``listed`` (the manifest's paths, to name extra files) is read from OUT's manifest
    when not given, and not at all when that manifest has the expected hash (it then
    lists exactly the expected files). ``seen`` (from the user's private cache, never
    from OUT) gives the stat and hash a file had when generate wrote it: a regular file
    with that stat and the expected hash is not read again. Every other file is read
    (regular files only) and hashed.
    """
    known = seen or Seen()
    manifest_as_expected = False
    within = _Within(out)
    prefix = os.path.join(os.fspath(out), "")  # OUT with one trailing separator
    stale, missing, unsafe = [], [], []
    for rel, wanted in expected.items():
        # One lstat per file, on a plain string path: an output has a hundred thousand.
        # Concatenated, not joined: a path from the cache that is not relative stays
        # below OUT, where ``within`` judges it.
        full = prefix + rel
        try:
            info = os.lstat(full) if within(rel) else None
        except FileNotFoundError:
            missing.append(rel)
            continue
        kind = kind_of_mode(info.st_mode) if info is not None else "symlinked directory"
        if kind is not None or info is None:
            unsafe.append((rel, kind or "symlinked directory"))
        elif rel == MANIFEST:
            # It records the inputs (the date among them), so it is not stale itself; its
            # files are compared one by one.
            manifest_as_expected = _hash_of(full, rel, info, known) == wanted
        elif _hash_of(full, rel, info, known) != wanted:
            stale.append(rel)
    if listed is None:
        listed = set(expected) if manifest_as_expected else _listed(out)
    extra = [rel for rel in sorted(listed - set(expected)) if kind_of(out / rel) is None]
    return Drift(sorted(stale), sorted(missing), extra, sorted(unsafe))


def _hash_of(full: str, rel: str, info: os.stat_result, seen: Seen) -> str | None:
    """A regular file's hash: remembered when its stat is unchanged, else read (None:
    unreadable)."""
    remembered = seen.hash_of(rel, info)
    if remembered is not None:
        return remembered
    current = _read_or_none(full)
    return None if current is None else digest(current)


def _listed(out: Path) -> set[str]:
    """Paths the manifest in OUT lists (none when it cannot be read): only ever used to
    name extra files, never to vouch for a file's content."""
    try:
        return set(read_manifest(out).files)
    except BadManifest:
        return set()
