"""The one writer that puts generated files on disk, and the check that compares them.

Generators (see ``runner.py``) never write files: the writer checks every path stays
inside OUT, writes through a temporary directory and a manifest, and leaves unchanged
files alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST = ".archmodel-manifest.json"


class UnsafePath(ValueError):
    """A generator produced a path that would leave the output directory."""


# Generators return ``PurePosixPath`` keys; tests and callers may use plain strings.
AnyFiles = Mapping[PurePosixPath, bytes] | Mapping[str, bytes]


def _named(files: AnyFiles) -> dict[str, bytes]:
    return {safe_relative(str(p)): b for p, b in files.items()}


def safe_relative(path: str) -> str:
    """Reject absolute paths, ``..`` and other escapes from OUT."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts) or "\\" in path:
        raise UnsafePath(path)
    return pure.as_posix()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def manifest_bytes(files: Mapping[str, bytes], inputs: str = "") -> bytes:
    """The manifest: every file's hash, and the fingerprint of what produced them.

    Laid out as ``json.dumps(..., indent=2)`` would, but written line by line: the
    indenting encoder is pure Python, and a large model lists a hundred thousand files.
    """
    quote = json.encoder.encode_basestring_ascii
    lines = [f"    {quote(path)}: {quote(digest(files[path]))}" for path in sorted(files)]
    body = "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"
    return f'{{\n  "version": 1,\n  "inputs": {quote(inputs)},\n  "files": {body}\n}}\n'.encode()


def read_manifest(out: Path) -> dict[str, str]:
    """Files listed by the manifest in OUT, with their hashes ({} when there is none)."""
    return _manifest(out)[1]


def _manifest(out: Path) -> tuple[str, dict[str, str]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        listed = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
        return str(data.get("inputs", "")), listed
    except (OSError, ValueError, AttributeError):
        return "", {}


def unchanged_since_generation(out: Path, inputs: str) -> bool:
    """True when OUT was generated from exactly these inputs and no listed file changed.

    Generation is deterministic, so identical inputs (model files, options, archmodel's
    code, the date) give identical files: checking hashes is enough, no regeneration.
    """
    recorded, listed = _manifest(out)
    if not inputs or recorded != inputs or not listed:
        return False
    seen = _stat_cache(out)
    base = str(out)
    for rel, expected in listed.items():
        if not _plain_relative(rel):
            return False
        path = os.path.join(base, rel)
        try:
            if seen.get(rel) != _stat_key(path) and digest(_read(path)) != expected:
                return False
        except OSError:
            return False
    return True


def _plain_relative(rel: str) -> bool:
    """``safe_relative`` without pathlib (the in-sync check runs it per listed file)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and ".." not in parts and "" not in parts


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _stat_key(path: Path | str) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _stat_file(out: Path) -> Path | None:
    """Where the stat cache of OUT lives: what each written file looked like on disk (size,
    mtime, ctime, inode) right after the write, so that `check` trusts a file whose stat
    is unchanged instead of reading and hashing it. A cache only, outside OUT (the user's
    cache directory, as for parsed YAML): missing or stale entries mean "hash it"."""
    if os.environ.get("ARCHMODEL_NO_CACHE"):
        return None
    base = os.environ.get("ARCHMODEL_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "archmodel"
    )
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()
    return Path(base) / "outputs" / f"{key}.json"


def _stat_cache(out: Path) -> dict[str, list[int]]:
    try:
        path = _stat_file(out)
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _record_stats(out: Path, files: Mapping[str, bytes]) -> None:
    """Remember how the files of this run look on disk (a failure only costs speed)."""
    path = _stat_file(out)
    if path is None:
        return
    try:
        base = str(out)
        stats = {rel: _stat_key(os.path.join(base, rel)) for rel in sorted(files)}
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(stats, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def write_outputs(out: Path, files: AnyFiles, clean: bool = False, inputs: str = "") -> list[str]:
    """Write ``files`` below ``out``; returns the paths that changed.

    All content is first staged in a temporary directory beside OUT, so a failure before
    the final renames leaves the previous output as it was. Files whose bytes did not
    change are not touched (their mtime stays). With ``clean``, files listed by the
    previous manifest and no longer generated are removed; other files are never touched.
    """
    checked = _named(files)
    out.mkdir(parents=True, exist_ok=True)
    for directory in sorted({rel.rpartition("/")[0] for rel in checked}):
        _inside(out, directory)
    previous = read_manifest(out)
    manifest = manifest_bytes(checked, inputs)
    everything = {**checked, MANIFEST: manifest}
    changed = [p for p, b in sorted(everything.items()) if not _same(out / p, b)]
    _replace_all(out, changed, everything)
    _record_stats(out, checked)
    if clean:
        for rel in sorted(set(previous) - set(checked)):
            stale = out / safe_relative(rel)
            if stale.is_file() and _inside(out, rel.rpartition("/")[0], strict=False):
                stale.unlink()
    return [rel for rel in changed if rel != MANIFEST]


def _replace_all(out: Path, changed: list[str], content: Mapping[str, bytes]) -> None:
    """Stage every changed file flat in one temporary directory (no tree to build and
    remove again), then move each into place: a rename within one file system."""
    staging = tempfile.mkdtemp(prefix=".archmodel-", dir=out)
    base = str(out)
    try:
        for i, rel in enumerate(changed):
            with open(os.path.join(staging, str(i)), "wb") as handle:
                handle.write(content[rel])
        made: set[str] = set()
        for i, rel in enumerate(changed):
            parent = rel.rpartition("/")[0]
            if parent and parent not in made:
                os.makedirs(os.path.join(base, parent), exist_ok=True)
                made.add(parent)
            os.replace(os.path.join(staging, str(i)), os.path.join(base, rel))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _inside(out: Path, directory: str, strict: bool = True) -> bool:
    """Whether OUT/directory really lies in OUT: a symlinked directory inside OUT must
    not carry a write (or a --clean removal) outside it."""
    root = out.resolve()
    parent = (out / directory).resolve()
    if parent == root or parent.is_relative_to(root):
        return True
    if strict:
        raise UnsafePath(f"{directory}/ (it resolves to {parent}, outside {root})")
    return False


def _same(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


@dataclass(frozen=True)
class Drift:
    """How OUT differs from what generate would write."""

    stale: list[str]
    missing: list[str]
    extra: list[str]

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra)


def compare_outputs(out: Path, files: AnyFiles, inputs: str = "") -> Drift:
    """Compare OUT with freshly generated ``files`` without writing anything.

    Extra files are those the manifest in OUT lists but generation no longer produces;
    files a user put in OUT are never reported.
    """
    expected = _named(files)
    expected[MANIFEST] = manifest_bytes(expected, inputs)
    stale, missing = [], []
    for rel, content in sorted(expected.items()):
        path = out / rel
        if not path.is_file():
            missing.append(rel)
        elif rel != MANIFEST and not _same(path, content):  # its drift shows as extra files
            stale.append(rel)
    extra = sorted(set(read_manifest(out)) - set(expected))
    extra = [rel for rel in extra if (out / rel).is_file()]
    return Drift(stale, missing, extra)
