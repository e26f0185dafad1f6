"""The parse cache holds data only, and only in a directory no one else can write."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import pytest

from archmodel.load import cache

RAW = b"x-pad: " + b"a" * cache.MIN_SIZE + b"\n"
DATA = {"x-pad": "a" * cache.MIN_SIZE, "n": [1, 2.5, None, True]}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARCHMODEL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("ARCHMODEL_NO_CACHE", raising=False)
    return tmp_path / "c" / "parsed"


def _entry(cache_dir: Path) -> Path:
    (entry,) = cache_dir.iterdir()
    return entry


def test_round_trip(cache_dir: Path) -> None:
    assert cache.is_miss(cache.get(RAW))
    cache.put(RAW, DATA)
    assert cache.get(RAW) == DATA
    assert _entry(cache_dir).suffix == ".json"


def test_data_json_cannot_hold_exactly_is_not_stored(cache_dir: Path) -> None:
    cache.put(RAW, {"expires": dt.date(2026, 1, 1)})
    cache.put(RAW, {1: "int key"})
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch planted-pickle-ran",))


def test_a_planted_pickle_is_never_run(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cache.put(RAW, DATA)
    entry = _entry(cache_dir)
    entry.write_bytes(pickle.dumps(_Payload()))
    entry.with_suffix(".pickle").write_bytes(pickle.dumps(_Payload()))
    assert cache.is_miss(cache.get(RAW))
    assert not (tmp_path / "planted-pickle-ran").exists()


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_a_directory_others_can_write_is_refused(cache_dir: Path, mode: int) -> None:
    cache.put(RAW, DATA)
    _entry(cache_dir).write_text('{"planted": true}')
    cache_dir.chmod(mode)
    assert cache.is_miss(cache.get(RAW))
    cache.put(RAW, DATA)
    assert _entry(cache_dir).read_text() == '{"planted": true}'


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file away")
def test_an_entry_or_directory_owned_by_someone_else_is_refused(cache_dir: Path) -> None:
    cache.put(RAW, DATA)
    os.chown(_entry(cache_dir), 4242, -1)
    assert cache.is_miss(cache.get(RAW))
    os.chown(_entry(cache_dir), os.geteuid(), -1)
    assert cache.get(RAW) == DATA
    os.chown(cache_dir, 4242, -1)
    assert cache.is_miss(cache.get(RAW))


def test_a_symlinked_entry_is_refused(cache_dir: Path, tmp_path: Path) -> None:
    cache.put(RAW, DATA)
    entry = _entry(cache_dir)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"planted": true}')
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert cache.is_miss(cache.get(RAW))
