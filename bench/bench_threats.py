"""Benchmark: threat analysis of synthetic models (default 1k and 10k components, 2 flows each).

Prints per phase: load, the threat rules alone, locating findings at model lines, risk
application included, and rendering each register format (JSON, SARIF, Markdown, HTML,
CSV: what ``generate`` writes). Targets: analysis of the 10k-component / 20k-flow model
within 2 s, the five renderings within 1.5 s together.
Run: ``.venv/bin/python bench/bench_threats.py [N ...]``.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_model

from archmodel.findings.threats import threats_sarif as render_sarif
from archmodel.generators.threats import render_csv, render_html, render_json, render_md
from archmodel.load import load
from archmodel.project import Project
from archmodel.threats import analyse

HERE = Path(__file__).resolve().parent
SIZES = (1_000, 10_000)


def _best(fn, runs: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _analyse(loaded, locate: bool):  # type: ignore[no-untyped-def]
    return analyse(Project.from_loaded(loaded), locate_findings=locate)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    print(
        f"{'components':>10} {'flows':>7} {'load s':>8} {'rules s':>8} {'+locate s':>9} "
        f"{'json s':>7} {'sarif s':>8} {'md s':>6} {'html s':>7} {'csv s':>6} {'findings':>9}"
    )
    for n in sizes:
        model = write_model(HERE / "models" / f"m{n}", n)
        load_s, loaded = _best(partial(load, model), runs=1)
        rules_s, _ = _best(partial(_analyse, loaded, False))
        full_s, report = _best(partial(_analyse, loaded, True))
        json_s, _ = _best(partial(render_json, report, model))
        sarif_s, _ = _best(partial(render_sarif, report, model))
        md_s, _ = _best(partial(render_md, report, model))
        html_s, _ = _best(partial(render_html, report, model))
        csv_s, _ = _best(partial(render_csv, report, model))
        print(
            f"{n:>10} {len(loaded.model.flows):>7} {load_s:>8.3f} {rules_s:>8.3f} {full_s:>9.3f} "
            f"{json_s:>7.3f} {sarif_s:>8.3f} {md_s:>6.3f} {html_s:>7.3f} {csv_s:>6.3f} "
            f"{len(report.findings):>9}"
        )


if __name__ == "__main__":
    main()
