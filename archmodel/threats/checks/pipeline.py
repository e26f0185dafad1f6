"""The delivery pipeline: what a change must pass before it reaches an environment."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from archmodel.model import Ref, Stage, StageKind, Tier
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride

TIER_STAKE = {Tier.prod: 3, Tier.staging: 1, Tier.dev: 0, Tier.other: 1}


def deploys(ctx: ThreatContext) -> Iterator[tuple[Stage, set[str], int]]:
    """Deploy stages with the ids of their upstream stages and the stake of their target."""
    for stage in ctx.graph.stages.values():
        if stage.kind is StageKind.deploy:
            env = ctx.graph.environments.get(stage.environment or "")
            stake = TIER_STAKE[env.tier] if env else 1
            yield stage, ctx.graph.stages_before(stage.id), stake


def _kinds(ctx: ThreatContext, ids: set[str]) -> set[StageKind]:
    return {ctx.graph.stages[s].kind for s in ids}


def stage_hit(stage: Stage, description: str, stake: int) -> Hit:
    return Hit(target=Ref.stage(stage.id), description=description, stake=stake)


def _is_prod(ctx: ThreatContext, stage: Stage) -> bool:
    env = ctx.graph.environments.get(stage.environment or "")
    return env is not None and env.tier == Tier.prod


@threat(
    "AMT190",
    "Deploy without an upstream test stage",
    stride=[Stride.tampering, Stride.denial_of_service],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    fix="Make the deploy stage depend (`needs`) on a test stage that must pass.",
)
def untested_deploy(ctx: ThreatContext) -> Iterator[Hit]:
    """Untested changes reach the environment; regressions in authorisation and input
    handling ship unnoticed."""
    for stage, upstream, stake in deploys(ctx):
        if StageKind.test not in _kinds(ctx, upstream):
            yield stage_hit(stage, f"Deploy stage '{stage.id}' runs with no test stage upstream.", stake)


@threat(
    "AMT191",
    "Deploy without an upstream security scan",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    cwe=["CWE-1395"],
    capec=["CAPEC-538"],
    fix="Add a scan stage (SAST, dependency and image scanning, e.g. trivy) upstream of the "
    "deploy and fail it on high findings.",
)
def unscanned_deploy(ctx: ThreatContext) -> Iterator[Hit]:
    """Known-vulnerable dependencies and images, and committed secrets, ship unless a scan
    gates the deploy."""
    for stage, upstream, stake in deploys(ctx):
        if StageKind.scan not in _kinds(ctx, upstream):
            yield stage_hit(stage, f"Deploy stage '{stage.id}' runs with no security scan upstream.", stake)


@threat(
    "AMT192",
    "Production deploy without staging or approval",
    stride=[Stride.tampering, Stride.denial_of_service],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    fix="Deploy to production only after a staging deploy (`needs`) or a manual approval "
    "stage by someone other than the author.",
)
def unguarded_prod_deploy(ctx: ThreatContext) -> Iterator[Hit]:
    """A change goes straight to production with no rehearsal and no second person: one
    compromised developer account is enough to ship malicious code."""
    for stage, upstream, stake in deploys(ctx):
        if not _is_prod(ctx, stage):
            continue
        kinds = _kinds(ctx, upstream)
        staged = any(
            ctx.graph.stages[s].kind is StageKind.deploy and not _is_prod(ctx, ctx.graph.stages[s])
            for s in upstream
        )
        if StageKind.approval not in kinds and not staged:
            yield stage_hit(
                stage,
                f"Production deploy '{stage.id}' has neither a staging deploy nor an approval upstream.",
                stake,
            )


@threat(
    "AMT193",
    "Deploy of artifacts that bypass the artifact registry",
    stride=[Stride.tampering],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    cwe=["CWE-494"],
    capec=["CAPEC-439"],
    fix="Publish each build once to an artifact registry (immutable tags, signed) and deploy "
    "only from there: make every path from build to deploy pass a publish stage.",
)
def unpublished_artifacts(ctx: ThreatContext) -> Iterator[Hit]:
    """Deploying straight from a build skips the immutable, scannable, signable artifact:
    what runs cannot be traced to what was tested."""
    stages = ctx.graph.stages
    builds = [s for s in stages.values() if s.kind is StageKind.build]
    if not builds:
        return
    succ = ctx.graph.stage_needed_by
    reached: set[str] = set()
    queue = deque(b.id for b in builds)
    while queue:  # one BFS from every build, never entering a publish stage
        for nxt in succ[queue.popleft()]:
            if nxt not in reached and stages[nxt].kind is not StageKind.publish:
                reached.add(nxt)
                queue.append(nxt)
    for stage, _, stake in deploys(ctx):
        if stage.id in reached:
            yield stage_hit(
                stage,
                f"Deploy stage '{stage.id}' is reachable from a build without passing a "
                "publish (artifact registry) stage.",
                stake,
            )


@threat(
    "AMT194",
    "Production deploy without post-deploy verification",
    stride=[Stride.denial_of_service, Stride.repudiation],
    mitigations=[],
    layer="infrastructure",
    weight=-2,
    fix="Add a verify (smoke tests, health checks with automatic rollback) or monitor stage "
    "after the production deploy.",
)
def unverified_prod_deploy(ctx: ThreatContext) -> Iterator[Hit]:
    """Without verification after a release, a broken or tampered deploy is found by users."""
    for stage, _, stake in deploys(ctx):
        after = _kinds(ctx, ctx.graph.stages_after(stage.id))
        if _is_prod(ctx, stage) and not after & {StageKind.verify, StageKind.monitor}:
            yield stage_hit(stage, f"Nothing verifies production deploy '{stage.id}' after it runs.", stake)
