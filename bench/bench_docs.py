"""Benchmark of the docs generator (prints timings; no assertions).

Targets: the pages of a 10k-component model in <= 10 s (diagrams skipped: at that size
they are split views, timed by bench_diagrams.py), and ``mkdocs build`` of the
reference model's site in <= 10 s.

    .venv/bin/python bench/bench_docs.py [--components 10000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from archmodel.api import load_project
from archmodel.generation import GenerateOptions
from archmodel.generators.docs import Diagrams, build_pages, generate
from archmodel.generators.docs.threat_source import threat_findings
from archmodel.writer import write_outputs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_model

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "models" / "reference"
FALLBACK = ROOT / "tests" / "generators" / "fixtures" / "docs" / "shop"
T = TypeVar("T")


def timed(label: str, func: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = func()
    print(f"{label:<58} {time.perf_counter() - start:7.3f} s")
    return result


def bench_large(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        model = write_model(Path(tmp) / "model", n)
        checked = timed(f"load + validate {n} components", lambda: load_project(model))
        threats = timed("threat analysis (not part of the target)", lambda: threat_findings(checked))
        pages = timed(
            f"pages for {n} components (target <= 10 s)",
            lambda: build_pages(checked.graph, threats, Diagrams({})),
        )
        size = sum(len(p) for p in pages.values())
        print(f"{'':<58} {len(pages)} pages, {size / 1e6:.1f} MB")


def bench_reference_build() -> None:
    model = REFERENCE if (REFERENCE / "archmodel.yaml").is_file() else FALLBACK
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        checked = load_project(model)
        files = timed(
            f"generate docs of {model.name} (with diagrams)",
            lambda: generate(checked, GenerateOptions()),
        )
        write_outputs(out, files)
        cmd = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(out / "docs" / "mkdocs.yml"),
        ]
        timed(
            f"mkdocs build --strict of {model.name} (target <= 10 s)", lambda: subprocess.run(cmd, check=True)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=10_000)
    args = parser.parse_args()
    bench_large(args.components)
    bench_reference_build()


if __name__ == "__main__":
    main()
