"""A generator's files kept by path text read as the mapping of paths they stand for."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archmodel.files import FileMap, by_text

PART = st.text(st.characters(blacklist_characters="/\x00"), min_size=1, max_size=8).filter(
    lambda p: p not in (".", "..")
)
PATH = st.lists(PART, min_size=1, max_size=4).map("/".join)


@given(st.dictionaries(PATH, st.binary(max_size=8), max_size=8))
def test_a_file_map_is_the_mapping_of_its_paths(texts: dict[str, bytes]) -> None:
    files = FileMap(texts)
    as_paths = {PurePosixPath(p): b for p, b in texts.items()}
    assert files == as_paths and dict(files) == as_paths
    assert list(files) == list(as_paths)  # in the order the generator gave
    assert all(files[path] == content for path, content in as_paths.items())
    assert by_text(files) is texts
    assert by_text(as_paths) == texts


def test_path_text_is_not_a_key() -> None:
    files = FileMap({"a/b.txt": b"x"})
    assert PurePosixPath("a/b.txt") in files
    assert "a/b.txt" not in files
    with pytest.raises(KeyError):
        files[PurePosixPath("a/c.txt")]
