"""Benchmark: whole `archmodel` processes on synthetic models (default 10k and 50k components).

What a user or CI waits for: `validate` of a clean model, of one with one error and of
one with 2,000 warnings (every diagnostic located at its line), and `threats --format
json`. Each command runs a few times; the median wall time and the median CPU time of
the process (user + system) are printed. Numbers are printed, never asserted. For the
ratio between two sizes, ``scaling.py`` times them in interleaved pairs.
Usage: ``python bench/run.py [N ...]`` (``make bench``); ``RUNS=5`` for more runs.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import host
from synthetic import write_model

HERE = Path(__file__).resolve().parent
SIZES = (10_000, 50_000)
RUNS = int(os.environ.get("RUNS", "3"))
# (label, model variant: errors and warnings planted, command after the executable)
SCENARIOS = (
    ("validate, clean", (0, 0), ("validate",)),
    ("validate, one error", (1, 0), ("validate",)),
    ("validate, 2,000 warnings", (0, 2000), ("validate",)),
    ("threats --format json", (0, 0), ("threats", "--format", "json")),
)


def _timed(args: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of one process, and its exit code (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def _model(n: int, errors: int, warnings: int) -> Path:
    directory = HERE / "models" / f"m{n}-e{errors}-w{warnings}"
    if not (directory / "flows.yaml").exists():
        write_model(directory, n, errors=errors, warnings=warnings)
    return directory


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    exe = str(Path(sys.executable).parent / "archmodel")
    print(host.line("before"), flush=True)
    print(f"{'command':<26} {'components':>10} {'wall s':>7} {'cpu s':>7} {'exit':>4}  (median of {RUNS})")
    for n in sizes:
        for label, (errors, warnings), command in SCENARIOS:
            model = _model(n, errors, warnings)
            _timed([exe, *command, str(model)])  # warm the parse cache and the file system
            runs = [_timed([exe, *command, str(model)]) for _ in range(RUNS)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{label:<26} {n:>10} {wall:>7.2f} {cpu:>7.2f} {runs[-1][2]:>4}", flush=True)
    print(host.line("after"))


if __name__ == "__main__":
    main()
