"""A look at OUT before writing into it: is each planned file's directory really inside
OUT, and what stands at the file's path now?

Read-only, so it can run in the process that generated the files (a worker of
``generate``) as well as in the one that writes them; the writer decides what to do.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from archmodel.output_cache import Seen
from archmodel.safe_files import hash_regular, kind_of_mode

OURS = frozenset({"missing", "changed"})  # what the survey finds that generate may write


class Within:
    """Whether OUT/rel's directory really lies in OUT (no symlinked directory on the
    way), for many paths of one OUT: each directory is resolved once, and remembered
    when it does not exist yet (nothing in it needs a look)."""

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
            look = "missing" if up in self.missing else _look(os.path.join(self.out, parent))
            if look == "missing":
                self.missing.add(parent)
                return True
            if look == "plain":
                return True
        resolved = (self.out / parent).resolve()
        return resolved == self.root or resolved.is_relative_to(self.root)


def _look(path: str) -> str:
    """'missing', 'plain' (anything but a symlink), or 'other' (a symlink, or it cannot be
    told: resolve it in full), from one ``lstat``."""
    try:
        return "other" if stat.S_ISLNK(os.lstat(path).st_mode) else "plain"
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def hash_of(full: str, rel: str, info: os.stat_result, seen: Seen) -> str | None:
    """A regular file's hash: remembered when its stat is unchanged, else read (None:
    unreadable)."""
    remembered = seen.hash_of(rel, info)
    if remembered is not None:
        return remembered
    return hash_or_none(full)


def hash_or_none(path: Path | str) -> str | None:
    """A regular file's hash, read in chunks; None when it cannot be read as one."""
    try:
        return hash_regular(path)
    except OSError:
        return None


def why_not(
    full: str,
    rel: str,
    wanted: str,
    listed: Mapping[str, str],
    seen: Seen,
    also: Mapping[str, str] | None = None,
) -> tuple[str | None, os.stat_result | None]:
    """What stands at ``full`` against writing a file with hash ``wanted`` there:
    'missing' or 'changed' (ours to write), None (already right), or why writing would
    destroy something; with the stat of what is there. ``listed`` is the previous
    manifest's hash of each file it lists; ``also`` a second hash a file may still have
    (the one it had before a run that stopped half-way)."""
    try:
        info = os.lstat(full)
    except FileNotFoundError:
        return "missing", None
    except NotADirectoryError:
        return "a file is in the way of its directory", None
    kind = kind_of_mode(info.st_mode)
    if kind is not None:
        return f"a {kind} is in the way", info
    current = hash_of(full, rel, info, seen)
    if current is None:
        return "unreadable", info
    if current == wanted:
        return None, info
    previous = listed.get(rel)
    if previous is None:
        return "not written by archmodel", info
    ours = current == previous or (also is not None and current == also.get(rel))
    return ("changed" if ours else "edited since archmodel wrote it"), info
