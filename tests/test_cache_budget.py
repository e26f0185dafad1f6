"""The caches stay within their byte budget, least recently used first, and touch nothing
they did not write."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archmodel import cache_dir, output_cache
from archmodel.load import cache as parse_cache

HOUR_NS = 3600 * 10**9


def _name(i: int) -> str:
    return f"{i:064x}.json"


def _entries(directory: Path, sizes: list[int]) -> list[str]:
    """Entries written oldest first, one second apart."""
    start = time.time_ns() - 100 * 10**9
    names = []
    for i, size in enumerate(sizes):
        path = directory / _name(i)
        path.write_bytes(b"x" * size)
        os.utime(path, ns=(start + i * 10**9, start + i * 10**9))
        names.append(path.name)
    return names


def test_the_oldest_entries_go_once_the_newer_fill_the_budget(tmp_path: Path) -> None:
    names = _entries(tmp_path, [100, 100, 100, 100])
    cache_dir.prune(tmp_path, keep=names[3], budget=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])


def test_the_entry_just_written_stays_even_alone_over_budget(tmp_path: Path) -> None:
    names = _entries(tmp_path, [10, 10, 500])
    cache_dir.prune(tmp_path, keep=names[2], budget=100)
    assert [p.name for p in tmp_path.iterdir()] == [names[2]]


def test_stale_temporaries_go_and_what_the_cache_did_not_write_stays(tmp_path: Path) -> None:
    names = _entries(tmp_path, [10])
    old = time.time_ns() - 2 * HOUR_NS
    for name in (".tmp-left1234", "tmpleft5678.tmp"):
        (tmp_path / name).write_bytes(b"half")
        os.utime(tmp_path / name, ns=(old, old))
    (tmp_path / ".tmp-writing99").write_bytes(b"now")  # another run is writing it
    foreign = ["notes.txt", "a" * 64, f"{'f' * 64}.json.bak"]
    for name in foreign:
        (tmp_path / name).write_bytes(b"y" * 1000)
    (tmp_path / "sub").mkdir()
    cache_dir.prune(tmp_path, keep=names[0], budget=0)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([names[0], ".tmp-writing99", "sub", *foreign])


@pytest.fixture
def caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("ARCHMODEL_NO_CACHE", raising=False)
    return tmp_path / "c"


def _age(directory: Path, seconds: int) -> None:
    """Every entry made ``seconds`` older, keeping their order."""
    for path in directory.iterdir():
        then = path.stat().st_mtime_ns - seconds * 10**9
        os.utime(path, ns=(then, then))


def test_a_recalled_output_record_outlives_a_newer_one_never_read(
    caches: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = {f"file{i}.txt": "0" * 64 for i in range(50)}
    inputs = ["a" * 64, "b" * 64, "c" * 64]
    output_cache.remember(inputs[0], hashes)
    _age(caches / "outputs", 20)
    output_cache.remember(inputs[1], hashes)
    _age(caches / "outputs", 20)
    size = (caches / "outputs" / f"{inputs[0]}.json").stat().st_size
    assert output_cache.recall(inputs[0]) == hashes  # a use: now the most recent
    monkeypatch.setattr(cache_dir, "BUDGET", 2 * size)
    output_cache.remember(inputs[2], hashes)
    assert output_cache.recall(inputs[1]) is None
    assert output_cache.recall(inputs[0]) == hashes
    assert output_cache.recall(inputs[2]) == hashes


def test_the_parse_cache_keeps_to_its_budget_and_counts_a_hit_as_a_use(
    caches: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raws = [f"x-pad: {'a' * parse_cache.MIN_SIZE}\nn: {i}\n".encode() for i in range(3)]
    datas = [{"x-pad": "a" * parse_cache.MIN_SIZE, "n": i} for i in range(3)]
    parse_cache.put(raws[0], datas[0])
    _age(caches / "parsed", 20)
    parse_cache.put(raws[1], datas[1])
    _age(caches / "parsed", 20)
    assert parse_cache.get(raws[0]) == datas[0]
    size = next((caches / "parsed").iterdir()).stat().st_size
    monkeypatch.setattr(cache_dir, "BUDGET", 2 * size + size // 2)
    parse_cache.put(raws[2], datas[2])
    assert parse_cache.is_miss(parse_cache.get(raws[1]))
    assert parse_cache.get(raws[0]) == datas[0]
    assert parse_cache.get(raws[2]) == datas[2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=8), st.integers(0, 900))
def test_what_stays_fits_the_budget_and_each_entry_gone_did_not(sizes: list[int], budget: int) -> None:
    """Newest first, an entry stays when it fits beside the newer ones kept."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        names = _entries(directory, sizes)
        keep = names[-1]
        cache_dir.prune(directory, keep=keep, budget=budget)
        left = {p.name for p in directory.iterdir()}
    assert keep in left
    total = sizes[-1]
    for name, size in reversed(list(zip(names[:-1], sizes[:-1], strict=True))):
        fits = total + size <= budget
        assert (name in left) == fits
        total += size if fits else 0
    assert total <= max(budget, sizes[-1])
