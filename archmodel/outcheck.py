"""What `check` does: compare OUT with the files generate would write, without writing.

Only regular files are read, never through a link; the manifest in OUT only names extra
files and never vouches for a file's content; the user's private stat cache spares the
read of a file whose stat is the one remembered with its hash.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archmodel.manifest import (
    MANIFEST,
    in_scope,
    manifest_of,
    read_manifest,
    safe_relative,
)
from archmodel.output_cache import Seen
from archmodel.safe_files import kind_of, kind_of_mode
from archmodel.survey import Within, digest, hash_of
from archmodel.writer import digests


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
    first: bool = False,
    matched: Mapping[str, str] | None = None,
    scope: frozenset[str] | None = None,
) -> Drift:
    """Compare OUT with the hashes generate would write.

    ``listed`` (the manifest's paths, to name extra files) is read from OUT's manifest
    when not given, and not at all when that manifest has the expected hash (it then
    lists exactly the expected files). ``seen`` (from the user's private cache, never
    from OUT) gives the stat and hash a file had when generate wrote it: a regular file
    with that stat and the expected hash is not read again. Every other file is read
    (regular files only) and hashed. With ``first``, the comparison stops at the first
    file that differs, the manifest included (the drift then names that one only).
    ``matched`` (``still_as_recorded``'s answer, taken before) spares the look at each
    file it vouches for with the expected hash. Only files in ``scope`` (the top-level
    directories the kinds compared write; None, all of OUT) can be extra: the rest of
    OUT is other kinds' output, or not generate's. ``BadManifest`` when the manifest
    must be read and cannot be trusted.
    """
    known = seen or Seen()
    manifest_as_expected = False
    within = Within(out)
    prefix = os.path.join(os.fspath(out), "")  # OUT with one trailing separator
    stale, missing, unsafe = [], [], []
    vouched = matched or {}
    for rel, wanted in expected.items():
        if vouched.get(rel) == wanted:
            manifest_as_expected = manifest_as_expected or rel == MANIFEST
            continue
        # One lstat per file, on a plain string path: an output has a hundred thousand.
        # Concatenated, not joined: a path from the cache that is not relative stays
        # below OUT, where ``within`` judges it.
        full = prefix + rel
        try:
            info = os.lstat(full) if within(rel) else None
        except FileNotFoundError:
            missing.append(rel)
            continue
        except NotADirectoryError:
            unsafe.append((rel, "a file in place of its directory"))
            continue
        kind = kind_of_mode(info.st_mode) if info is not None else "symlinked directory"
        if kind is not None or info is None:
            unsafe.append((rel, kind or "symlinked directory"))
        elif rel == MANIFEST:
            # It records the inputs (the date among them), so it is not stale itself; its
            # files are compared one by one.
            manifest_as_expected = hash_of(full, rel, info, known) == wanted
            if first and not manifest_as_expected:
                return Drift([MANIFEST], [], [], [])
        elif hash_of(full, rel, info, known) != wanted:
            stale.append(rel)
        if first and (stale or missing or unsafe):
            return Drift(stale, missing, [], unsafe)
    if listed is None:
        listed = set(expected) if manifest_as_expected else _listed(out)
    extra = [rel for rel in sorted(listed - set(expected)) if in_scope(rel, scope) and _regular(out / rel)]
    return Drift(sorted(stale), sorted(missing), extra, sorted(unsafe))


def _regular(path: Path) -> bool:
    """Whether a regular file stands at ``path`` (a path that cannot name one now, its
    directory a file or too long a name, has none)."""
    try:
        return kind_of(path) is None
    except OSError:
        return False


def _listed(out: Path) -> set[str]:
    """Paths the manifest in OUT lists, the last run's and earlier runs' (none when there
    is no manifest): only ever used to name extra files, never to vouch for a file's
    content. ``BadManifest`` when it cannot be trusted, so nothing it names is shown."""
    manifest = read_manifest(out)
    return {*manifest.files, *manifest.earlier}


def still_as_recorded(out: Path, seen: Seen) -> dict[str, str]:
    """The files of OUT that the stat cache vouches for: each regular file inside OUT
    (no link on the way) whose stat is the one remembered, with the hash remembered with
    it. Needs OUT and the cache only, not the model: ``Ahead`` runs it while the model
    loads."""
    within = Within(out)
    prefix = os.path.join(os.fspath(out), "")
    found: dict[str, str] = {}
    for rel in seen.entries:
        try:
            info = os.lstat(prefix + rel) if within(rel) else None
        except (OSError, ValueError):
            continue
        if info is not None and kind_of_mode(info.st_mode) is None:
            remembered = seen.hash_of(rel, info)
            if remembered is not None:
                found[rel] = remembered
    return found
