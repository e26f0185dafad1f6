"""Fargate task sizes: every pair AWS offers is kept as is, anything else snaps up."""

from __future__ import annotations

import pytest

from archmodel.generators.terraform.fargate import MEMORY_BY_CPU, PAIRS, snap, task_size, units

# AWS's table, written out independently of the generator's.
AWS_TABLE = (
    [(256, m) for m in (512, 1024, 2048)]
    + [(512, m * 1024) for m in range(1, 5)]
    + [(1024, m * 1024) for m in range(2, 9)]
    + [(2048, m * 1024) for m in range(4, 17)]
    + [(4096, m * 1024) for m in range(8, 31)]
    + [(8192, m * 1024) for m in range(16, 61, 4)]
    + [(16384, m * 1024) for m in range(32, 121, 8)]
)


def test_the_table_is_awss() -> None:
    assert list(PAIRS) == AWS_TABLE
    assert sorted(MEMORY_BY_CPU) == [256, 512, 1024, 2048, 4096, 8192, 16384]


@pytest.mark.parametrize(("cpu", "memory"), AWS_TABLE)
def test_every_valid_pair_is_kept(cpu: int, memory: int) -> None:
    assert snap(cpu, memory) == (cpu, memory)


@pytest.mark.parametrize(
    ("wanted", "size"),
    [
        ((512, 512), (512, 1024)),  # the platform team's 512/512
        ((512, 768), (512, 1024)),
        ((1024, 1024), (1024, 2048)),
        ((256, 3072), (512, 3072)),  # more memory than 256 CPU units allow
        ((300, 512), (512, 1024)),
        ((4096, 32768), (8192, 32768)),
        ((100_000, 10**6), (16384, 122880)),  # bigger than Fargate: the largest size
    ],
)
def test_other_pairs_snap_up_to_the_nearest_valid_one(wanted: tuple[int, int], size: tuple[int, int]) -> None:
    assert snap(*wanted) == size
    assert snap(*wanted) in PAIRS


@pytest.mark.parametrize(
    ("text", "per_unit", "expected"),
    [("500m", 1024, 512), ("2", 1024, 2048), ("512Mi", 1024, 512), ("1Gi", 1024, 1024), ("x", 1024, 7)],
)
def test_kubernetes_quantities(text: str, per_unit: int, expected: int) -> None:
    assert units(text, 7, per_unit) == expected


def test_a_snapped_size_says_so_and_a_valid_one_does_not() -> None:
    cpu, memory, note = task_size("500m", "768Mi")
    assert (cpu, memory) == (512, 1024) and note is not None and "500m" in note and "512/1024" in note
    assert task_size("1", "2Gi") == (1024, 2048, None)
