"""Benchmark: `archmodel generate --no-images` (every text artifact) and `check`, as whole
processes, on synthetic models; then the in-process time of each step at the first size.

Prints a table (no assertions). Targets: generate at 10k components <= 10 s, 50k within
5x of 10k, check with nothing stale <= 2 s.

    .venv/bin/python bench/bench_generate.py [N ...]      # default: 10000 50000
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_model

HERE = Path(__file__).resolve().parent
PIPELINE = """environments:
  - {id: dev, name: Dev, tier: dev}
  - {id: prod, name: Prod, tier: prod, availability_zones: 3}
pipeline:
  stages:
    - {id: source, kind: source, name: Git, tool: git}
    - {id: build, kind: build, name: Build, needs: [source]}
    - {id: deploy-dev, kind: deploy, name: Dev, environment: dev, needs: [build], tool: helm}
"""


def _process(*args: str) -> float:
    exe = Path(sys.executable).parent / "archmodel"
    start = time.perf_counter()
    result = subprocess.run([str(exe), *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"archmodel {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def model(n: int) -> Path:
    root = write_model(HERE / "models" / f"g{n}", n)
    with (root / "zones.yaml").open("a") as f:
        f.write(PIPELINE)
    return root


def row(n: int) -> tuple[int, int, float, float, float]:
    root = model(n)
    out = HERE / "models" / f"g{n}-out"
    shutil.rmtree(out, ignore_errors=True)
    args = [str(root), "-o", str(out), "--no-images"]
    fresh = _process("generate", *args)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    again = _process("generate", *args)
    check = _process("check", *args)
    return n, files, fresh, again, check


def steps(n: int) -> None:
    """Where the time of one in-process run goes (load, each generator, the writer)."""
    import dataclasses
    import gc
    import tempfile

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
    with tempfile.TemporaryDirectory(dir=HERE / "models") as tmp:
        start = time.perf_counter()
        write_outputs(Path(tmp), everything)
        print(f"  write (fresh)         {time.perf_counter() - start:7.2f} s")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 50_000]
    print("archmodel generate --no-images (whole process, wall seconds)")
    print(f"{'components':>10} {'files':>8} {'generate':>9} {'again':>7} {'check':>7}")
    for n in sizes:
        n, files, fresh, again, check = row(n)
        print(f"{n:>10} {files:>8} {fresh:>9.2f} {again:>7.2f} {check:>7.2f}", flush=True)
    print(f"\nsteps at {sizes[0]} components (in process)")
    steps(sizes[0])


if __name__ == "__main__":
    main()
