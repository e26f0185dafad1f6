"""Data stores, queues and secrets: where data rests, and who may read it."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import AUTH_CONTROLS, DATA_STORES, HUMAN_CLIENTS, SECRET_CATEGORIES, Classification, Kind
from archmodel.threats.blast import user_owned
from archmodel.threats.checks.common import at_stake, component_hit, label, quoted, store_data
from archmodel.threats.checks.services import auth_hit, crosses_inward, open_inbound
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride

STORE_AUTH = AUTH_CONTROLS | {"iam"}


@threat(
    "AMT120",
    "Sensitive data stored without encryption at rest",
    stride=[Stride.information_disclosure],
    mitigations=["encryption_at_rest"],
    weight=-1,
    cwe=["CWE-311", "CWE-312"],
    capec=["CAPEC-37"],
    fix="Enable storage encryption (volume, database, bucket, topic) with managed keys and "
    "add `encryption_at_rest`.",
)
def unencrypted_store(ctx: ThreatContext) -> Iterator[Hit]:
    """Snapshots, backups, decommissioned disks and mis-shared volumes disclose whatever a
    store holds in clear."""
    for c in ctx.components(*DATA_STORES):
        data = store_data(ctx, c)
        if ctx.data_rank(data) >= Classification.internal.rank:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} holds {at_stake(ctx, data)} unencrypted at rest.",
                stake=ctx.data_rank(data),
                exposed=False,
            )


@threat(
    "AMT121",
    "Data store without backups",
    stride=[Stride.denial_of_service, Stride.tampering],
    mitigations=["backup"],
    weight=-1,
    fix="Take automated, immutable backups (point-in-time recovery, separate account) with "
    "a tested restore and add `backup`.",
)
def no_backup(ctx: ThreatContext) -> Iterator[Hit]:
    """Without backups, ransomware, a bad migration or an operator's mistake destroys the
    data for good."""
    for c in ctx.components(Kind.database, Kind.object_store):
        if c.stores:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} holds {at_stake(ctx, c.stores)} with no backup.",
                stake=ctx.stake(c, stored_only=True),
                exposed=False,
            )


@threat(
    "AMT122",
    "Sensitive data store without least-privilege access",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=["least_privilege"],
    weight=-1,
    cwe=["CWE-272", "CWE-732"],
    capec=["CAPEC-122"],
    fix="Give each client its own credentials or role scoped to the tables, keys or "
    "prefixes it needs (no shared admin user) and add `least_privilege`.",
)
def store_broad_access(ctx: ThreatContext) -> Iterator[Hit]:
    """When every client shares broad access, compromising any one of them exposes the
    whole store."""
    for c in ctx.components(*DATA_STORES):
        data = store_data(ctx, c)
        if ctx.data_rank(data) >= Classification.confidential.rank:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} holds {at_stake(ctx, data)}; its "
                f"clients {_clients(ctx, c.id) or '(none modelled)'} "
                "are not held to least privilege.",
                stake=ctx.data_rank(data),
                exposed=False,
            )


@threat(
    "AMT123",
    "Data store accepts unauthenticated connections",
    stride=[Stride.spoofing, Stride.information_disclosure, Stride.tampering],
    mitigations=["authentication", "iam", "mtls"],
    cwe=["CWE-306"],
    capec=["CAPEC-115"],
    fix="Require authentication on the store (database users, Redis ACL/AUTH, IAM "
    "policies) and record `authentication` or `iam` on it; a client's flow that says "
    "`authentication: none` needs its own `authentication`.",
)
def unauthenticated_store(ctx: ThreatContext) -> Iterator[Hit]:
    """Caches and databases reachable without credentials are read and rewritten by
    anything that reaches the network they sit in. One finding per store, naming every
    client that connects without authenticating (or that says `authentication: none`,
    whatever the store's controls)."""
    for c in ctx.components(Kind.database, Kind.cache, Kind.object_store):
        unauth = open_inbound(ctx, c.id)
        if unauth:
            yield auth_hit(
                ctx,
                c,
                unauth,
                f"{label(c).capitalize()} holds {at_stake(ctx, store_data(ctx, c))} "
                f"and does not authenticate {quoted(f.source for f in unauth)}.",
                exposed=any(f.source in ctx.untrusted for f in unauth),
            )


@threat(
    "AMT124",
    "Restricted data encrypted without managed keys",
    stride=[Stride.information_disclosure],
    mitigations=["kms"],
    weight=-2,
    cwe=["CWE-320"],
    fix="Encrypt with customer-managed KMS keys (key policy, rotation, audit of key use) and add `kms`.",
)
def no_kms(ctx: ThreatContext) -> Iterator[Hit]:
    """Provider-default keys cannot be revoked, rotated or audited separately from the
    data; restricted data warrants keys you control."""
    for c in ctx.components(*DATA_STORES):
        data = store_data(ctx, c)
        restricted = ctx.data_rank(data) >= Classification.restricted.rank
        if restricted and "encryption_at_rest" in ctx.controls(c.id):
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} encrypts {at_stake(ctx, data)} with keys "
                "that are not under key management.",
                stake=3,
                exposed=False,
            )


@threat(
    "AMT125",
    "Shared queue or cache without least-privilege writers",
    stride=[Stride.tampering],
    mitigations=["least_privilege"],
    weight=-1,
    cwe=["CWE-732", "CWE-284"],
    capec=["CAPEC-124"],
    fix="Give each writer its own credentials scoped to its own topics, key prefixes or "
    "databases (per-topic ACLs, Redis ACL users) and add `least_privilege` to the store.",
)
def shared_store_writers(ctx: ThreatContext) -> Iterator[Hit]:
    """When several components write to one queue or cache with the same rights, one
    compromised writer can forge or overwrite what the others publish and their consumers
    trust. A writer is the source of a flow into the store that sends `data` (or declares
    no data either way); a flow that only `returns` data is a reader. `least_privilege`
    counts on the store or its zone. Stores holding confidential or restricted data are
    AMT122's, so this rule covers public and internal data only."""
    for c in ctx.components(Kind.queue, Kind.cache):
        data = store_data(ctx, c)
        if ctx.data_rank(data) >= Classification.confidential.rank:
            continue
        writers = sorted({f.source for f in ctx.inbound(c.id) if f.data or not f.returns})
        if len(writers) >= 2:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} is written by {quoted(writers)} with no least-privilege "
                f"separation; it carries {at_stake(ctx, data)}.",
                exposed=False,
                present=ctx.local_controls(c.id),
            )


@threat(
    "AMT131",
    "Credentials stored outside a secrets vault",
    stride=[Stride.information_disclosure, Stride.elevation_of_privilege],
    mitigations=["secrets_vault"],
    cwe=["CWE-522", "CWE-798"],
    capec=["CAPEC-191"],
    fix="Move the credentials into a secrets vault (short-lived, rotated, access-logged) "
    "and keep only references in the store.",
)
def secrets_outside_vault(ctx: ThreatContext) -> Iterator[Hit]:
    """Secrets, keys and tokens in an ordinary store leak with its backups and to everyone
    who can read it, and are never rotated. A data asset is a secret by its `category`
    (`credentials` or `secrets`), never by its name. Credentials a person owns (a data
    asset whose `owner` is an actor or client app: users' password hashes in the user
    database) are what the store exists to check, not secrets of ours to move into a
    vault; a partner's API key is one we hold, and is."""
    data, users = ctx.graph.data, user_owned(ctx, HUMAN_CLIENTS)
    for c in ctx.components():
        if c.kind is Kind.secrets_store:
            continue
        secrets = [
            d
            for d in c.stores
            if d in data and d not in users and not SECRET_CATEGORIES.isdisjoint(data[d].category)
        ]
        if secrets:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} stores credentials {quoted(secrets)} outside a secrets vault.",
                stake=max(ctx.data_rank(secrets), 2),
            )


@threat(
    "AMT132",
    "Secrets store without scoped access",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=["least_privilege", "iam"],
    weight=-1,
    cwe=["CWE-284"],
    capec=["CAPEC-122"],
    fix="Scope vault policies per workload identity (read only its own paths) and add "
    "`least_privilege` or `iam`.",
)
def vault_without_policies(ctx: ThreatContext) -> Iterator[Hit]:
    """A vault every workload can read in full turns one compromised service into a
    compromise of every credential."""
    for c in ctx.components(Kind.secrets_store):
        yield component_hit(
            ctx,
            c,
            f"{label(c).capitalize()} has no per-workload access policy.",
            stake=3,
        )


@threat(
    "AMT154",
    "Queue without authentication",
    stride=[Stride.spoofing, Stride.tampering],
    mitigations=["authentication", "iam", "mtls", "oauth2", "jwt"],
    weight=-1,
    cwe=["CWE-306", "CWE-345"],
    capec=["CAPEC-148"],
    fix="Require client authentication on the broker (SASL/SCRAM, mTLS or IAM) with "
    "per-topic ACLs for producers and consumers.",
)
def unauthenticated_queue(ctx: ThreatContext) -> Iterator[Hit]:
    """Anyone who can reach an unauthenticated broker can publish forged messages that
    consumers act on, or consume messages meant for others."""
    for c in ctx.components(Kind.queue):
        if ctx.auth_controls(c.id):
            continue
        touching = [*ctx.inbound(c.id), *ctx.outbound(c.id)]
        loose = [f for f in touching if STORE_AUTH.isdisjoint(ctx.flow_auth(f))]
        if loose:
            clients = {f.source if f.target == c.id else f.target for f in loose}
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} lets {quoted(clients)} produce or consume "
                f"without authenticating; it carries {at_stake(ctx, store_data(ctx, c))}.",
                exposed=any(crosses_inward(ctx, f) for f in loose),
                present=ctx.auth_controls(c.id),
            )


def _clients(ctx: ThreatContext, store_id: str) -> str:
    return quoted([*ctx.predecessors.get(store_id, []), *ctx.successors.get(store_id, [])])
