"""Benchmark: `archmodel check` of a 10k-component model's generated outputs.

Generates once, then times whole `archmodel check` processes: in sync (the common CI
case) and after a one-byte edit (which needs a full regeneration to show a diff).
Usage: python bench/bench_check.py [N] [KINDS]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_model

HERE = Path(__file__).resolve().parent


def _timed(*args: str) -> tuple[float, int]:
    exe = Path(sys.executable).parent / "archmodel"
    start = time.perf_counter()
    result = subprocess.run([str(exe), *args], capture_output=True)
    return time.perf_counter() - start, result.returncode


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    kinds = sys.argv[2] if len(sys.argv) > 2 else ""
    model = write_model(HERE / "models" / f"m{n}", n)
    out = HERE / "models" / f"out{n}"
    only = ["--only", kinds] if kinds else []
    gen, code = _timed("generate", str(model), "-o", str(out), *only)
    assert code == 0, code
    files = sum(1 for p in out.rglob("*") if p.is_file())
    in_sync, code = _timed("check", str(model), "-o", str(out), *only)
    assert code == 0, code
    victim = next(p for p in sorted(out.rglob("*.json")) if p.name != ".archmodel-manifest.json")
    victim.write_bytes(victim.read_bytes() + b" ")
    stale, code = _timed("check", str(model), "-o", str(out), *only)
    assert code == 1, code
    print(
        f"{n} components, {files} files: generate {gen:.2f} s, check in sync {in_sync:.2f} s, "
        f"check with a stale file {stale:.2f} s"
    )


if __name__ == "__main__":
    main()
