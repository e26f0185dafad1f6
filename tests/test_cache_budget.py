"""The caches stay within their byte budget, least recently used first, and touch nothing
they did not write."""

from __future__ import annotations

import json
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
    for name in (".archmodel-tmp-left1234", ".tmp-left1234", "tmpleft5678.tmp"):
        (tmp_path / name).write_bytes(b"half")
        os.utime(tmp_path / name, ns=(old, old))
    (tmp_path / ".archmodel-tmp-writing9").write_bytes(b"now")  # another run is writing it
    # Not names the caches write, however close (mkstemp adds exactly eight characters).
    foreign = [
        "notes.txt",
        "a" * 64,
        f"{'f' * 64}.json.bak",
        "tmp_quarterly_report.tmp",
        ".tmp-draft_notes",
        "tmpé1234567.tmp",
    ]
    for name in foreign:
        (tmp_path / name).write_bytes(b"y" * 1000)
    (tmp_path / "sub").mkdir()
    cache_dir.prune(tmp_path, keep=names[0], budget=0)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([names[0], ".archmodel-tmp-writing9", "sub", *foreign])


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


def test_a_record_too_large_to_read_back_is_not_kept(caches: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither written nor left stale: it could never be read, and it would push the
    readable records out of the budget."""
    assert cache_dir.BUDGET >= 2 * output_cache._LIMIT  # a generate's two records fit whole
    out = caches.parent / "out"
    out.mkdir()
    (out / "a.txt").write_text("a")
    hashes = {"a.txt": "0" * 64}
    output_cache.remember("d" * 64, hashes)
    output_cache.remember_stats(out, hashes)
    assert output_cache.recall("d" * 64) == hashes and len(output_cache.recall_stats(out)) == 1
    big = {f"file{i}.txt": "0" * 64 for i in range(40)}
    for name in big:
        (out / name).write_text("b")
    monkeypatch.setattr(output_cache, "_LIMIT", len(json.dumps(big)) - 1)
    output_cache.remember("e" * 64, big)
    output_cache.remember_stats(out, {**hashes, **big})
    assert output_cache.recall("e" * 64) is None
    assert len(output_cache.recall_stats(out)) == 0  # the older record under its name is gone
    assert output_cache.recall("d" * 64) == hashes


def test_a_linked_parse_cache_directory_is_not_used(caches: Path, tmp_path: Path) -> None:
    """Pruning would run wherever the link leads."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    mine = elsewhere / f"{'0' * 64}.json"
    mine.write_text("{}")
    os.utime(mine, ns=(0, 0))
    caches.mkdir(mode=0o700)
    (caches / "parsed").symlink_to(elsewhere)
    raw = f"x-pad: {'a' * parse_cache.MIN_SIZE}\n".encode()
    parse_cache.put(raw, {"x-pad": "a" * parse_cache.MIN_SIZE})
    assert parse_cache.is_miss(parse_cache.get(raw))
    assert [p.name for p in elsewhere.iterdir()] == [mine.name]
