"""OUT's manifest: every generated file's hash and the fingerprint of what produced them,
read back as untrusted input (anyone who can edit a generated file can edit it).

``files`` are what the last run wrote: ``check`` names the ones generation no longer
produces as extra. ``earlier`` are files earlier runs wrote that the last run did not
(another ``--only`` kind, a component since removed), each with the hash it was written
with: they stay generate's to replace while they keep that hash, so a run of one kind
into an OUT holding every kind does not leave the next full run refusing the others.
The key is left out when there are none, so such a manifest is the same as before.

A manifest with an unsafe path (absolute, ``..``, a backslash, NUL), a name no
generator writes (a control or unprintable character, the manifest itself, a staging
directory) or an entry without a SHA-256 hash is refused whole: the run that reads it
writes nothing, and nothing it names is printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archmodel.safe_files import NotRegular, TooLarge, kind_of, read_regular

MANIFEST = ".archmodel-manifest.json"
STAGING_PREFIX = ".archmodel-staging-"
# A manifest lists each file in about a hundred bytes: room for four million files
# (a 50k-component output has 700,000), and a bound on what a hostile one costs.
MANIFEST_LIMIT = 512 * 1024 * 1024
_SHA256 = re.compile("[0-9a-f]{64}")
_PLAIN = frozenset({"", ".", ".."})  # parts that pathlib would drop, or that leave OUT


class UnsafePath(ValueError):
    """A path that would leave OUT (absolute, ``..``, a backslash, a symlinked directory)."""


class BadManifest(ValueError):
    """The manifest in OUT is malformed or lists an unsafe path: nothing is written."""


@dataclass(frozen=True)
class Manifest:
    inputs: str = ""
    files: dict[str, str] = field(default_factory=dict)
    earlier: dict[str, str] = field(default_factory=dict)

    def owned(self) -> dict[str, str]:
        """Every file generate wrote and may replace while it keeps this hash (the last
        run's hash where both list a path)."""
        return {**self.earlier, **self.files} if self.earlier else self.files


def top_names(paths: Iterable[str]) -> frozenset[str]:
    """The first part of each path: the directories (or files) at OUT's top that a run
    of some kinds writes, and so the part of OUT a ``--only`` run answers for."""
    return frozenset(path.partition("/")[0] for path in paths if path != MANIFEST)


def in_scope(path: str, scope: frozenset[str] | None) -> bool:
    """Whether ``path`` lies in ``scope`` (``top_names``; None: all of OUT)."""
    return scope is None or path.partition("/")[0] in scope


def safe_relative(path: str) -> str:
    """Reject absolute paths, ``..``, empty parts, backslashes and NUL (which no file name
    holds): nothing leaves OUT."""
    plain = "\\" not in path and "\0" not in path
    if path and path[0] != "/" and plain and _PLAIN.isdisjoint(path.split("/")):
        return path  # already plain (most paths): the same as the check below, without pathlib
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts) or not plain:
        raise UnsafePath(path)
    return pure.as_posix()


def manifest_of(
    hashes: Mapping[str, str],
    inputs: str = "",
    earlier: Mapping[str, str] | None = None,
    listed: str | None = None,
) -> bytes:
    """The manifest: every file's hash, the fingerprint of what produced them and, when
    there are any, the files of earlier runs still generate's to replace. ``listed`` is
    ``listing(hashes)`` when the caller has it (a run writes two manifests).

    Laid out as ``json.dumps(..., indent=2)`` would, but written line by line: the
    indenting encoder is pure Python, and a large model lists a hundred thousand files.
    """
    quote = json.encoder.encode_basestring_ascii
    files = listed if listed is not None else listing(hashes)
    head = f'{{\n  "version": 1,\n  "inputs": {quote(inputs)},\n  "files": {files}'
    tail = f',\n  "earlier": {listing(earlier)}' if earlier else ""
    return f"{head}{tail}\n}}\n".encode()


def listing(hashes: Mapping[str, str]) -> str:
    """One listing of the manifest as laid out there (its paths in order)."""
    quote = json.encoder.encode_basestring_ascii
    lines = [f"    {quote(path)}: {quote(hashes[path])}" for path in sorted(hashes)]
    return "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"


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
    earlier = data.get("earlier", {}) if isinstance(data, dict) else None
    if not isinstance(files, dict) or not isinstance(inputs, str):
        raise BadManifest(f"{path}: not a manifest (no 'files' mapping)")
    if not isinstance(earlier, dict):
        raise BadManifest(f"{path}: not a manifest ('earlier' is not a mapping)")
    return Manifest(inputs, _entries(files, path), _entries(earlier, path))


def _entries(files: dict[object, object], path: Path) -> dict[str, str]:
    """A listing of the manifest, each entry a plain relative path with a SHA-256 hash
    (``BadManifest`` naming the first that is not), named as a generator names files."""
    if _all_plain(files):
        _check_names(files, path)  # type: ignore[arg-type]
        return files  # type: ignore[return-value]
    listed = _checked_entries(files, path)
    _check_names(listed, path)
    return listed


def _check_names(listed: dict[str, str], path: Path) -> None:
    """Refuse names no generator writes: they can only come from an edited manifest,
    and would be printed (a newline forging a CI annotation, an escape sequence),
    handed to the file system (a lone surrogate), or removed by ``--clean`` (the
    manifest itself, a run's staging directory)."""
    joined = "\n".join(listed)
    if joined.count("\n") != max(len(listed) - 1, 0) or not joined.replace("\n", "").isprintable():
        bad = next(rel for rel in listed if not rel.isprintable())
        raise BadManifest(f"{path}: lists a name with an unprintable character {bad!r}")
    if MANIFEST in listed or joined.startswith(STAGING_PREFIX) or f"\n{STAGING_PREFIX}" in joined:
        raise BadManifest(f"{path}: lists the manifest itself or a staging directory")


def _checked_entries(files: dict[object, object], path: Path) -> dict[str, str]:
    listed: dict[str, str] = {}
    for rel, hashed in files.items():
        if not (isinstance(hashed, str) and _SHA256.fullmatch(hashed)):
            raise BadManifest(f"{path}: entry {rel!r} has no SHA-256 hash")
        try:
            listed[safe_relative(str(rel))] = hashed
        except UnsafePath as exc:
            raise BadManifest(f"{path}: lists an unsafe path {rel!r}") from exc
    return listed


# In the joined paths (one per line, a line break before the first and after the last):
# a leading, trailing or doubled slash, an empty path, a backslash, a '.' or '..' part.
_NOT_PLAIN = (
    "\n/",
    "/\n",
    "//",
    "\n\n",
    "\\",
    "\0",
    *(a + dots + b for dots in (".", "..") for a in "\n/" for b in "/\n"),
)
_HEX = b"0123456789abcdef"


def _all_plain(files: dict[object, object]) -> bool:
    """Whether every entry is a plain relative path with a SHA-256 hash: the check the
    loop in ``_entries`` makes entry by entry (and then names the first that
    fails), made as a few scans of the joined text: a large output lists 140,000 files."""
    hashes = list(files.values())
    if not set(map(type, hashes)) <= {str}:
        return False
    joined = "\n".join(hashes) + "\n"  # type: ignore[arg-type]
    # 64 characters and a line break, each hash: nothing but hex digits and the breaks.
    breaks = len(hashes)
    if len(joined) != 65 * breaks or joined[64::65] != "\n" * breaks or joined.count("\n") != breaks:
        return False
    if not joined.isascii() or joined.encode("ascii").translate(None, _HEX + b"\n"):
        return False
    paths = "\n" + "\n".join(files) + "\n"  # type: ignore[arg-type]  # JSON keys are strings
    return paths.count("\n") == len(files) + 1 and not any(bad in paths for bad in _NOT_PLAIN)
