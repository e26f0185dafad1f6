"""Benchmark: `archmodel generate --no-images` (every text artifact) and `check`, as whole
processes, on synthetic models; then the in-process time of each step at the first size.

Prints a table (no assertions). Targets: generate at 10k components <= 10 s, 50k within
5x of 10k, check with nothing stale <= 2 s. The sizes run one after the other, so a
ratio read off this table may span two speeds of the host: ``scaling.py`` measures the
ratio in interleaved pairs. The steps end with the file system's floor:
the same files created by a bare loop, and the same bytes written as one file.

    .venv/bin/python bench/bench_generate.py [N ...]      # default: 10000 50000

The whole-process rows, for two models of each size: the one ``bench/run.py`` times
(n components, 2n flows) and the same with two environments and a pipeline (Helm
values and manifests per environment, each environment's view analysed: about 30%
more files and twice the threat analysis). For each: a fresh generate (side by side,
then in one process), two runs after one component's name changed (cache on, as a
user runs it), one with nothing changed, and check. Outputs go below ``bench/models``
unless ``ARCHMODEL_BENCH_OUT`` names another directory (``/dev/shm`` shows the code's
cost without the disk's).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import host
from synthetic import write_model

HERE = Path(__file__).resolve().parent
# Where outputs go: a file system's cost of creating a hundred thousand files varies by
# an order of magnitude (by directory, even, on one ext4 disk), so it can be chosen.
OUT_DIR = Path(os.environ.get("ARCHMODEL_BENCH_OUT") or HERE / "models")
PIPELINE = """environments:
  - {id: dev, name: Dev, tier: dev}
  - {id: prod, name: Prod, tier: prod, availability_zones: 3}
pipeline:
  stages:
    - {id: source, kind: source, name: Git, tool: git}
    - {id: build, kind: build, name: Build, needs: [source]}
    - {id: deploy-dev, kind: deploy, name: Dev, environment: dev, needs: [build], tool: helm}
"""


def _process(*args: str, jobs: str = "", ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, workers included) of one whole process; an
    exit code other than ``ok`` stops the benchmark."""
    wall, user, system = timed_process(*args, jobs=jobs, ok=ok)
    return wall, user + system


def timed_process(*args: str, jobs: str = "", ok: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Wall, user and system seconds (workers included) of one whole process: user time
    is archmodel's own work, system time what the kernel charged for its memory and files."""
    exe = Path(sys.executable).parent / "archmodel"
    env = {**os.environ, "ARCHMODEL_JOBS": jobs} if jobs else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in ok:
        raise SystemExit(f"archmodel {' '.join(args)} failed:\n{result.stderr}")
    return elapsed, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def model(n: int, environments: bool = True) -> Path:
    """The model of ``n`` components that ``bench/run.py`` times, with two environments
    and a pipeline or without."""
    root = write_model(HERE / "models" / (f"g{n}" if environments else f"p{n}"), n)
    if environments:
        with (root / "zones.yaml").open("a") as f:
            f.write(PIPELINE)
    return root


def row(n: int, environments: bool) -> list[tuple[str, int, float, float]]:
    """(what, files, wall, cpu) for a fresh generate (side by side, then in one process),
    generate after one component's name changed (what a user runs most), generate with
    nothing changed, and check with nothing stale."""
    root = model(n, environments)
    out = OUT_DIR / f"{root.name}-out"
    args = [str(root), "-o", str(out), "--no-images"]
    rows = []
    for label, jobs in (("generate, fresh", ""), ("generate, fresh, 1 process", "1")):
        shutil.rmtree(out, ignore_errors=True)
        rows.append((label, *_process("generate", *args, jobs=jobs)))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    for i in range(2):
        _rename_one(root, f"Component {n // 2} edited {time.time_ns()}")
        rows.append((f"generate, after an edit ({i + 1})", *_process("generate", *args)))
    rows.append(("generate, nothing changed", *_process("generate", *args)))
    rows.append(("check, nothing stale", *_process("check", *args)))
    return [(label, files, wall, cpu) for label, wall, cpu in rows]


def _rename_one(root: Path, name: str) -> None:
    """Give the component in the middle a name never used before (so no earlier run's
    record in the cache matches): its pages, charts and register entries change."""
    path = root / "components.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    name: Component ", len(text) // 2)
    end = text.index("\n", start)
    path.write_text(f"{text[:start]}    name: {name}{text[end:]}", encoding="utf-8")


def steps(n: int) -> None:
    """Where the time of one in-process run goes (load, each generator, the writer)."""
    import dataclasses
    import gc

    from archmodel.api import valid_project
    from archmodel.runner import available_generators, load_all, order
    from archmodel.writer import write_outputs

    start = time.perf_counter()
    project = valid_project(model(n))
    print(f"  load + validate       {time.perf_counter() - start:7.2f} s")
    gc.disable()  # as the runner does while generators run
    generators = load_all(available_generators(), available_generators())
    results: dict[str, object] = {}
    everything: dict[str, bytes] = {}
    for name in order(generators):
        gen = generators[name]
        options = gen.options(images=False) if name == "diagrams" else gen.options()
        received = {need: results[need] for need in gen.needs}
        start = time.perf_counter()
        files = gen.generate(project, dataclasses.replace(options, **received))
        print(f"  {name:<21} {time.perf_counter() - start:7.2f} s  {len(files)} files")
        results[name] = files
        everything.update({str(p): b for p, b in files.items()})
    with tempfile.TemporaryDirectory(dir=OUT_DIR) as tmp:
        start = time.perf_counter()
        write_outputs(Path(tmp), everything)
        print(f"  write (fresh)         {time.perf_counter() - start:7.2f} s")
    floor(everything)


def floor(files: dict[str, bytes]) -> None:
    """What the file system alone costs: the same files created by a bare loop (no
    staging, no hashing, no survey), and the same bytes as one file. A fresh generate
    cannot be faster than the first line; the gap to the second is the per-file cost."""
    with tempfile.TemporaryDirectory(dir=OUT_DIR) as tmp:
        before, start = _cpu_self(), time.perf_counter()
        made: set[str] = set()
        for rel, content in files.items():
            parent = os.path.join(tmp, os.path.dirname(rel))
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            with open(os.path.join(tmp, rel), "wb") as f:
                f.write(content)
        wall, cpu = time.perf_counter() - start, _cpu_self() - before
        print(f"  floor: bare loop      {wall:7.2f} s  (cpu {cpu:.2f} s) {len(files)} files")
        before, start = _cpu_self(), time.perf_counter()
        with open(os.path.join(tmp, "one-file"), "wb") as f:
            for content in files.values():
                f.write(content)
        wall, cpu = time.perf_counter() - start, _cpu_self() - before
        print(f"  floor: one file       {wall:7.2f} s  (cpu {cpu:.2f} s) the same bytes")


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 50_000]
    print("archmodel generate --no-images and check (whole processes)")
    print(host.line("before"), flush=True)
    print(f"{'command':<28} {'environments':<13} {'components':>10} {'files':>8} {'wall s':>7} {'cpu s':>7}")
    for n in sizes:
        for environments in (False, True):
            kind = "2 + pipeline" if environments else "none"
            for label, files, wall, cpu in row(n, environments):
                print(f"{label:<28} {kind:<13} {n:>10} {files:>8} {wall:>7.2f} {cpu:>7.2f}", flush=True)
    print(host.line("after"))
    print(f"\nsteps at {sizes[0]} components (in process)")
    steps(sizes[0])


if __name__ == "__main__":
    main()
