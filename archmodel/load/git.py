"""Read a model as it was at a git revision (`REV:path`), for `archmodel diff`.

The model's directory at that revision is extracted with `git archive` into a temporary
directory, so includes resolve exactly as they did then.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from archmodel.load.loader import ModelNotFound


def split_revision(spec: str) -> tuple[str, str] | None:
    """('REV', 'path') for 'REV:path'; None for a plain path that exists on disk."""
    if Path(spec).exists() or ":" not in spec:
        return None
    rev, _, path = spec.partition(":")
    return (rev, path or ".") if rev else None


def _git(*args: str) -> bytes:
    try:
        return subprocess.run(["git", *args], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise ModelNotFound(
            f"git {' '.join(args)}: {detail.decode(errors='replace').strip() or exc}"
        ) from exc


def materialize(rev: str, path: str, into: Path) -> Path:
    """Extract the model at ``rev:path`` below ``into``; returns the model path there."""
    if rev.startswith("-"):  # git would read it as an option
        raise ModelNotFound(f"{rev!r} is not a revision")
    rel, kind = _in_repository(rev, path)
    directory = rel if kind == "tree" else rel.parent
    # Paths given to ``git archive`` are read from the working directory: run it from
    # the repository's top, where ``rel`` starts.
    top = os.fsdecode(_git("rev-parse", "--show-toplevel")).strip()
    archive = _git("-C", top, "archive", "--format=tar", rev, "--", str(directory) or ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter=_safe_members)
    return into / rel


def _in_repository(rev: str, path: str) -> tuple[PurePosixPath, str]:
    """Where ``path`` is in the repository at ``rev``, and what it is there (``tree`` or
    ``blob``). As git reads ``REV:path``: from the repository's top, and from the working
    directory when it starts with ``./`` or ``../``. A path that is not there from the top
    but is from the working directory (``HEAD~1:shop`` run in ``models/``) is taken from
    there rather than refused."""
    if path.split("/", 1)[0] not in (".", ".."):
        top = PurePosixPath(posixpath.normpath(path))
        with contextlib.suppress(ModelNotFound):
            return top, _kind(rev, top)
    # The working directory's name may be any bytes: kept as the file system gives them.
    prefix = os.fsdecode(_git("rev-parse", "--show-prefix")).strip()
    here = PurePosixPath(posixpath.normpath(posixpath.join(prefix, path)))
    if here.parts[:1] == ("..",):
        raise ModelNotFound(f"{rev}:{path}: outside the repository")
    return here, _kind(rev, here)


def _kind(rev: str, rel: PurePosixPath) -> str:
    """What ``rel`` is at ``rev`` (``tree`` or ``blob``); ``ModelNotFound`` when nothing."""
    return _git("cat-file", "-t", f"{rev}:{rel}").decode().strip()


def _safe_members(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's data filter, but a member it refuses (a link to an absolute path or out
    of the tree, a device) is left out instead of aborting: the model then reads as it
    would without that file, and a missing include is reported like any other."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def resolve_model_path(spec: str, workdir: Path) -> Path:
    """A filesystem path for a model spec, extracting from git into ``workdir`` for `REV:path`."""
    split = split_revision(spec)
    if split is None:
        return Path(spec)
    return materialize(split[0], split[1], workdir)
