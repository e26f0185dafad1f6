"""Reading files that a user (or an attacker) may have put in place of ours.

Output directories, manifests and infrastructure code are input we do not control: a
symlink to ``/proc/self/environ`` must not be printed, a FIFO must not hang a run and
``/dev/zero`` must not be read to the end of memory. Only regular files are read, never
through a symlink, and never beyond a size bound. A file the user names for us to write
(``init``, ``import -o``) is replaced by a rename, never written through a link.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import stat
from pathlib import Path

DEFAULT_LIMIT = 64 * 1024 * 1024
# What a regular file looks like on disk: size, mtime, ctime and inode.
StatKey = tuple[int, int, int, int]


class NotRegular(OSError):
    """The path is a symlink, directory, FIFO, device or socket: it is never read."""


class TooLarge(OSError):
    """The file is larger than the bound set for this kind of input."""


def kind_of(path: Path | str) -> str | None:
    """'missing', 'symlink', 'directory', 'fifo', 'device', 'socket' or None for a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    return kind_of_mode(mode)


def kind_of_mode(mode: int) -> str | None:
    """``kind_of`` for a mode already read (one ``lstat`` per file on large outputs)."""
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISLNK, "symlink"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "device"


def read_regular(path: Path | str, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of a regular file; ``NotRegular`` or ``TooLarge`` otherwise.

    The file is opened without following a final symlink and without blocking on a
    FIFO, then checked on the open descriptor, so a swap after the check cannot help.
    """
    with _open_regular(path, limit) as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(0, f"{path} is larger than {limit // (1024 * 1024)} MiB")
    return content


HASH_LIMIT = 1 << 40  # a generated file is hashed as it is read, so only time bounds it


def hash_regular(path: Path | str, limit: int = HASH_LIMIT) -> str:
    """The SHA-256 of a regular file, read in chunks (a generated register of a large
    model is hundreds of megabytes); ``NotRegular`` or ``TooLarge`` as ``read_regular``."""
    with _open_regular(path, limit) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _open_regular(path: Path | str, limit: int) -> io.BufferedReader:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):  # a final symlink; a FIFO without a writer
            raise NotRegular(exc.errno, f"{path} is not a regular file") from exc
        raise
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise NotRegular(0, f"{path} is not a regular file")
    if info.st_size > limit:
        handle.close()
        raise TooLarge(0, f"{path} is larger than {limit // (1024 * 1024)} MiB")
    return handle


def stat_key(path: Path | str) -> StatKey | None:
    """What a regular file looks like on disk (size, mtime, ctime, inode), read without
    following a symlink; None for anything that is not a regular file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return stat_key_of(info)


def stat_key_of(info: os.stat_result) -> StatKey:
    """``stat_key`` of a regular file's stat already read."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def replace_file(path: Path, content: bytes, tag: str) -> None:
    """``content`` written beside ``path`` (``.NAME.tag``) and renamed over it: a link
    standing at ``path``, or appearing there meanwhile, is replaced, never followed, and
    a reader never sees half a file. The file beside it is removed if the write fails."""
    temp = path.with_name(f".{path.name}.{tag}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
