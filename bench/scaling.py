"""Benchmark: how each command's cost grows from one model size to a larger one.

The target is linear growth: 50k components within 5x of 10k. A ratio of two timings
is only as good as the minutes they share, and this kind of host drifts by 30-100% within
minutes, so timing every 10k run and then every 50k run (as ``run.py`` and
``bench_generate.py`` do) can put a quiet phase under one side and a slow one under the
other. Here each command runs as pairs, the two sizes back to back, the order alternating
from pair to pair (small-large, large-small) so that a steady drift cancels out. Each
pair gives a ratio; the table prints the median walls, every pair's wall ratio and the
median of those ratios, and the ratios of the median user and system CPU times (workers
included). User time is archmodel's own work; system time is what the kernel charges for
memory and files, which on some virtual machines grows faster than the memory used (the
fresh-memory line, printed first, shows whether this host is one). The heap reference
printed next times the same plain-Python work per element over a heap the size of each
run's: what the host adds as the heap outgrows its caches (``work.py`` counts what the
code itself does).

    .venv/bin/python bench/scaling.py [SMALL LARGE]     # default: 10000 50000
    PAIRS=5 .venv/bin/python bench/scaling.py           # more pairs (default 3)
    ROWS="check;generate, fresh" .venv/bin/python bench/scaling.py  # only the rows naming these

The models are the ones ``run.py`` times (n components, 2n flows; one with an error and
one with 2,000 warnings for validate) and, for generate and check, the same model
``bench_generate.py`` times without environments. Outputs go below ``bench/models``
unless ``ARCHMODEL_BENCH_OUT`` names another directory.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import host
from bench_generate import OUT_DIR, _process, _rename_one, model, timed_process
from run import _model

PAIRS = int(os.environ.get("PAIRS", "3"))
ROWS = [r.strip() for r in os.environ.get("ROWS", "").split(";") if r.strip()]


@dataclass(frozen=True)
class Scenario:
    """One command at size n: ``args(n)`` are its arguments, ``before(n)`` puts the state
    it is timed from in place (outside the timing)."""

    label: str
    args: Callable[[int], list[str]]
    before: Callable[[int], None] = lambda n: None


def _out(n: int) -> Path:
    return OUT_DIR / f"p{n}-out"


def _root(n: int) -> Path:
    """The model, written once: an edit made before a run must survive to the run."""
    root = model(n, environments=False) if not _ROOTS.get(n) else _ROOTS[n]
    _ROOTS[n] = root
    return root


_ROOTS: dict[int, Path] = {}


def _generate_args(n: int) -> list[str]:
    return [str(_root(n)), "-o", str(_out(n)), "--no-images"]


def _fresh(n: int) -> None:
    shutil.rmtree(_out(n), ignore_errors=True)


def _edited(n: int) -> None:
    """One component's name changed to one never used before (no cached run matches)."""
    if not _out(n).exists():
        _process("generate", *_generate_args(n))
    _rename_one(_root(n), f"Component {n // 2} edited {time.time_ns()}")


def _generated(n: int) -> None:
    """OUT as generate writes it for the model as it stands."""
    _process("generate", *_generate_args(n))


SCENARIOS = (
    Scenario("validate, clean", lambda n: ["validate", str(_model(n, 0, 0))]),
    Scenario("validate, one error", lambda n: ["validate", str(_model(n, 1, 0))]),
    Scenario("validate, 2,000 warnings", lambda n: ["validate", str(_model(n, 0, 2000))]),
    Scenario("threats --format json", lambda n: ["threats", "--format", "json", str(_model(n, 0, 0))]),
    Scenario("generate, fresh", lambda n: ["generate", *_generate_args(n)], _fresh),
    Scenario("generate, after an edit", lambda n: ["generate", *_generate_args(n)], _edited),
    Scenario("generate, nothing changed", lambda n: ["generate", *_generate_args(n)], _generated),
    Scenario("check, nothing stale", lambda n: ["check", *_generate_args(n)], _generated),
)


Timing = tuple[float, float, float]  # wall, user and system seconds of one process


def _timed(scenario: Scenario, n: int) -> Timing:
    scenario.before(n)
    return timed_process(*scenario.args(n), ok=(0, 1))


def pairs(scenario: Scenario, small: int, large: int) -> list[tuple[Timing, Timing]]:
    """(small, large) timings, each (wall, user, system), for PAIRS pairs in alternating order,
    after one untimed run of each size (parse cache and file system warm)."""
    _timed(scenario, small)
    _timed(scenario, large)
    result = []
    for i in range(PAIRS):
        if i % 2 == 0:
            a = _timed(scenario, small)
            b = _timed(scenario, large)
        else:
            b = _timed(scenario, large)
            a = _timed(scenario, small)
        result.append((a, b))
    return result


def _ratio(timings: list[tuple[Timing, Timing]], field: int) -> float:
    """The large size's median over the small size's, of one field of the timings."""
    small = statistics.median(a[field] for a, _ in timings)
    return statistics.median(b[field] for _, b in timings) / small if small else float("nan")


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (10_000, 50_000)
    print(f"scaling {small} -> {large} components: {PAIRS} interleaved pairs per command")
    print(host.pages_line(), flush=True)
    print(host.heap_line(small, large), flush=True)
    print(host.line("before"), flush=True)
    print(
        f"{'command':<26} {'wall s':>7} {'wall s':>7}  {'wall ratio per pair':<22} "
        f"{'median':>6}  {'user ratio':>10} {'sys ratio':>9}"
    )
    for scenario in (s for s in SCENARIOS if not ROWS or any(r in s.label for r in ROWS)):
        timings = pairs(scenario, small, large)
        ratios = [b[0] / a[0] for a, b in timings]
        wall_a = statistics.median(a[0] for a, _ in timings)
        wall_b = statistics.median(b[0] for _, b in timings)
        user, system = (_ratio(timings, k) for k in (1, 2))
        each = " ".join(f"{r:.2f}" for r in ratios)
        print(
            f"{scenario.label:<26} {wall_a:>7.2f} {wall_b:>7.2f}  {each:<22} "
            f"{statistics.median(ratios):>5.2f}x  {user:>9.2f}x {system:>8.2f}x",
            flush=True,
        )
    print(host.line("after"))


if __name__ == "__main__":
    main()
