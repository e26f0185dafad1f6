"""Loader behaviour: formats, includes, positions across files, hostile input."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.load import ModelNotFound, load

HEADER = "archmodel: 1\nsystem: {name: Shop}\n"


def codes_at(model: Path) -> list[tuple[str, str, int, int]]:
    return [
        (d.code, Path(d.file or "").name, d.line or 0, d.column or 0) for d in load_project(model).diagnostics
    ]


def test_directory_and_file_roots(write_model: Callable[..., Path]) -> None:
    root = write_model(HEADER + "zones: [{id: z, name: Z, trust: internal}]\n")
    assert load(root).model.zones[0].id == "z"
    assert load(root / "archmodel.yaml").model.system.name == "Shop"


def test_missing_model_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound):
        load(tmp_path / "nope")
    with pytest.raises(ModelNotFound):
        load(tmp_path)


def test_json_model_with_position(tmp_path: Path) -> None:
    doc = {
        "archmodel": 1,
        "system": {"name": "J"},
        "components": [{"id": "a", "kind": "servce", "name": "A"}],
    }
    (tmp_path / "archmodel.json").write_text(json.dumps(doc, indent=2))
    found = codes_at(tmp_path)
    assert [c for c, *_ in found] == ["AM102"]
    assert found[0][2:] == (9, 15)  # the value of "kind" in the indented JSON


def test_json_duplicate_key(tmp_path: Path) -> None:
    (tmp_path / "archmodel.json").write_text('{"archmodel": 1,\n "system": {"name": "a", "name": "b"}}')
    assert codes_at(tmp_path) == [("AM002", "archmodel.json", 2, 26)]


def test_include_glob_order_and_positions(write_model: Callable[..., Path]) -> None:
    root = write_model(
        {
            "archmodel.yaml": HEADER + "include: ['parts/*.yaml']\n",
            "parts/b.yaml": "components:\n  - id: b\n    kind: service\n    name: B\n    zone: nowhere\n",
            "parts/a.yaml": "components:\n  - id: a\n    kind: actor\n    name: A\nflows: [{from: a, to: b, protocol: https}]\n",
        }
    )
    loaded = load(root)
    assert [c.id for c in loaded.model.components] == ["a", "b"]
    assert codes_at(root) == [("AM202", "b.yaml", 5, 11)]


def test_include_cycle_names_the_cycle(write_model: Callable[..., Path]) -> None:
    root = write_model(
        {
            "archmodel.yaml": HEADER + "include: [a.yaml]\n",
            "a.yaml": "include: [b.yaml]\n",
            "b.yaml": "include: [a.yaml]\n",
        }
    )
    (d,) = load_project(root).diagnostics
    assert d.code == "AM008" and "a.yaml -> b.yaml -> a.yaml" in d.message
    assert (Path(d.file or "").name, d.line) == ("b.yaml", 1)


def test_glob_does_not_include_the_including_file(write_model: Callable[..., Path]) -> None:
    root = write_model({"archmodel.yaml": HEADER + "include: ['*.yaml']\n", "z.yaml": "zones: []\n"})
    assert codes_at(root) == []


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("zones: []\n")
    model = tmp_path / "model"
    model.mkdir()
    (model / "link.yaml").symlink_to(outside)
    (model / "archmodel.yaml").write_text(HEADER + "include: [link.yaml]\n")
    assert [c for c, *_ in codes_at(model)] == ["AM009"]


def test_invalid_utf8_position(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_bytes(HEADER.encode() + b"zones:\n  - name: caf\xe9\n")
    assert codes_at(tmp_path) == [("AM004", "archmodel.yaml", 4, 14)]


def test_unreadable_include_is_reported(write_model: Callable[..., Path]) -> None:
    root = write_model({"archmodel.yaml": HEADER + "include: [d.yaml]\n", "d.yaml": "zones: []\n"})
    (root / "d.yaml").chmod(0)
    found = [c for c, *_ in codes_at(root)]
    (root / "d.yaml").chmod(0o644)
    assert found in (["AM011"], [])  # root may read anything; otherwise AM011


def test_alias_bomb_fails_fast(write_model: Callable[..., Path]) -> None:
    lines = ["x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    root = write_model(HEADER + "\n".join(lines) + "\n")
    start = time.perf_counter()
    found = codes_at(root)
    elapsed = time.perf_counter() - start
    assert found == [("AM003", "archmodel.yaml", 4, 12)]
    assert elapsed < 5  # generous bound: a bomb must never expand (bench/ measures the real time)


def test_yaml_11_booleans_are_not_coerced(write_model: Callable[..., Path]) -> None:
    root = write_model(HEADER + "components: [{id: a, kind: actor, name: A, public: yes}]\n")
    assert [c for c, *_ in codes_at(root)] == ["AM102"]


def test_one_broken_component_gives_one_error(write_model: Callable[..., Path]) -> None:
    root = write_model(
        HEADER
        + (
            "components:\n"
            "  - {id: u, kind: actor, name: U}\n"
            "  - {id: api, kind: servic, name: API}\n"
            "flows:\n"
            "  - {from: u, to: api, protocol: https}\n"
            "  - {from: api, to: u, protocol: https}\n"
        )
    )
    assert [c for c, *_ in codes_at(root)] == ["AM102"]


def test_all_findings_of_a_run_are_reported(write_model: Callable[..., Path]) -> None:
    root = write_model(
        HEADER
        + (
            "components:\n"
            "  - {id: u, kind: actor, name: U, zone: z1}\n"
            "  - {id: v, kind: actor, name: V, zone: z2}\n"
            "flows:\n"
            "  - {from: u, to: x, protocol: https}\n"
        )
    )
    assert sorted(c for c, *_ in codes_at(root)) == ["AM202", "AM202", "AM203"]


def test_section_that_is_not_a_list_points_at_its_value(write_model: Callable[..., Path]) -> None:
    root = write_model(HEADER + "zones: []\ncomponents: {id: a}\n")
    assert codes_at(root) == [("AM102", "archmodel.yaml", 4, 13)]


def test_each_model_file_is_read_once(
    write_model: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_model(
        {
            "archmodel.yaml": HEADER + "include: [c.yaml]\n",
            "c.yaml": "components:\n  - {id: a, kind: actor, name: A, zone: nowhere}\n",
        }
    )
    from archmodel.load import reader

    reads: list[str] = []
    read_bytes = reader.read_bytes

    def counted(path: Path) -> tuple[bytes | None, object]:
        reads.append(path.name)
        return read_bytes(path)

    def refused(self: Path) -> bytes:
        raise AssertionError(f"{self} read again")

    monkeypatch.setattr(reader, "read_bytes", counted)
    monkeypatch.setattr(Path, "read_bytes", refused)
    assert codes_at(root) == [("AM202", "c.yaml", 2, 41)]
    assert sorted(reads) == ["archmodel.yaml", "c.yaml"]
