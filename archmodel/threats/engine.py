"""Run the threat catalog over a loaded model: hits → findings → locations → risk statuses.

The engine owns the rules every check would otherwise repeat: out-of-scope targets are
skipped by the context, a hit whose mitigations are present is dropped (not reported open),
one target gets one finding per rule, and every finding points at its model line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain

from archmodel import clock, collector
from archmodel.diagnostics import Diagnostic, diag
from archmodel.load.positions import Positions
from archmodel.model import Policies
from archmodel.project import Project
from archmodel.threats.attack_paths import AttackPath, analyse_paths
from archmodel.threats.blast import BlastRadius, blast_radii
from archmodel.threats.checks import builtin_rules
from archmodel.threats.context import ThreatContext
from archmodel.threats.custom import policy_rule
from archmodel.threats.environments import merge_environments
from archmodel.threats.problems import PLUGIN_DEPRECATED, PLUGIN_FAILED, POLICY_SHADOWED
from archmodel.threats.registry import Hit, Plugins, ThreatRule, load_plugins
from archmodel.threats.risks import apply_risks
from archmodel.threats.severity import Scorer
from archmodel.threats.silencing import Silencing, describe, is_blanket
from archmodel.threats.split import run_rules_over, worth_splitting
from archmodel.threats.types import Finding, FindingTemplate, Status, ThreatSeverity


@dataclass
class ThreatReport:
    """Findings (most severe first), the rules that ran, and warnings for the user."""

    findings: list[Finding]
    rules: list[ThreatRule]
    warnings: list[Diagnostic] = field(default_factory=list)
    silencing: Silencing = field(default_factory=Silencing)
    # Beside the findings: every weakest attack path and every component's blast radius.
    paths: list[AttackPath] = field(default_factory=list)
    blast: list[BlastRadius] = field(default_factory=list)

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.is_open]

    def failing(self, threshold: ThreatSeverity, baseline: Iterable[str] = ()) -> list[Finding]:
        """Open findings at or above ``threshold`` whose ids are not in the baseline."""
        known = set(baseline)
        return [f for f in self.open if f.severity.rank >= threshold.rank and f.id not in known]


@cache
def plugins() -> Plugins:
    """Third-party rules, loaded once per process."""
    return load_plugins()


def installed_rules() -> dict[str, ThreatRule]:
    """Built-in rules and plugin rules by id; a plugin cannot replace a built-in rule."""
    rules = {r.id: r for r in builtin_rules()}
    for r in plugins().rules:
        rules.setdefault(r.id, r)
    return rules


def catalog(policy: Policies | None = None) -> list[ThreatRule]:
    """Installed rules, minus the disabled ones, plus the policy's own rules.

    Validation refuses a policy rule that reuses a built-in id; one that collides with a
    plugin rule (unknown to validation) is left out here and reported by ``analyse``."""
    policy = policy or Policies()
    installed = installed_rules()
    rules = [r for r in installed.values() if r.id not in policy.disable]
    rules += [policy_rule(spec) for spec in policy.rules if spec.id not in installed]
    return sorted(rules, key=lambda r: r.id)


def analyse(
    project: Project,
    *,
    today: dt.date | None = None,
    policy: Policies | None = None,
    include_mitigated: bool = False,
    locate_findings: bool = True,
    environment: str | None = None,
) -> ThreatReport:
    """Threat findings of a (valid) model; ``today`` decides which risk decisions expired.

    The policy is the model's own (``x-policies``, validated on load) unless one is given.
    With ``environment``, that environment's view is analysed; otherwise each environment's
    view is, and each finding names the environments it applies to."""
    policy = policy or project.model.policies
    rules = catalog(policy)
    environment = environment or project.environment
    envs = [environment] if environment is not None else project.environment_ids
    views = {env: project.in_environment(env) for env in envs}
    where = _focus(project, views)
    focus = ThreatContext(where, where.graph, policy)
    # The view traced for paths and blast radius is also one the rules run on: one
    # context serves both, so its attack paths and blast radii are computed once.
    contexts = {env: focus if v is where else ThreatContext(v, v.graph, policy) for env, v in views.items()}
    positions = project.positions if locate_findings else None
    with collector.paused():  # tens of thousands of findings, none in a cycle
        if views:
            # The focus first: its tracing rules run in this process (their traces are the
            # report's); the register lists environments in the model's order.
            envs = sorted(contexts, key=lambda env: contexts[env] is not focus)
            per_env = _run([contexts[env] for env in envs], rules, include_mitigated, positions)
            found = dict(zip(envs, per_env, strict=True))
            findings = merge_environments({env: found[env] for env in contexts})
        else:
            findings = _run([focus], rules, include_mitigated, positions)[0]
    findings, warnings = apply_risks(findings, project, today or clock.today())
    warnings = [*_shadowed(policy), *_plugin_diagnostics(), *warnings]
    if locate_findings:  # from the bytes loaded, so no renderer reads a model file again
        warnings = project.positions.resolve(warnings)
    silenced = _silencing(policy, project, findings)
    return ThreatReport(
        sorted(findings, key=Finding.sort_key),
        rules,
        warnings,
        silenced,
        analyse_paths(focus),
        blast_radii(focus),
    )


def _focus(project: Project, views: dict[str, Project]) -> Project:
    """Where attack paths and blast radius are traced: the one environment analysed, else
    production (what an attacker faces), else the whole model."""
    if len(views) == 1:
        return next(iter(views.values()))
    return views.get(project.graph.focus_environment or "", project)


def _run(
    contexts: list[ThreatContext],
    rules: list[ThreatRule],
    include_mitigated: bool,
    positions: Positions | None,
) -> list[list[Finding]]:
    """Every rule over each model (or environment's view), for each: one finding per id,
    the most severe when several hits share it, each at its model line when ``positions``
    are given. A large model's rules run in two processes (several views split by view
    first), and each locates its own findings."""
    scorers = {id(ctx): Scorer(ctx) for ctx in contexts}

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        make = _Maker(rule, ctx, include_mitigated, scorers[id(ctx)], positions)
        return _one_per_id([f for f in map(make, rule.hits(ctx)) if f is not None])

    if worth_splitting(contexts[0]):
        per_context = run_rules_over(contexts, rules, run_rule)
    else:
        per_context = [[run_rule(rule, ctx) for rule in rules] for ctx in contexts]
    # A finding's id is its rule's id, a colon and its target: findings of two rules can
    # share an id only when a rule id holds a colon (no built-in rule's does).
    separate = not any(":" in rule.id for rule in rules)
    return [_one_per_id(list(chain.from_iterable(per_rule)), separate) for per_rule in per_context]


def _one_per_id(findings: list[Finding], unique: bool = False) -> list[Finding]:
    """One finding per id, the most severe (the first of equals, in rule order); ``unique``
    when no two can share an id. Run on each rule's findings in the process that made
    them, while they are fresh in memory: over the whole register of a large model, in
    one process, it took twice as long per finding."""
    if unique:
        return findings
    found: dict[str, Finding] = {}
    for finding in findings:
        previous = found.get(finding.id)
        if previous is None or finding.severity.rank > previous.severity.rank:
            found[finding.id] = finding
    return findings if len(found) == len(findings) else list(found.values())


def _silencing(policy: Policies, project: Project, findings: list[Finding]) -> Silencing:
    """Rules the policy switched off (those that exist) and blanket risk decisions."""
    installed = installed_rules()
    disabled = tuple(sorted({r for r in policy.disable if r in installed}))
    blanket = tuple(describe(r) for r in project.model.risks if is_blanket(r))
    decided = sum(1 for f in findings if "blanket" in f.extra)
    return Silencing(disabled, blanket, decided)


def severity_of(
    rule: ThreatRule, hit: Hit, scorer: Scorer | None = None
) -> tuple[ThreatSeverity, dict[str, list[str]] | None]:
    """Likelihood x impact (``archmodel.threats.severity``) shifted by the rule's weight, and
    the factors that set it; a hit that forces a severity keeps it (no factors). Without a
    scorer (no model at hand), what is at stake, the weight and one step when exposed."""
    if hit.severity is not None:
        return hit.severity, None
    if scorer is None:
        return ThreatSeverity.from_rank(hit.stake + rule.weight + (1 if hit.exposed else 0)), None
    how = (rule.way_in, rule.by_caller, rule.via_victim)
    return scorer.score(hit.ref, hit.stake, hit.exposed, rule.stride, rule.weight, *how)


# What differs from one finding of a rule to the next.
_VARYING = frozenset(
    {"severity", "factors", "target", "mitigations", "changes", "description", "status"}
    | {"file", "line", "column", "extra"}
)


class _Maker:
    """The findings of one rule's hits: None for a mitigated hit unless asked for, each at
    its model line when ``positions`` are given. What the rule decides is set once."""

    def __init__(
        self,
        rule: ThreatRule,
        ctx: ThreatContext,
        include_mitigated: bool,
        scorer: Scorer | None,
        positions: Positions | None,
    ) -> None:
        self.rule, self.ctx, self.scorer, self.positions = rule, ctx, scorer, positions
        self.include_mitigated = include_mitigated
        self.template = FindingTemplate(
            _VARYING,
            rule=rule.id,
            title=rule.title,
            stride=rule.stride,
            layer=rule.layer,
            fix=rule.fix,
            cwe=rule.cwe,
            capec=rule.capec,
        )

    def __call__(self, hit: Hit) -> Finding | None:
        rule = self.rule
        mitigations = hit.mitigations if hit.mitigations is not None else rule.mitigations
        present = hit.present  # a frozenset, unless a plugin passed another collection
        mitigated = not (present if isinstance(present, frozenset) else set(present)).isdisjoint(mitigations)
        if mitigated and not self.include_mitigated:
            return None
        where = hit.location
        origin = self.ctx.origin(*where) if where else None
        severity, factors = severity_of(rule, hit, self.scorer)
        positions = self.positions
        line, column = positions.locate(origin.file, origin.path) if origin and positions else (None, None)
        return self.template(
            severity=severity,
            factors=factors,
            target=hit.ref,
            mitigations=tuple(mitigations),
            changes=hit.changes,
            description=hit.description,
            status=Status.mitigated if mitigated else Status.open,
            file=origin.file if origin else None,
            line=line,
            column=column,
            extra={"path": origin.path} if origin else {},
        )


def _plugin_diagnostics() -> list[Diagnostic]:
    loaded = plugins()
    builtin = {r.id for r in builtin_rules()}
    clashes = [
        f"rule plugin rule {r.id} has the id of a built-in rule and was not loaded"
        for r in loaded.rules
        if r.id in builtin
    ]
    return [
        *(diag(PLUGIN_FAILED, message) for message in [*loaded.errors, *clashes]),
        *(diag(PLUGIN_DEPRECATED, message) for message in loaded.deprecated),
    ]


def _shadowed(policy: Policies) -> list[Diagnostic]:
    """Policy rules left out because a plugin rule already has their id."""
    installed = installed_rules()
    return [
        diag(POLICY_SHADOWED, f"policy rule {spec.id} is not run: a rule plugin defines the same id")
        for spec in policy.rules
        if spec.id in installed
    ]
