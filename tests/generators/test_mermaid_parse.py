"""Every generated ``.mmd`` file is accepted by the real Mermaid parser.

The escaping tests check our own idea of a safe label; this one asks Mermaid itself
(``tests/tools/mermaid/parse.mjs``, one Node process for all files). It runs over the
reference model, every example, the same models split into pages, and a hostile model
whose every name, description and technology is made of strings that break Mermaid
when spliced in raw. Needs Node and ``npm ci --prefix tests/tools/mermaid``.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_diagrams_escaping import HOSTILE

import archmodel.generators.diagrams as diagrams
from archmodel.load import load
from archmodel.project import Project

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]
TOOL = ROOT / "tests" / "tools" / "mermaid"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not on PATH (Mermaid parse check)"),
    pytest.mark.skipif(
        not (TOOL / "node_modules").is_dir(),
        reason="tests/tools/mermaid/node_modules is missing: run `npm ci --prefix tests/tools/mermaid`",
    ),
]

# Strings that mean something to Mermaid's flowchart or sequence grammar, on top of
# the ones the escaping tests use; plus empty, blank and over-long text.
MERMAID_HOSTILE = [
    *HOSTILE,
    "%%{init: {'theme': 'dark'}}%%",
    "click a call alert(1)",
    "a:::cls",
    "#quot;",
    "&quot;&#35;",
    "<br/>",
    "a\u2028b\tc",
    "==> -.-> --o --x <--> ~~~",
    "-) ->> -->> -x --)",
    "participant x as y",
    "Note over a,b: hi",
    "loop forever",
    "rect rgb(0,0,0)",
    "box red evil",
    "end",
    "autonumber",
    "title: t",
    "`**md**`",
    "",
    " ",
    "x" * 300,
]
EVERYTHING = "".join(MERMAID_HOSTILE[:-1])
# Valid model ids that are Mermaid keywords or collide once ``-`` is rewritten.
IDS = ["end", "graph", "subgraph", "style", "class", "click", "default", "participant"]
IDS += ["box", "note", "a-b", "a_b", "a--b", "a__b", "flowchart", "direction", "linkstyle"]


def hostile_model() -> dict[str, object]:
    """A model (as YAML data) with hostile text in every free-text field."""
    text = MERMAID_HOSTILE
    kinds = ["actor", "web_client", "mobile_client", "external_system", "cdn", "waf"]
    kinds += ["load_balancer", "api_gateway", "service", "function", "database", "cache"]
    kinds += ["queue", "object_store", "identity_provider", "secrets_store", "monitoring"]
    trusts = ["untrusted", "dmz", "internal", "restricted"]
    levels = ["public", "internal", "confidential", "restricted"]
    protocols = ["https", "http", "grpc", "tcp", "sql", "kafka", "amqp", "other"]
    ids = IDS + [f"c{i}" for i in range(len(text) - len(IDS))]
    zones = [
        {"id": "outer", "name": EVERYTHING, "trust": "untrusted", "controls": ["evil"]},
        *(
            {"id": f"z{i}", "name": t, "trust": trusts[i % 4], "parent": "outer" if i % 2 else None}
            for i, t in enumerate(text[:8])
        ),
    ]
    data = [{"id": f"d{i}", "name": t, "classification": levels[i % 4]} for i, t in enumerate(text)]
    components = [
        {
            "id": cid,
            "kind": kinds[i % len(kinds)],
            "name": t,
            "technology": text[-i - 1],
            "description": EVERYTHING,
            "zone": f"z{i % 9}" if i % 9 < 8 else "outer",
            "stores": [f"d{i}"],
            "controls": ["evil"],
            "public": i % 5 == 0,
            **({"out_of_scope": t} if i % 7 == 3 else {}),
        }
        for i, (cid, t) in enumerate(zip(ids, text, strict=True))
    ]
    flows = [
        {
            "from": a,
            "to": b,
            "protocol": protocols[i % len(protocols)],
            **({"port": 1 + i} if i % 2 else {}),
            "data": [f"d{i}"],
            **({"returns": [f"d{i + 1}"]} if i % 3 else {}),
            "mode": "async" if i % 4 == 1 else "sync",
            "description": text[i],
        }
        for i, (a, b) in enumerate(itertools.pairwise(ids))
    ]
    steps = [f"{f['from']}->{f['to']}" for f in flows]
    scenarios = [{"id": "everything", "name": EVERYTHING, "steps": steps}]
    scenarios += [
        {"id": f"s{i}", "name": t, "steps": steps[i % len(steps) :][:3]} for i, t in enumerate(text)
    ]
    environments = [
        {"id": "dev", "name": text[0], "tier": "dev", "cloud": "aws", "description": EVERYTHING},
        {"id": "prod", "name": text[3], "tier": "prod", "cloud": "gcp", "controls": ["evil"]},
    ]
    stages = [
        {"id": "src", "kind": "source", "name": text[8], "tool": text[9]},
        {"id": "build", "kind": "build", "name": EVERYTHING, "needs": ["src"], "tool": text[2]},
        {"id": "dep", "kind": "deploy", "name": text[1], "needs": ["build"], "environment": "dev"},
        {"id": "ok", "kind": "approval", "name": text[4], "needs": ["dep"], "description": text[5]},
        {"id": "prod", "kind": "deploy", "name": text[6], "needs": ["ok"], "environment": "prod"},
    ]
    return {
        "archmodel": 1,
        "system": {"id": "hostile", "name": EVERYTHING, "description": EVERYTHING},
        "controls": [{"id": "evil", "layer": "network", "name": EVERYTHING, "description": text[7]}],
        "zones": [{k: v for k, v in z.items() if v is not None} for z in zones],
        "data": data,
        "components": components,
        "flows": flows,
        "environments": environments,
        "pipeline": {"stages": stages},
        "scenarios": scenarios,
    }


def write_mermaid(model_dir: Path, out: Path, max_nodes: int = 150) -> list[Path]:
    """Generate a model's diagrams and write its ``.mmd`` files under ``out``."""
    loaded = load(model_dir)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert not errors, errors
    files = diagrams.generate(
        Project.from_loaded(loaded), diagrams.DiagramsOptions(max_nodes=max_nodes, images=False)
    )
    written = []
    for name, content in files.items():
        if name.suffix == ".mmd":
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written.append(path)
    return written


def mermaid_parse(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, str(TOOL / "parse.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_generated_mermaid_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagrams, "render", lambda output: {})  # no SVG/PNG: only .mmd matters
    hostile = tmp_path / "hostile-model"
    hostile.mkdir()
    dumped = yaml.safe_dump(hostile_model(), allow_unicode=True, sort_keys=False)
    (hostile / "archmodel.yaml").write_text(dumped, encoding="utf-8")
    paths: list[Path] = []
    for model in [*MODELS, hostile]:
        paths += write_mermaid(model, tmp_path / model.name)
        # Small pages: the split overview and per-zone pages are Mermaid too.
        paths += write_mermaid(model, tmp_path / f"{model.name}-split", max_nodes=4)
    assert any("/dataflow/" in p.as_posix() for p in paths), "no split pages generated"
    assert any("/scenarios/" in p.as_posix() for p in paths)

    result = mermaid_parse(paths)

    failures = [ln for ln in result.stdout.splitlines() if not ln.endswith(": ok")]
    assert result.returncode == 0, "\n".join(failures) + result.stderr
    assert result.stdout.count(": ok\n") == len(paths), result.stdout + result.stderr


def test_parser_rejects_broken_mermaid(tmp_path: Path) -> None:
    """The check can fail: a raw ``"]`` ends a label early; an empty title (what a blank
    scenario name once produced) swallows the next line."""
    good = tmp_path / "good.mmd"
    good.write_text('flowchart LR\n  n_a["a #quot;b#quot;"] --> n_b\n', encoding="utf-8")
    flow = tmp_path / "flow.mmd"
    flow.write_text('flowchart LR\n  n_a["x"]"] --> n_b\n', encoding="utf-8")
    sequence = tmp_path / "sequence.mmd"
    sequence.write_text("sequenceDiagram\n  title \n  autonumber\n", encoding="utf-8")

    result = mermaid_parse([good, flow, sequence])

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{good}: ok"
    assert lines[1].startswith(f"{flow}: error: ")
    assert lines[2].startswith(f"{sequence}: error: ")
