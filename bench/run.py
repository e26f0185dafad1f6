"""Benchmark: load and validate synthetic models of 1k, 10k and 50k components.

Prints in-process timings per phase and the wall time of the whole
`archmodel validate` process (what a user or CI waits for). Run with `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_model

from archmodel.api import load_project
from archmodel.graph import ArchGraph
from archmodel.load import load
from archmodel.rules import check

HERE = Path(__file__).resolve().parent
SIZES = (1_000, 10_000, 50_000)


def _phases(model: Path) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    loaded = load(model)
    t1 = time.perf_counter()
    graph = ArchGraph(loaded.model)
    diagnostics = check(loaded, graph)
    t2 = time.perf_counter()
    assert not diagnostics, diagnostics[:3]
    load_project(model)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def _process(model: Path, runs: int = 3) -> float:
    exe = Path(sys.executable).parent / "archmodel"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "validate", str(model)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print(f"{'components':>10} {'flows':>7} {'load s':>8} {'rules s':>8} {'api s':>8} {'process s':>10}")
    for n in sizes:
        model = write_model(HERE / "models" / f"m{n}", n)
        load_s, rules_s, api_s = _phases(model)
        wall = _process(model)
        print(f"{n:>10} {2 * n - 2:>7} {load_s:>8.3f} {rules_s:>8.3f} {api_s:>8.3f} {wall:>10.3f}")


if __name__ == "__main__":
    main()
