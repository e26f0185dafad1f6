"""Compare OWASP pytm's findings on a translated model with archmodel's threat register.

Run after translate.py, with the project's interpreter::

    .venv/bin/python bench/pytm_compare/compare.py models/reference \\
        --tm bench/pytm_compare/out/tm.py --markdown bench/pytm_compare/RESULTS.md

Each pytm finding (threat SID on a named element) is classified:

* matched: archmodel reports a corresponding rule (``PYTM_TO_ARCHMODEL``) on the same
  element or a flow into it: open, accepted, or mitigated (``include_mitigated=True``);
* noise: a control archmodel credits for that rule is present on the element (pytm's
  condition wants attributes the model does not state), or the SID's own note says why;
* out_of_scope: a code-level class an architecture model cannot decide;
* gap: an architecture-level threat archmodel has no rule for.

archmodel findings no pytm finding matched are listed with why pytm cannot express them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from archmodel.load import load
from archmodel.model import Kind
from archmodel.project import Project
from archmodel.threats import Finding, analyse, catalog
from archmodel.threats.context import ThreatContext

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translate import effective_controls

ROOT = Path(__file__).resolve().parents[2]
PYTM_PYTHON = ROOT / ".venv/tools/pytm/bin/python"
ARCHMODEL = ROOT / ".venv/bin/archmodel"

MATCHED, NOISE, OUT, GAP = "matched", "noise", "out_of_scope", "gap"

# pytm SID -> (archmodel rules that report the same threat, category when none does, why).
PYTM_TO_ARCHMODEL: dict[str, tuple[tuple[str, ...], str, str]] = {
    "AA01": (("AMT110", "AMT153", "AMT123"), NOISE, "pass-through edge: callers are authenticated behind it"),
    "AA02": (("AMT110", "AMT153", "AMT123"), NOISE, "pass-through edge: callers are authenticated behind it"),
    "AA03": ((), OUT, "session/credential integrity is implementation detail"),
    "AA04": (("AMT111",), OUT, "server-side validation of client state is code-level"),
    "AC01": (
        ("AMT112", "AMT122", "AMT123", "AMT132", "AMT154"),
        NOISE,
        "no application principal to authorise on a pass-through or managed edge element",
    ),
    "AC02": (
        ("AMT122", "AMT125", "AMT132"),
        GAP,
        "database or object store below confidential shared by several writers (AMT125: queues, caches)",
    ),
    "AC05": (
        ("AMT150", "AMT151", "AMT153"),
        NOISE,
        "TLS present; pytm also wants certificate revocation checks",
    ),
    "AC06": (("AMT115",), NOISE, "managed service: hardening is the provider's (AMT115 covers self-managed)"),
    "AC07": (("AMT112",), NOISE, "authorisation is checked where principals exist (services, AMT112)"),
    "AC09": (("AMT112",), NOISE, "authorisation is checked where principals exist (services, AMT112)"),
    "AC10": (("AMT152",), NOISE, "TLS version not modelled; encrypted protocols assumed current"),
    "AC12": (("AMT112", "AMT122"), GAP, "workload least privilege is only checked on stores"),
    "AC13": (("AMT112", "AMT122"), GAP, "workload least privilege is only checked on stores"),
    "AC22": (("AMT130", "AMT131"), GAP, "no notion of credential lifetime / rotation"),
    "AC23": (("AMT130", "AMT131"), GAP, "no notion of credential lifetime / rotation"),
    "AC24": (("AMT130", "AMT131"), GAP, "hard-coded credentials: no notion of credential lifetime"),
    "API02": (("AMT111", "AMT101"), NOISE, "input validated upstream (WAF / gateway)"),
    "CR03": (("AMT110", "AMT135"), NOISE, "pass-through edge: no password login of its own"),
    "CR05": (
        ("AMT120", "AMT124"),
        NOISE,
        "pytm wants a named cipher on every server; archmodel checks stores",
    ),
    "CR06": (
        ("AMT153", "AMT151"),
        NOISE,
        "encrypted and authenticated by mTLS/tokens; pytm also wants a VPN",
    ),
    "CR08": (("AMT150", "AMT151", "AMT152"), NOISE, "TLS present"),
    "DE01": (("AMT150", "AMT151"), NOISE, "TLS present; pytm also wants certificate revocation checks"),
    "DE03": (("AMT150", "AMT151", "AMT152"), NOISE, "TLS present; pytm also wants a VPN on every flow"),
    "DE04": (
        ("AMT142",),
        NOISE,
        "store neither restricted nor high/critical, or keeps no log at all (AMT141)",
    ),
    "DO01": (("AMT102", "AMT103"), NOISE, "rate limiting / DDoS protection sit upstream on the path"),
    "DO02": (
        ("AMT102", "AMT103", "AMT116"),
        NOISE,
        "deploy sets cpu and memory limits, or the runtime is managed (AMT116 checks containers and VMs)",
    ),
    "DR01": (("AMT150", "AMT158"), NOISE, "TLS present"),
    "DS03": (("AMT115",), NOISE, "managed service: hardening is the provider's (AMT115 covers self-managed)"),
    "DS06": (("AMT158",), NOISE, "pytm also checks the sender's clearance: clients originate their requests"),
    "HA03": (("AMT115",), NOISE, "managed service: hardening is the provider's (AMT115 covers self-managed)"),
    "INP14": (
        ("AMT111", "AMT101"),
        NOISE,
        "pass-through edge: input is filtered by the WAF, validated behind",
    ),
    "LB01": (("AMT111", "AMT101"), NOISE, "input validated upstream (WAF / gateway)"),
}
# Every other SID of pytm 1.4.0's threatlib (reviewed one by one) is code-level.
CODE_LEVEL_NOTE = "code-level class (injection, XSS, XML, sessions, buffers): not decidable from a model"

# Why pytm cannot state what an archmodel rule checks (rules not listed: pytm could).
INEXPRESSIBLE: dict[str, str] = {
    **{f"AMT17{i}": "path/layer: defence in depth along a path" for i in range(1, 8)},
    **{f"AMT19{i}": "pipeline: no CI/CD stages in pytm" for i in range(5)},
    **{r: "environment: pytm has no environments" for r in ("AMT180", "AMT181", "AMT182", "AMT183")},
    **{r: "environment: pytm has no environments" for r in ("AMT185", "AMT186")},
    "AMT104": "zone/trust: pytm boundaries carry no trust level",
    "AMT105": "zone/trust: pytm boundaries carry no trust level",
    "AMT160": "zone/trust: pytm boundaries carry no trust level",
    "AMT114": "operations: pytm has no patching control",
    "AMT121": "operations: pytm has no backup control",
    "AMT130": "operations: pytm has no secrets-vault notion",
    "AMT131": "operations: pytm has no secrets-vault notion",
    "AMT135": "identity: pytm's only MFA condition (AC20) is client-side",
    "AMT140": "operations: pytm has no monitoring control",
    "AMT141": "operations: pytm has no logging control",
}
PASS_THROUGH = frozenset({Kind.cdn, Kind.waf, Kind.load_balancer})


@dataclass(frozen=True)
class Row:
    sid: str
    title: str
    target: str
    category: str
    why: str


def run_pytm(tm: Path, out: Path, python: Path) -> list[dict[str, str]]:
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), str(tm.resolve()), "--json", str(out.resolve())], check=True, cwd=tm.parent)
    findings: list[dict[str, str]] = json.loads(out.read_text(encoding="utf-8"))["findings"]
    return findings


def pytm_version(python: Path) -> str:
    code = "import importlib.metadata as m; print(m.version('pytm'))"
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def run_archmodel_cli(model: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [str(ARCHMODEL), "threats", str(model), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


def classify(model: Path, pytm: list[dict[str, str]]) -> tuple[list[Row], list[Finding], list[Finding]]:
    """pytm rows, archmodel findings (mitigated included), and those no pytm row matched."""
    loaded = Project.from_loaded(load(model))
    graph = loaded.graph
    report = analyse(loaded, include_mitigated=True)
    ctx = ThreatContext(loaded, graph, loaded.model.policies)
    mitigations = {r.id: set(r.mitigations) for r in catalog()}
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_target[str(f.target)].append(f)
    flows = {f.id: f for f in loaded.model.flows}
    used: set[str] = set()
    rows: list[Row] = []
    for p in pytm:
        sid, name = p["threat_id"], p["target"].removesuffix(" (response)")
        if name in flows:
            flow = flows[name]
            targets = [f"flow:{name}"]
            present = set(flow.controls) | ({"tls"} if flow.encrypted else set())
            kind = None
        else:
            # fleet-wide rules (patching, hardening, logging) report once per environment
            fleet = [t for t in by_target if t.startswith("environment:")]
            targets = [f"component:{name}", *(f"flow:{f.id}" for f in graph.flows_into(name)), *fleet]
            present = set(effective_controls(ctx, name))
            kind = graph.components[name].kind
        rules, fallback, note = PYTM_TO_ARCHMODEL.get(sid, ((), OUT, CODE_LEVEL_NOTE))
        hits = [f for t in targets for f in by_target.get(t, []) if f.rule in rules]
        credited = sorted(present & set().union(*(mitigations.get(r, set()) for r in rules)))
        if hits:
            used.update(f.id for f in hits)
            why = ", ".join(sorted({f"{f.rule} {f.status}" for f in hits}))
            row = Row(sid, p["description"], p["target"], MATCHED, why)
        elif credited:
            row = Row(
                sid,
                p["description"],
                p["target"],
                NOISE,
                f"{'/'.join(rules)} closed by {', '.join(credited)}",
            )
        elif fallback == GAP and kind in PASS_THROUGH:
            row = Row(sid, p["description"], p["target"], NOISE, "pass-through edge element")
        else:
            row = Row(sid, p["description"], p["target"], fallback, note)
        rows.append(row)
    unmatched = [f for f in report.findings if f.id not in used]
    return rows, report.findings, unmatched


def grouped(rows: list[Row]) -> list[str]:
    """One line per (SID, reason): ``- AC01 Privilege Abuse (3: alb, cdn, waf): why``."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        groups[(r.sid, r.title, r.why)].append(r.target)
    return [
        f"- {sid} {title} ({len(targets)}: {', '.join(sorted(targets))})"
        + ("" if why == CODE_LEVEL_NOTE else f": {why}")
        for (sid, title, why), targets in sorted(groups.items())
    ]


def render(
    version: str,
    model: Path,
    rows: list[Row],
    cli: list[dict[str, object]],
    every: list[Finding],
    rest: list[Finding],
) -> str:
    count: dict[str, int] = defaultdict(int)
    for r in rows:
        count[r.category] += 1
    status: dict[str, int] = defaultdict(int)
    for f in every:
        status[str(f.status)] += 1
    out = [
        f"# pytm {version} vs archmodel on `{model}`",
        "",
        "Generated by `compare.py`; mapping tables and caveats: README.md.",
        "",
        f"- pytm findings: **{len(rows)}** ({len({r.sid for r in rows})} threat ids on "
        f"{len({r.target for r in rows})} elements)",
        f"- archmodel `threats --format json` (open + accepted): **{len(cli)}**; with "
        f"`include_mitigated=True`: **{len(every)}** ({dict(sorted(status.items()))})",
        f"- pytm findings matched: **{count[MATCHED]}**; missed by archmodel: noise {count[NOISE]}, "
        f"out of scope {count[OUT]}, gap {count[GAP]}",
        f"- archmodel findings pytm does not report: **{len(rest)}** of {len(every)}",
        "",
        "## 1. pytm findings archmodel also reports (matched; archmodel id and status)",
        "",
    ]
    out += grouped([r for r in rows if r.category == MATCHED]) or ["- none"]
    out += ["", "## 2. pytm findings archmodel misses", ""]
    for category, heading in (
        (GAP, "genuine gaps (candidate rules)"),
        (NOISE, "noise: controls in the model pytm cannot see, or pytm-only conditions"),
        (OUT, "out of scope for an architecture model (unless noted: " + CODE_LEVEL_NOTE + ")"),
    ):
        chosen = [r for r in rows if r.category == category]
        if chosen:
            out += [f"### {heading}: {len(chosen)}", "", *grouped(chosen), ""]
    out += ["## 3. archmodel findings pytm does not report", ""]
    equivalents: dict[str, list[str]] = defaultdict(list)
    for sid, (rules, _, _) in sorted(PYTM_TO_ARCHMODEL.items()):
        for rule in rules:
            equivalents[rule].append(sid)
    for f in rest:
        why = INEXPRESSIBLE.get(f.rule)
        if why is None and f.is_open:
            why = f"pytm misses it (equivalents: {', '.join(equivalents[f.rule]) or 'none'})"
        elif why is None:
            sids = ", ".join(equivalents[f.rule])
            why = f"expressible, agreed closed: pytm's {sids} silent via mapped controls"
        out.append(f"- {f.id} ({f.status}) {f.title}: {why}")
    silent: dict[str, list[str]] = defaultdict(list)
    for rule in sorted(set(INEXPRESSIBLE) - {f.rule for f in every}):
        silent[INEXPRESSIBLE[rule]].append(rule)
    out += ["", "Rules pytm cannot express that found nothing on this model:", ""]
    out += [f"- {why}: {', '.join(rules)}" for why, rules in sorted(silent.items())]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="archmodel model (file or directory)")
    parser.add_argument(
        "--tm", type=Path, default=Path("bench/pytm_compare/out/tm.py"), help="translated tm.py"
    )
    parser.add_argument("--pytm-python", type=Path, default=PYTM_PYTHON, help="python of pytm's venv")
    parser.add_argument("--markdown", type=Path, help="also write the report here (RESULTS.md)")
    args = parser.parse_args(argv)
    pytm = run_pytm(args.tm, args.tm.parent / "pytm.json", args.pytm_python)
    cli = run_archmodel_cli(args.model)
    rows, every, rest = classify(args.model, pytm)
    text = render(pytm_version(args.pytm_python), args.model, rows, cli, every, rest)
    sys.stdout.write(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
