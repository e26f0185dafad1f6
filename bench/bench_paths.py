"""Benchmark: attack paths and blast radius alone, on synthetic models with targets.

The model of ``synthetic.py`` stores no data, so it has no targets; this one adds what
the analysis works on: databases holding confidential and restricted data, vaults
handing credentials to the services, monitoring consoles, and entry points of each kind
(internet users, a partner system, insiders in a corporate zone). N components and about
2.5N flows: a call tree with cross links, so paths are some log2 N hops long, as in
real systems (a ring, as in ``synthetic.py``, makes every path N/2 hops long). Target:
the threat analysis of 10k components (paths and blast radius included) within 2 s. Run:
``.venv/bin/python bench/bench_paths.py [N ...]``.
"""

from __future__ import annotations

import gc
import sys
import time
from functools import partial
from pathlib import Path

from archmodel.load import Loaded, load
from archmodel.project import Project
from archmodel.threats import analyse
from archmodel.threats.attack_paths import analyse_paths
from archmodel.threats.blast import blast_radii
from archmodel.threats.context import ThreatContext

HERE = Path(__file__).resolve().parent
SIZES = (1_000, 10_000)
KINDS = ("service", "service", "database", "cache", "queue", "service", "database", "monitoring")


def _component(i: int) -> list[str]:
    kind = "secrets_store" if i % 97 == 5 else KINDS[i % len(KINDS)]
    zone = ("app", "data", "mgmt")[i % 3]
    lines = [f"  - id: c{i}", f"    kind: {kind}", f"    zone: {zone}", "    controls: [authentication]"]
    if kind == "database":
        lines.append(f"    stores: [{'cards' if i % 7 == 0 else 'orders'}]")
    elif kind == "secrets_store":
        lines.append("    stores: [db-creds]")
    return lines


def _flows(n: int) -> list[str]:
    lines = [
        "  - {from: users, to: c0, protocol: https}",
        "  - {from: partner, to: c1, protocol: https, authentication: api_key, data: [partner-key]}",
        "  - {from: operators, to: c7, protocol: https, controls: [sso]}",
    ]
    for i in range(n):  # a call tree (paths of log2 N hops), plus one call across it
        for j in (2 * i + 1, 2 * i + 2, (i * 31 + 17) % n):
            if i < j < n:
                lines.append(f"  - {{id: f{i}-{j}, from: c{i}, to: c{j}, protocol: https, data: [orders]}}")
        if i % 97 == 6:  # the service after each vault fetches credentials from it
            lines.append(
                f"  - {{id: fetch{i}, from: c{i}, to: c{i - 1}, protocol: https, returns: [db-creds]}}"
            )
    return lines


def write_model(directory: Path, n: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = [
        "archmodel: 1",
        f"system: {{name: Paths {n}}}",
        "zones:",
        "  - {id: internet, trust: untrusted}",
        "  - {id: corporate, trust: dmz}",
        "  - {id: app, trust: internal, controls: [security_groups]}",
        "  - {id: data, trust: restricted, controls: [security_groups, encryption_at_rest]}",
        "  - {id: mgmt, trust: internal, controls: [vpn]}",
        "data:",
        "  - {id: orders, classification: confidential, category: [personal]}",
        "  - {id: cards, classification: restricted, category: [payment_card]}",
        "  - {id: db-creds, classification: restricted, category: [credentials]}",
        "  - {id: partner-key, classification: confidential, category: [credentials]}",
        "components:",
        "  - {id: users, kind: actor, zone: internet}",
        "  - {id: partner, kind: external_system, zone: internet}",
        "  - {id: operators, kind: actor, zone: corporate}",
        *(line for i in range(n) for line in _component(i)),
        "flows:",
        *_flows(n),
    ]
    (directory / "archmodel.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    return directory


def _best(fn, runs: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _alone(loaded: Loaded, runs: int = 3) -> tuple[float, int]:
    """Paths and blast radius on a fresh context whose shared indexes (flows by pair,
    successors, controls, handled data) are built first, as the rules before them do."""
    best, count = float("inf"), 0
    for _ in range(runs):
        project = Project.from_loaded(loaded)
        ctx = ThreatContext(project, project.graph, project.model.policies)
        _ = (
            ctx.successors,
            ctx.predecessors,
            ctx.untrusted,
            [ctx.controls(c) for c in project.graph.components],
        )
        ctx.handled("")
        start = time.perf_counter()
        count = len(analyse_paths(ctx))
        blast_radii(ctx)
        best = min(best, time.perf_counter() - start)
    return best, count


def _analyse(loaded: Loaded) -> object:
    return analyse(Project.from_loaded(loaded))


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print(
        f"{'components':>10} {'flows':>7} {'paths+blast s':>13} {'threats s':>9} {'paths':>6} {'findings':>9}"
    )
    for n in sizes:
        loaded = load(write_model(HERE / "models" / f"paths{n}", n))
        alone_s, paths = _alone(loaded)
        # A fresh project per run: the graph's caches are part of what is timed.
        full_s, report = _best(partial(_analyse, loaded))
        found = len(report.findings) if report is not None else 0  # type: ignore[attr-defined]
        print(f"{n:>10} {len(loaded.model.flows):>7} {alone_s:>13.3f} {full_s:>9.3f} {paths:>6} {found:>9}")


if __name__ == "__main__":
    gc.disable()  # as the command line runs (see archmodel.cli.main)
    main()
