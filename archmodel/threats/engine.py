"""Run the threat catalog over a loaded model: hits → findings → locations → risk statuses.

The engine owns the rules every check would otherwise repeat: out-of-scope targets are
skipped by the context, a hit whose mitigations are present is dropped (not reported open),
one target gets one finding per rule, and every finding points at its model line.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from archmodel import clock
from archmodel.catalog import Severity
from archmodel.diagnostics import Diagnostic
from archmodel.load.positions import Positions
from archmodel.project import Project
from archmodel.threats import checks  # noqa: F401  (registers the built-in catalog)
from archmodel.threats.context import ThreatContext
from archmodel.threats.custom import policy_rule
from archmodel.threats.policy import Policy, read_policy
from archmodel.threats.registry import REGISTRY, Hit, ThreatRule, load_plugins
from archmodel.threats.risks import apply_risks
from archmodel.threats.types import Finding, Status, ThreatSeverity

PLUGIN_ERROR = "AMT004"


@dataclass
class ThreatReport:
    """Findings (most severe first), the rules that ran, and warnings for the user."""

    findings: list[Finding]
    rules: list[ThreatRule]
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.is_open]

    def failing(self, threshold: ThreatSeverity, baseline: Iterable[str] = ()) -> list[Finding]:
        """Open findings at or above ``threshold`` whose ids are not in the baseline."""
        known = set(baseline)
        return [f for f in self.open if f.severity.rank >= threshold.rank and f.id not in known]


@cache
def _plugin_errors() -> tuple[str, ...]:
    return tuple(load_plugins())


def catalog(policy: Policy | None = None) -> list[ThreatRule]:
    """Built-in and plugin rules, minus the disabled ones, plus the policy's own rules."""
    _plugin_errors()
    policy = policy or Policy()
    rules = [r for r in REGISTRY.values() if r.id not in policy.disabled]
    rules += [policy_rule(spec) for spec in policy.rules if spec.id not in REGISTRY]
    return sorted(rules, key=lambda r: r.id)


def analyse(
    project: Project,
    *,
    today: dt.date | None = None,
    policy: Policy | None = None,
    include_mitigated: bool = False,
    locate_findings: bool = True,
) -> ThreatReport:
    """Threat findings of a (valid) model; ``today`` decides which risk decisions expired."""
    policy = policy or read_policy(project.root)
    ctx = ThreatContext(project, project.graph, policy)
    rules = catalog(policy)
    found: dict[str, Finding] = {}
    for rule in rules:
        for hit in rule.hits(ctx):
            finding = _finding(rule, hit, ctx, include_mitigated)
            if finding is None:
                continue
            previous = found.get(finding.id)
            if previous is None or finding.severity.rank > previous.severity.rank:
                found[finding.id] = finding
    findings = list(found.values())
    if locate_findings:
        findings = _located_all(findings, project.positions)
    findings, warnings = apply_risks(findings, project, today or clock.today())
    warnings = [*policy.diagnostics, *_plugin_diagnostics(), *warnings]
    return ThreatReport(sorted(findings, key=Finding.sort_key), rules, warnings)


def severity_of(rule: ThreatRule, hit: Hit) -> ThreatSeverity:
    """What is at stake (0-3), the rule's weight, and one step more when internet-facing."""
    if hit.severity is not None:
        return hit.severity
    return ThreatSeverity.from_rank(hit.stake + rule.weight + (1 if hit.exposed else 0))


def _finding(rule: ThreatRule, hit: Hit, ctx: ThreatContext, include_mitigated: bool) -> Finding | None:
    mitigations = hit.mitigations if hit.mitigations is not None else rule.mitigations
    mitigated = not set(mitigations).isdisjoint(hit.present)
    if mitigated and not include_mitigated:
        return None
    origin = ctx.origin(*hit.where) if hit.where else None
    return Finding(
        rule=rule.id,
        title=rule.title,
        stride=rule.stride,
        severity=severity_of(rule, hit),
        target=hit.target,
        mitigations=tuple(mitigations),
        layer=rule.layer,
        description=hit.description,
        fix=rule.fix,
        cwe=rule.cwe,
        capec=rule.capec,
        status=Status.mitigated if mitigated else Status.open,
        file=origin.file if origin else None,
        extra={"path": origin.path} if origin else {},
    )


def _located_all(findings: list[Finding], positions: Positions) -> list[Finding]:
    """Locate every finding; the cyclic collector is paused meanwhile, since it would scan
    the whole loaded model again and again while tens of thousands of findings are copied."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [_located(f, positions) for f in findings]
    finally:
        if enabled:
            gc.enable()


def _located(f: Finding, positions: Positions) -> Finding:
    if f.file is None:
        return f
    line, column = positions.locate(f.file, f.extra.get("path", ()))
    # A copy of the frozen finding with its position; dataclasses.replace would run
    # __init__ again, five times the cost over tens of thousands of findings.
    located: Finding = object.__new__(Finding)
    located.__dict__.update(f.__dict__, line=line, column=column)
    return located


def _plugin_diagnostics() -> list[Diagnostic]:
    return [
        Diagnostic(code=PLUGIN_ERROR, severity=Severity.warning, message=message)
        for message in _plugin_errors()
    ]
