"""Environments: resilience and operator access of where the system runs in production."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import CLIENTS, Cloud, Component, Criticality, Environment, Ref, Tier, self_managed
from archmodel.threats.checks.common import component_hit, label, quoted
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride


def env_hit(env: Environment, description: str, stake: int) -> Hit:
    return Hit(
        target=Ref.environment(env.id),
        description=description,
        stake=stake,
        present=frozenset(env.controls),
    )


def prod(ctx: ThreatContext) -> list[Environment]:
    return [e for e in ctx.analysed_environments if e.tier == Tier.prod]


def _at_least(ctx: ThreatContext, level: Criticality) -> list[Component]:
    return [c for c in ctx.components() if c.kind not in CLIENTS and c.criticality >= level]


def _top(components: list[Component]) -> int:
    return max((c.criticality.rank for c in components), default=1)


@threat(
    "AMT180",
    "Critical components in a single availability zone",
    stride=[Stride.denial_of_service],
    mitigations=["multi_az"],
    weight=-1,
    fix="Spread production over at least two availability zones (multi-AZ databases, "
    "replicas in each zone) and set `availability_zones` or add `multi_az`.",
)
def single_az(ctx: ThreatContext) -> Iterator[Hit]:
    """One zone outage (power, network, a bad deploy of the provider) takes down every
    critical component at once."""
    important = _at_least(ctx, Criticality.high)
    for env in prod(ctx):
        if env.availability_zones < 2 and important:
            yield env_hit(
                env,
                f"Production environment '{env.id}' runs in {env.availability_zones} "
                f"availability zone, with high/critical components {quoted(c.id for c in important)}.",
                _top(important),
            )


@threat(
    "AMT181",
    "Critical components in a single region",
    stride=[Stride.denial_of_service],
    mitigations=["multi_region"],
    weight=-2,
    fix="Define a recovery region (replicated data, infrastructure as code, rehearsed "
    "failover) that meets the RTO/RPO, and add `multi_region`.",
)
def single_region(ctx: ThreatContext) -> Iterator[Hit]:
    """A regional outage or account-level incident has no fallback when critical
    components exist in one region only."""
    critical = _at_least(ctx, Criticality.critical)
    for env in prod(ctx):
        if len(set(env.regions)) < 2 and critical:
            yield env_hit(
                env,
                f"Production environment '{env.id}' has one region "
                f"({', '.join(env.regions) or 'unspecified'}) for critical components "
                f"{quoted(c.id for c in critical)}.",
                3,
            )


@threat(
    "AMT182",
    "Production access without multi-factor authentication",
    stride=[Stride.spoofing, Stride.elevation_of_privilege],
    mitigations=["mfa"],
    weight=-1,
    cwe=["CWE-308"],
    capec=["CAPEC-560"],
    fix="Require MFA (hardware keys for administrators) for console, CLI and CI access to "
    "the production account, and add `mfa` to the environment.",
)
def prod_without_mfa(ctx: ThreatContext) -> Iterator[Hit]:
    """A phished cloud password without a second factor is full control of production."""
    for env in prod(ctx):
        yield env_hit(
            env,
            f"Operators reach production environment '{env.id}' ({env.cloud}) without MFA.",
            max(_top(_at_least(ctx, Criticality.low)), 2),
        )


@threat(
    "AMT183",
    "Production without identity and access management",
    stride=[Stride.elevation_of_privilege],
    mitigations=["iam", "sso"],
    weight=-1,
    cwe=["CWE-269"],
    capec=["CAPEC-122"],
    fix="Manage human and workload access to production with IAM roles through SSO "
    "(no shared or long-lived keys) and add `iam` or `sso`.",
)
def prod_without_iam(ctx: ThreatContext) -> Iterator[Hit]:
    """Shared accounts and static keys make access to production unattributable and
    impossible to revoke per person."""
    for env in prod(ctx):
        yield env_hit(
            env,
            f"Access to production environment '{env.id}' is not managed by IAM/SSO.",
            max(_top(_at_least(ctx, Criticality.low)), 2),
        )


@threat(
    "AMT185",
    "Critical workload runs a single replica",
    stride=[Stride.denial_of_service],
    mitigations=[],
    layer="physical",
    weight=-1,
    fix="Run at least two replicas (spread across zones) behind the load balancer.",
)
def single_replica(ctx: ThreatContext) -> Iterator[Hit]:
    """One crash, node drain or deploy makes a single-replica critical workload unavailable."""
    for c in _at_least(ctx, Criticality.high):
        if c.deploy is not None and c.deploy.replicas == 1 and self_managed(c):
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} is {c.criticality} but runs one replica.",
                stake=c.criticality.rank,
                exposed=False,
            )


@threat(
    "AMT186",
    "On-premises production without physical security",
    stride=[Stride.tampering, Stride.denial_of_service],
    mitigations=["data_center"],
    weight=-1,
    cwe=["CWE-1263"],
    capec=["CAPEC-390"],
    fix="Host production in a data centre with access control, CCTV and redundant power "
    "(evidence: SOC 2 / ISO 27001) and add `data_center`.",
)
def onprem_physical(ctx: ThreatContext) -> Iterator[Hit]:
    """On premises, physical access to servers is your problem, not a provider's."""
    for env in prod(ctx):
        if env.cloud == Cloud.onprem:
            yield env_hit(
                env,
                f"Production environment '{env.id}' is on premises with no documented physical security.",
                max(_top(_at_least(ctx, Criticality.low)), 1),
            )
