"""Benchmark of the infrastructure generators: terraform + helm + ci (prints timings).

Target: all three for a 10k-component model in <= 5 s (load and graph excluded).

    .venv/bin/python bench/bench_infra.py [--components 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthetic import write_model

from archmodel.generators import ci, helm, terraform
from archmodel.load import load
from archmodel.project import Project
from archmodel.runner import NoOptions

PIPELINE = """
environments:
  - {id: dev, name: Dev, tier: dev}
  - {id: prod, name: Prod, tier: prod, availability_zones: 3}
pipeline:
  stages:
    - {id: source, kind: source, name: Git, tool: git}
    - {id: build, kind: build, name: Build, needs: [source]}
    - {id: scan, kind: scan, name: Scan, needs: [source], tool: trivy}
    - {id: publish, kind: publish, name: Registry, needs: [build, scan], tool: ecr}
    - {id: deploy-dev, kind: deploy, name: Dev, environment: dev, needs: [publish], tool: helm}
    - {id: gate, kind: approval, name: Approve, needs: [deploy-dev]}
    - {id: deploy-prod, kind: deploy, name: Prod, environment: prod, needs: [gate], tool: helm}
"""


def timed(label: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"{label:<50} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_model(Path(tmp) / "model", args.components)
        with (root / "zones.yaml").open("a") as f:
            f.write(PIPELINE)
        loaded = timed(f"load {args.components} components", lambda: load(root))
        project = Project.from_loaded(loaded)
        options = NoOptions()
        start = time.perf_counter()
        total = 0
        for name, module in (("terraform", terraform), ("helm", helm), ("ci", ci)):
            files = timed(f"  {name}", lambda m=module: m.generate(project, options))
            size = sum(map(len, files.values())) / 1e6
            print(f"    {len(files)} files, {size:.1f} MB")
            total += len(files)
        elapsed = time.perf_counter() - start
        print(f"{'terraform + helm + ci':<50} {elapsed:7.3f} s  ({total} files; target <= 5 s)")


if __name__ == "__main__":
    main()
