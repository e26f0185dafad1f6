"""Benchmark of the diagrams generator (prints timings; no assertions).

Targets: .mmd + .dot of a 10k-component model in <= 2 s; every diagram of the
reference model (with SVG/PNG rendering) in <= 5 s.

    .venv/bin/python bench/bench_diagrams.py [--components 10000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from archmodel.generators.diagrams import DiagramsOptions, dataflow_outputs, generate
from archmodel.generators.diagrams.to_dot import to_dot
from archmodel.generators.diagrams.to_mermaid import to_mermaid
from archmodel.graph import ArchGraph
from archmodel.load import load
from archmodel.model import Component, DataAsset, Flow, Model, System, Zone
from archmodel.project import Project

REFERENCE = Path(__file__).resolve().parent.parent / "models" / "reference"
KINDS = ["service", "service", "database", "cache", "queue", "function"]
TRUST = ["untrusted", "dmz", "internal", "restricted"]


def synthetic(components: int, zones: int = 40) -> Model:
    """Zones of services/stores; each component talks to its neighbour and across zones."""
    model = Model(system=System(name=f"Synthetic {components}"))
    model.data = [DataAsset(id="pii", name="PII", classification="confidential")]
    model.zones = [Zone(id=f"z{i}", name=f"Zone {i}", trust=TRUST[i % 4]) for i in range(zones)]
    for i in range(components):
        model.components.append(
            Component(
                id=f"c{i}",
                kind=KINDS[i % len(KINDS)],
                name=f"Component {i}",
                zone=f"z{i % zones}",
                technology="postgresql" if i % 6 == 2 else "python",
            )
        )
        if i:
            protocol = "https" if i % 3 else "http"
            model.flows.append(
                Flow.model_validate(
                    {"from": f"c{i - 1}", "to": f"c{i}", "protocol": protocol, "data": ["pii"]}
                )
            )
    return model


def timed(label: str, func: object) -> object:
    start = time.perf_counter()
    result = func()  # type: ignore[operator]
    print(f"{label:<55} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=10_000)
    args = parser.parse_args()

    model = synthetic(args.components)
    graph = ArchGraph(model)
    outputs = timed(
        f"dataflow scenes, {args.components} components (split)",
        lambda: dataflow_outputs(graph, 150),
    )
    timed(
        "  .mmd + .dot text of every page",
        lambda: [(to_mermaid(o.scene), to_dot(o.scene)) for o in outputs],  # type: ignore[attr-defined]
    )
    files = timed(
        f"generate(view=dataflow), {args.components} components",
        # The diagrams alone: open-threat marks need the threat analysis (bench_threats.py).
        lambda: generate(Project.from_model(model), DiagramsOptions(view="dataflow", threats=False)),
    )
    print(f"  {len(files)} files, {sum(map(len, files.values())) / 1e6:.1f} MB")  # type: ignore[arg-type]

    if (REFERENCE / "archmodel.yaml").exists():
        ref = load(REFERENCE)
        ref_files = timed(
            "reference model: all diagrams (with SVG/PNG)",
            lambda: generate(Project.from_loaded(ref), DiagramsOptions()),
        )
        print(f"  {len(ref_files)} files")  # type: ignore[arg-type]
    small = synthetic(40, zones=4)
    timed(
        "40-component model: all diagrams (with SVG/PNG)",
        lambda: generate(Project.from_model(small, REFERENCE / "archmodel.yaml"), DiagramsOptions()),
    )


if __name__ == "__main__":
    main()
