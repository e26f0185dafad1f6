"""The staging directory of one generate run: files written where nothing can see them
yet, then put into OUT by renames.

Each batch (a generator's files) is staged below a directory of its own, each file at
its path in OUT. A directory that OUT lacks and whose files all come from one batch
then moves into place whole: a fresh output of a hundred thousand files is a few
renames, and its files keep the stat they were written with (a rename of a file gives
it a new ctime; one of its directory does not).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from dataclasses import dataclass, field

from archmodel.safe_files import StatKey, kind_of, stat_key_of

_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def create(path: str, content: bytes) -> StatKey:
    """A new file (never one that exists, nor through a link) holding ``content``; its stat."""
    fd = os.open(path, _NEW, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        return stat_key_of(os.fstat(fd))
    finally:
        os.close(fd)


@dataclass
class _Plan:
    # (batch, directory) moved whole -> the files it carries (path, staged name)
    whole: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)  # directories to create in OUT
    single: list[tuple[str, str]] = field(default_factory=list)  # (path, staged name)


def _plan_moves(base: str, moves: list[tuple[str, str]]) -> _Plan:
    """Which directories move whole, which are made, which files move on their own: the
    shallowest directory on a file's way that OUT lacks moves whole when every file
    staged below it is of one batch (a batch's staging holds only files to write)."""
    by_parent: dict[str, list[tuple[str, str]]] = {}
    for rel, name in moves:
        by_parent.setdefault(rel.rpartition("/")[0], []).append((rel, name))
    batches: dict[str, set[str]] = {}
    for parent, entries in by_parent.items():
        found = {name.partition("/")[0] if "/" in name else "" for _, name in entries}
        directory = parent
        while directory:
            batches.setdefault(directory, set()).update(found)
            directory = directory.rpartition("/")[0]
    found_at: dict[str, str] = {}
    plan = _Plan()
    for parent, entries in by_parent.items():
        unit = _whole_directory(base, parent, batches, found_at, plan.made)
        if unit is not None:
            plan.whole.setdefault(unit, []).extend(entries)
        else:
            plan.single += entries  # ``move`` makes their directory if need be
    return plan


def _whole_directory(
    base: str, parent: str, batches: dict[str, set[str]], found_at: dict[str, str], made: set[str]
) -> tuple[str, str] | None:
    """(batch, directory) that carries ``parent``'s files into OUT, or None when they move
    one by one: their directory exists, files of several batches share it (then the
    directories OUT lacks are added to ``made``), or a link is on the way (two paths
    may then name one directory, which only one whole move could fill)."""
    parts = parent.split("/") if parent else []
    for depth in range(1, len(parts) + 1):
        directory = "/".join(parts[:depth])
        there = found_at.get(directory)
        if there is None:
            there = found_at[directory] = kind_of(os.path.join(base, directory)) or "file"
        if there == "symlink":
            return None
        if there != "missing":
            continue
        owners = batches[directory]
        if len(owners) == 1 and "" not in owners:
            return next(iter(owners)), directory
        made.add(directory)
    return None


# Why a file cannot stand at its path in a batch's tree (another file needs the path as a
# directory, or the reverse): it is staged aside, and ``commit`` refuses the pair. A path
# too long for the tree (the staging prefix lengthens it) is staged aside too.
_IN_THE_WAY = (FileExistsError, NotADirectoryError, IsADirectoryError)


class Tree:
    """A batch's staging directory, holding each file at its path in OUT."""

    def __init__(self, staging: str, batch: str) -> None:
        self.staging, self.batch = staging, batch
        self.root = os.path.join(staging, batch)
        self.made: set[str] = set()
        self.aside = itertools.count()

    def create(self, rel: str, content: bytes, again: bool = False) -> tuple[str, StatKey]:
        """Stage ``content`` at ``rel`` (``again``: replacing what this batch staged there
        before): its name in the staging directory, and its stat. A file whose path
        another file of the batch needs as a directory (``a`` and ``a/b``), or that
        is too long with the staging directory before it, is staged aside, under a
        name of its own."""
        parent = rel.rpartition("/")[0]
        path = os.path.join(self.root, rel)
        try:
            if parent not in self.made:
                os.makedirs(os.path.join(self.root, parent), exist_ok=True)
                self.made.add(parent)
            if again:
                with contextlib.suppress(FileNotFoundError):  # staged aside the first time
                    os.unlink(path)
            return f"{self.batch}/{rel}", create(path, content)
        except OSError as exc:
            if not isinstance(exc, _IN_THE_WAY) and exc.errno != errno.ENAMETOOLONG:
                raise
            name = f"{self.batch}.aside.{next(self.aside)}"
            return name, create(os.path.join(self.staging, name), content)


def move(base: str, staging: str, moves: list[tuple[str, str]]) -> list[str]:
    """Put each staged file in place: a directory that OUT lacks and whose files all
    come from one batch moves whole (a fresh output is a few renames, not one per file);
    every other file is renamed on its own. Returns the paths renamed on their own. A
    directory that turns out to be there after all (one name of two for it, on a file
    system that folds case) is filled file by file instead."""
    plan = _plan_moves(base, moves)
    for directory in sorted(plan.made):
        os.makedirs(os.path.join(base, directory), exist_ok=True)
    single = list(plan.single)
    for (batch, directory), carried in sorted(plan.whole.items()):
        try:
            os.rename(os.path.join(staging, batch, directory), os.path.join(base, directory))
        except (FileExistsError, FileNotFoundError, NotADirectoryError):
            single += carried
        except OSError as exc:
            if exc.errno != errno.ENOTEMPTY:
                raise
            single += carried
    made: set[str] = set()
    for rel, name in single:
        parent = rel.rpartition("/")[0]
        if parent and parent not in made:
            os.makedirs(os.path.join(base, parent), exist_ok=True)
            made.add(parent)
        os.replace(os.path.join(staging, name), os.path.join(base, rel))
    return [rel for rel, _ in single]
