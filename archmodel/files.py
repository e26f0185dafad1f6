"""What a generator returns: its files by path, as path objects to whoever reads them.

A large model's Helm charts are a hundred thousand files, and everything that handles
them (the runner, the workers' pipes, the writer) wants each path as text. ``FileMap``
keeps the text and makes a ``PurePosixPath`` only for whoever iterates over it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

Files = Mapping[PurePosixPath, bytes]


class FileMap(Mapping[PurePosixPath, bytes]):
    """``Files`` kept by posix path text; each text is a path as ``str(PurePosixPath(...))``
    writes it (relative, no empty or ``.`` part), so that a path looks its text up."""

    __slots__ = ("texts",)

    def __init__(self, texts: dict[str, bytes]) -> None:
        self.texts = texts

    def __getitem__(self, key: PurePosixPath) -> bytes:
        if not isinstance(key, PurePosixPath):
            raise KeyError(key)  # as a mapping keyed by paths: text is not a key
        return self.texts[str(key)]

    def __iter__(self) -> Iterator[PurePosixPath]:
        return map(PurePosixPath, self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def by_text(files: Files) -> dict[str, bytes]:
    """Files by posix path text (the same dictionary when they are kept so)."""
    if isinstance(files, FileMap):
        return files.texts
    return {str(path): content for path, content in files.items()}
