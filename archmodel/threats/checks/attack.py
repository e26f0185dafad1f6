"""Attack paths and blast radius as findings (AMT200-AMT212).

AMT200-AMT202: the weakest path from an entry point to sensitive data, credentials or
an admin interface lacks a layer the target requires (``archmodel.threats.attack_paths``);
the finding's target is the whole path. AMT210-AMT212: a component's blast radius
exceeds what its role needs (``archmodel.threats.blast``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from archmodel.model import BUILTIN_CONTROLS, LAYER_TITLE, Kind, Layer, Ref, operated_workload
from archmodel.threats.attack_paths import AttackPath, EntryKind, TargetClass, analyse_paths
from archmodel.threats.blast import blast_radii, credential_ids, holders, user_owned
from archmodel.threats.checks.common import component_hit, label, quoted
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Check, Hit, threat
from archmodel.threats.types import Stride

# Kinds whose job needs no credentials of others: they forward, cache or watch.
NO_CREDENTIALS_ROLE = frozenset(
    {Kind.cdn, Kind.waf, Kind.load_balancer, Kind.monitoring, Kind.cache, Kind.queue}
)
_PATH_LAYERS = (Layer.application, Layer.api, Layer.network, Layer.data, Layer.identity)


def _controls_of(ctx: ThreatContext, layers: tuple[Layer, ...]) -> tuple[str, ...]:
    """What closes a path: any control of the one missing layer. With several layers
    missing no single control does (each layer needs one), so none is claimed and the fix
    names the change: a control of each missing layer."""
    if len(layers) != 1:
        return ()
    return tuple(sorted(c for c, layer in ctx.graph.layer_of.items() if layer in layers))


def describe_path(p: AttackPath) -> str:
    """One line per path: where from, what, the hops with their layers, what is missing,
    and which hops the attacker passes with a login it already holds (their
    authentication is why a layer a reader may expect is not counted)."""
    hops = " > ".join(
        f"{c} [{', '.join(layers) or 'no layer'}]" if i or layers else c
        for i, (c, layers) in enumerate(p.hop_layers)
    )
    missing = ", ".join(LAYER_TITLE[x].lower() for x in p.missing)
    held = "".join(
        f" Whoever owns '{up}' logs in to '{c}' with {quoted(creds)}: its authentication there "
        "is not counted."
        for up, c, creds in p.held
    )
    return (
        f"From {p.entry.label} to {p.target.label}, the weakest path {hops} has no {missing} control.{held}"
    )


def _path_check(cls: TargetClass) -> Check:
    def check(ctx: ThreatContext) -> Iterator[Hit]:
        for (_entry, missing), paths in _by_root_cause(analyse_paths(ctx), cls).items():
            nearest = min(paths, key=lambda p: (len(p.components), p.target.id))
            others = sorted(p.target.id for p in paths if p is not nearest)
            more = f" So do the paths to {quoted(others)}." if others else ""
            yield Hit(
                target=Ref.path(nearest.components),
                description=describe_path(nearest) + more,
                stake=max(p.target.classification.rank for p in paths),
                exposed=nearest.entry.kind is EntryKind.internet,
                where=("components", nearest.target.id),
                mitigations=_controls_of(ctx, missing),
            )

    check.__doc__ = (
        f"Attack path: the weakest way from an entry point (the internet, a partner, an insider "
        f"in a named zone) to {_WHAT[cls]} lacks a security layer that the target's "
        "classification requires, so one failing control on the way exposes it."
    )
    return check


def _by_root_cause(
    paths: list[AttackPath], cls: TargetClass
) -> dict[tuple[str, tuple[Layer, ...]], list[AttackPath]]:
    """Weak paths of one target class by entry point and missing layers: one root cause,
    one finding (on the nearest target, naming the others)."""
    groups: dict[tuple[str, tuple[Layer, ...]], list[AttackPath]] = {}
    for p in paths:
        if p.target.cls is cls and p.missing:
            groups.setdefault((p.entry.id, p.missing), []).append(p)
    return groups


_WHAT = {
    TargetClass.data: "confidential or restricted data",
    TargetClass.credentials: "credentials (a secrets store, an identity provider or data of "
    "category credentials/secrets)",
    TargetClass.admin: "an administrative interface (monitoring, `admin` tag, SSH/SMB)",
}
_PATH_RULES: dict[TargetClass, tuple[str, str, list[Stride], list[str], list[str]]] = {
    TargetClass.data: (
        "AMT200",
        "Attack path to sensitive data lacks a required layer",
        [Stride.information_disclosure, Stride.tampering],
        ["CWE-693"],
        ["CAPEC-554"],
    ),
    TargetClass.credentials: (
        "AMT201",
        "Attack path to credentials lacks a required layer",
        [Stride.spoofing, Stride.elevation_of_privilege],
        ["CWE-522"],
        ["CAPEC-560"],
    ),
    TargetClass.admin: (
        "AMT202",
        "Attack path to an administrative interface lacks a required layer",
        [Stride.elevation_of_privilege],
        ["CWE-284"],
        ["CAPEC-122"],
    ),
}


def _path_rule(cls: TargetClass) -> Callable[..., object]:
    rule_id, title, stride, cwe, capec = _PATH_RULES[cls]
    return threat(
        rule_id,
        title,
        stride=stride,
        mitigations=sorted(c for c, (layer, _) in BUILTIN_CONTROLS.items() if layer in _PATH_LAYERS),
        fix="Add a control of each missing layer on the path (on a component, flow or zone it "
        "crosses, or on the environment), or route the entry through components that have them.",
        layer="network",
        cwe=cwe,
        capec=capec,
        scope="path",
    )(_path_check(cls))


PATH_RULES = tuple(_path_rule(cls) for cls in TargetClass)


@threat(
    "AMT210",
    "Credential shared by several workloads",
    stride=[Stride.spoofing, Stride.elevation_of_privilege],
    mitigations=["least_privilege"],
    weight=-1,
    cwe=["CWE-269", "CWE-250"],
    capec=["CAPEC-560"],
    fix="Give each workload its own credential (per-service database users, per-workload "
    "vault paths) and mark it `least_privilege` once scoped.",
)
def shared_credential(ctx: ThreatContext) -> Iterator[Hit]:
    """One credential handed to many workloads: owning any of them is owning all of
    their access, and rotating it breaks them all at once. One finding per credential,
    naming every holder, on the first holder not yet scoped (``least_privilege``): that
    control closes it when that holder is the last; with several left, no one control
    does and the finding lists none."""
    users = user_owned(ctx)
    comps = ctx.graph.components
    for d, held in sorted(holders(ctx).items()):
        workloads = sorted(h for h in held if operated_workload(comps[h]) and ctx.in_scope(h))
        if d in users or len(workloads) < 2:
            continue
        unscoped = [w for w in workloads if "least_privilege" not in ctx.local_controls(w)]
        target = comps[(unscoped or workloads)[0]]
        hit = component_hit(
            ctx,
            target,
            f"Credential '{d}' is held by {quoted(workloads, HOLDERS_SHOWN)}: whoever owns one "
            f"of them acts as all of them.{_scoping(workloads, unscoped)}",
            stake=max(ctx.data_rank([d]), 1),
            exposed=any(ctx.exposed(w) for w in workloads),
            present=ctx.local_controls(target.id),
        )
        yield dataclasses.replace(hit, mitigations=()) if len(unscoped) > 1 else hit


HOLDERS_SHOWN = 20  # a grouped finding names its holders, up to a register line's worth


def _scoping(workloads: list[str], unscoped: list[str]) -> str:
    if not unscoped:
        return " Each holder is scoped."
    if len(unscoped) == len(workloads):
        return ""
    return f" Not yet scoped: {quoted(unscoped, HOLDERS_SHOWN)}."


@threat(
    "AMT211",
    "Credentials reach beyond what the component calls",
    stride=[Stride.elevation_of_privilege],
    mitigations=["least_privilege"],
    cwe=["CWE-250", "CWE-269"],
    capec=["CAPEC-122"],
    fix="Scope the component's credentials to the stores it calls (its own database user, "
    "vault policy or IAM role) and mark it `least_privilege`.",
)
def reach_beyond_role(ctx: ThreatContext) -> Iterator[Hit]:
    """Blast radius beyond the role: the credentials a component holds open components it
    never calls, so owning it reaches further than its job needs."""
    for b in blast_radii(ctx):
        c = ctx.graph.components[b.component]
        if not b.opens or c.kind in (Kind.secrets_store, Kind.identity_provider):
            continue
        yield component_hit(
            ctx,
            c,
            f"Owning {label(c)} gives credentials {quoted(b.credentials)} that open "
            f"{quoted(b.opens)}, which it does not call itself.",
            stake=max(b.top, 1),
            present=ctx.local_controls(c.id),
        )


@threat(
    "AMT212",
    "Credentials sent to a component whose role needs none",
    stride=[Stride.information_disclosure, Stride.elevation_of_privilege],
    mitigations=["dlp"],
    weight=-1,
    cwe=["CWE-532", "CWE-200"],
    capec=["CAPEC-37"],
    fix="Keep credentials out of what monitoring, caches, queues and the edge receive "
    "(scrub telemetry, fetch secrets only where used) or add `dlp` where it is scrubbed.",
)
def credentials_beyond_role(ctx: ThreatContext) -> Iterator[Hit]:
    """A monitoring console, cache, queue or edge component that receives other parties'
    credentials widens the blast radius of its own compromise to everything they open.
    (Credentials it stores are AMT131's; a user's own credentials in transit are not; a
    credential on a call that authenticates to it is the caller's login, which it checks,
    as a database does.)"""
    users = user_owned(ctx)
    creds = credential_ids(ctx) - users
    for c in ctx.components(*NO_CREDENTIALS_ROLE):
        received = {d for f in ctx.inbound(c.id) if not f.authenticated for d in f.data} | {
            d for f in ctx.outbound(c.id) for d in f.returns
        }
        got = sorted((received & creds) - set(c.stores))
        if got:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} receives credentials {quoted(got)} that its role does not need.",
                stake=max(ctx.data_rank(got), 1),
                present=ctx.controls(c.id),
            )
