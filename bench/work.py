"""Benchmark: how the work of each command grows from one model size to a larger one,
counted rather than timed.

``scaling.py`` times each command at two sizes; the ratio of the times is what a user
waits, but on this kind of host it also holds the machine: a model of 10k components
and its analysis fit in a few hundred megabytes, 50k in more than a gigabyte, and every
look-up into a larger heap misses the caches more often. This script separates the two.
It runs each command once per size in one process (``ARCHMODEL_JOBS=1``, so no worker
does work it cannot see) under ``cProfile`` and prints the number of Python function
calls each made: a count of the work done, the same on every run and on every host. A
ratio of calls at 5x the model is the code's growth; what the time ratio adds to it is
the machine's.

    .venv/bin/python bench/work.py [SMALL LARGE]     # default: 10000 50000
    ROWS="threats" .venv/bin/python bench/work.py    # only the rows naming these

Profiling slows a command about twice over: a run of every row at 50k components takes
several minutes. The rows and models are ``scaling.py``'s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling import ROWS, SCENARIOS, Scenario

# Run in a fresh interpreter: the command line under the profiler, in this process only;
# prints the number of calls (every call, and primitive ones: not recursive).
_COUNTER = """
import cProfile, gc, pstats, sys
gc.disable()
from archmodel.cli.main import cli
profile = cProfile.Profile()
try:
    profile.runcall(cli.main, args=sys.argv[1:], prog_name="archmodel")
except SystemExit as exc:
    if exc.code not in (None, 0, 1):
        raise
stats = pstats.Stats(profile)
print(stats.total_calls, stats.prim_calls, file=sys.stderr)
"""


def calls(scenario: Scenario, n: int) -> int:
    """The Python function calls one run of ``scenario`` at size ``n`` makes."""
    scenario.before(n)
    env = {**os.environ, "ARCHMODEL_JOBS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _COUNTER, *scenario.args(n)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"archmodel {' '.join(scenario.args(n))} failed:\n{done.stderr}")
    return int(done.stderr.split()[-2])


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (10_000, 50_000)
    print(f"work {small} -> {large} components: Python function calls of one run in one process")
    print(f"{'command':<26} {'calls':>12} {'calls':>12}  {'ratio':>6}")
    for scenario in (s for s in SCENARIOS if not ROWS or any(r in s.label for r in ROWS)):
        a, b = calls(scenario, small), calls(scenario, large)
        print(f"{scenario.label:<26} {a:>12,} {b:>12,}  {b / a:>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
