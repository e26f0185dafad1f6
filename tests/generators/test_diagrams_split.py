"""Large models: the data-flow view splits into an overview and bounded per-zone pages."""

from __future__ import annotations

import re
import subprocess

from archmodel.generators.diagrams import DiagramsOptions, generate
from archmodel.model import Component, Flow, Model, System, Zone
from archmodel.project import Project


def synthetic(zones: int, per_zone: int) -> Model:
    """``zones`` zones of ``per_zone`` services each, chained inside and across zones."""
    model = Model(system=System(name="Big"))
    trust = ["untrusted", "dmz", "internal", "restricted"]
    for z in range(zones):
        model.zones.append(Zone(id=f"z{z}", name=f"Zone {z}", trust=trust[z % 4]))
        for i in range(per_zone):
            model.components.append(
                Component(id=f"c{z}-{i}", kind="service", name=f"Service {z}.{i}", zone=f"z{z}")
            )
            if i:
                model.flows.append(
                    Flow.model_validate({"from": f"c{z}-{i - 1}", "to": f"c{z}-{i}", "protocol": "https"})
                )
        if z:
            model.flows.append(
                Flow.model_validate({"from": f"c{z - 1}-0", "to": f"c{z}-0", "protocol": "http"})
            )
    return model


def run(model: Model, max_nodes: int) -> dict[str, bytes]:
    options = DiagramsOptions(max_nodes=max_nodes, view="dataflow")
    return {str(p): b for p, b in generate(Project.from_model(model), options).items()}


def node_count(dot: str) -> int:
    return len(re.findall(r'^\s*"[^"]+" \[label=', dot, re.M))


def test_small_model_is_not_split() -> None:
    files = run(synthetic(2, 5), max_nodes=150)
    assert not any(p.startswith("diagrams/dataflow/") for p in files)
    assert "diagrams/dataflow.png" in files


def test_large_model_is_split_into_bounded_pages() -> None:
    files = run(synthetic(4, 60), max_nodes=50)
    pages = sorted(p for p in files if p.startswith("diagrams/dataflow/"))
    assert "diagrams/dataflow/z0.1.dot" in pages and "diagrams/dataflow/z3.2.mmd" in pages
    assert not any(p.endswith((".svg", ".png")) for p in pages)
    for path in pages:
        if path.endswith(".dot"):
            assert 0 < node_count(files[path].decode()) <= 50, path
    overview = files["diagrams/dataflow.dot"].decode()
    assert node_count(overview) == 4
    assert '"zone:z0" -> "zone:z1"' in overview and "PLAINTEXT" in overview
    assert files["diagrams/dataflow.svg"].lstrip().startswith(b"<?xml")


def test_split_pages_link_to_neighbour_pages() -> None:
    files = run(synthetic(3, 10), max_nodes=15)
    page = files["diagrams/dataflow/z1.dot"].decode()
    assert '"c0-0" ' not in page  # other zones appear as stubs, not as their components
    assert '"page:z0" -> "c1-0"' in page and '"c1-0" -> "page:z2"' in page
    for path, content in files.items():
        if path.endswith(".dot"):
            result = subprocess.run(["dot", "-Tsvg"], input=content, capture_output=True, check=False)
            assert result.returncode == 0, path
