"""Attack paths: entry points, targets, the weakest path and the layers on each hop."""

from __future__ import annotations

from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.model import Layer
from archmodel.threats import analyse
from archmodel.threats.attack_paths import PUBLIC, AttackPath, EntryKind, TargetClass, analyse_paths, entries
from archmodel.threats.context import ThreatContext

HEAD = "archmodel: 1\nsystem: {name: T}\n"
ZONES = """zones:
  - {id: net, trust: untrusted}
  - {id: office, trust: dmz}
  - {id: app, trust: internal, controls: [security_groups]}
data:
  - {id: d, name: D, classification: confidential}
  - {id: cards, name: Cards, classification: restricted, category: [payment_card]}
"""


def _ctx(tmp_path: Path, body: str) -> ThreatContext:
    (tmp_path / "archmodel.yaml").write_text(HEAD + ZONES + body)
    project = load_project(tmp_path)
    assert not project.failed(), project.diagnostics
    return ThreatContext(project, project.graph, project.model.policies)


def _by_target(paths: list[AttackPath]) -> dict[tuple[str, str, str], AttackPath]:
    return {(p.entry.id, p.target.id, str(p.target.cls)): p for p in paths}


def test_entry_points_of_each_kind(tmp_path: Path) -> None:
    ctx = _ctx(
        tmp_path,
        """components:
  - {id: u, kind: actor, zone: net}
  - {id: partner, kind: external_system, zone: net}
  - {id: ops, kind: actor, zone: office}
  - {id: loose, kind: web_client}
  - {id: pub, kind: service, zone: app, public: true}
  - {id: fed, kind: load_balancer, zone: app, public: true}
  - {id: s, kind: service, zone: app}
flows:
  - {from: u, to: fed, protocol: https}
""",
    )
    kinds = {e.id: e.kind for e in entries(ctx)}
    assert kinds == {
        "u": EntryKind.internet,
        "partner": EntryKind.partner,
        "ops": EntryKind.insider,
        "loose": EntryKind.unzoned,
        PUBLIC: EntryKind.internet,  # 'pub' is public and nothing on the internet feeds it
    }


def test_weakest_path_avoids_the_guarded_route(tmp_path: Path) -> None:
    ctx = _ctx(
        tmp_path,
        """components:
  - {id: u, kind: actor, zone: net}
  - {id: guarded, kind: service, zone: app, controls: [waf, authentication, api_gateway, iam]}
  - {id: bare, kind: service, zone: app}
  - {id: db, kind: database, zone: app, stores: [d]}
flows:
  - {from: u, to: guarded, protocol: https}
  - {from: u, to: bare, protocol: https}
  - {from: guarded, to: db, protocol: https}
  - {from: bare, to: db, protocol: https}
""",
    )
    p = _by_target(analyse_paths(ctx))[("u", "db", "data")]
    assert p.components == ["u", "bare", "db"]
    assert p.missing == (Layer.application,)  # network from the zone, data from https
    hops = {h.component: h for h in p.hops}
    assert hops["u"].layers == () and hops["u"].flows == ()  # the attacker's own ground
    assert hops["bare"].flows == ("u->bare",)
    assert "tls" in hops["bare"].controls and Layer.data in hops["bare"].layers  # https
    assert "security_groups" in hops["db"].controls


def test_required_layers_follow_class_and_policy(tmp_path: Path) -> None:
    body = """components:
  - {id: u, kind: actor, zone: net}
  - {id: pay, kind: service, zone: app, processes: [cards]}
  - {id: grafana, kind: monitoring, zone: app, tags: [admin]}
flows:
  - {from: u, to: pay, protocol: https}
  - {from: pay, to: grafana, protocol: https}
"""
    paths = _by_target(analyse_paths(_ctx(tmp_path, body)))
    card = paths[("u", "pay", "data")]
    assert card.target.classification == "restricted"
    assert set(card.required) == {Layer.application, Layer.api, Layer.network, Layer.data, Layer.identity}
    assert set(paths[("u", "grafana", "admin")].required) == {
        Layer.application,
        Layer.network,
        Layer.identity,
    }
    narrowed = _ctx(tmp_path, "x-policies: {required_layers: [network]}\n" + body)
    assert {p.required for p in analyse_paths(narrowed)} == {(Layer.network,)}


def test_credentials_targets_and_environment_layers(tmp_path: Path) -> None:
    body = """data:
  - {id: key, name: Key, classification: confidential, category: [secrets]}
components:
  - {id: u, kind: actor, zone: net}
  - {id: s, kind: service, zone: app, controls: [authentication]}
  - {id: vault, kind: secrets_store, zone: app, stores: [key]}
flows:
  - {from: u, to: s, protocol: https}
  - {from: s, to: vault, protocol: https, returns: [key]}
"""
    text = (
        ZONES.replace("data:\n", "")
        .replace("  - {id: d, name: D, classification: confidential}\n", "")
        .replace("  - {id: cards, name: Cards, classification: restricted, category: [payment_card]}\n", "")
    )
    (tmp_path / "archmodel.yaml").write_text(HEAD + text + body)
    project = load_project(tmp_path)
    ctx = ThreatContext(project, project.graph, project.model.policies)
    p = _by_target(analyse_paths(ctx))[("u", "vault", "credentials")]
    assert p.target.data == ("key",) and p.missing == (Layer.identity,)
    envs = "environments:\n  - {id: prod, name: Prod, tier: prod, controls: [iam]}\n"
    (tmp_path / "archmodel.yaml").write_text(HEAD + text + envs + body)
    project = load_project(tmp_path)
    assert not project.failed(), project.diagnostics
    ctx = ThreatContext(project, project.graph, project.model.policies)
    assert _by_target(analyse_paths(ctx))[("u", "vault", "credentials")].missing == ()


def test_public_components_are_reached_from_the_internet(tmp_path: Path) -> None:
    ctx = _ctx(
        tmp_path,
        """components:
  - {id: admin, kind: monitoring, zone: app, public: true}
  - {id: db, kind: database, zone: app, stores: [d], public: true}
""",
    )
    paths = _by_target(analyse_paths(ctx))
    assert paths[(PUBLIC, "db", "data")].components == ["db"]
    assert Layer.network in paths[(PUBLIC, "db", "data")].present  # its own zone counts
    assert paths[(PUBLIC, "admin", "admin")].components == ["admin"]


def test_out_of_scope_and_unreachable_are_not_targets(tmp_path: Path) -> None:
    ctx = _ctx(
        tmp_path,
        """components:
  - {id: u, kind: actor, zone: net}
  - {id: s, kind: service, zone: app}
  - {id: gone, kind: database, zone: app, stores: [d], out_of_scope: legacy}
  - {id: island, kind: database, zone: app, stores: [d]}
flows:
  - {from: u, to: s, protocol: https}
  - {from: s, to: gone, protocol: https}
""",
    )
    assert analyse_paths(ctx) == []


def test_findings_carry_the_whole_path_and_are_deterministic(tmp_path: Path) -> None:
    body = """components:
  - {id: u, kind: actor, zone: net}
  - {id: a, kind: service, zone: app}
  - {id: b, kind: service, zone: app}
  - {id: db, kind: database, zone: app, stores: [d]}
flows:
  - {from: u, to: a, protocol: https}
  - {from: u, to: b, protocol: https}
  - {from: a, to: db, protocol: https}
  - {from: b, to: db, protocol: https}
"""
    (tmp_path / "archmodel.yaml").write_text(HEAD + ZONES + body)
    runs = [analyse(load_project(tmp_path)) for _ in range(2)]
    found = [[(f.id, f.description) for f in r.findings if f.rule == "AMT200"] for r in runs]
    assert found[0] == found[1]
    (finding_id, description), *_ = found[0]
    assert finding_id == "AMT200:path:u>a>db"  # equal weights: the smaller id wins
    assert "u > a [network, data] > db [network, data]" in description
    assert "no application security" in description


@pytest.mark.parametrize("cls", list(TargetClass))
def test_every_target_class_has_its_rule(cls: TargetClass) -> None:
    from archmodel.threats.checks.attack import _PATH_RULES

    assert _PATH_RULES[cls][0] in {"AMT200", "AMT201", "AMT202"}


def test_a_longer_path_lacking_a_layer_is_reported_when_the_weakest_has_all(tmp_path: Path) -> None:
    # Through 'a' every hop is guarded but it is the cheapest way (two hops); the detour
    # through b1..b3 is longer and never meets application security.
    ctx = _ctx(
        tmp_path,
        """components:
  - {id: u, kind: actor, zone: net}
  - {id: a, kind: service, zone: app, controls: [authentication]}
  - {id: b1, kind: service, zone: app}
  - {id: b2, kind: service, zone: app}
  - {id: b3, kind: service, zone: app}
  - {id: db, kind: database, zone: app, stores: [d]}
flows:
  - {from: u, to: a, protocol: https}
  - {from: a, to: db, protocol: https}
  - {from: u, to: b1, protocol: https}
  - {from: b1, to: b2, protocol: https}
  - {from: b2, to: b3, protocol: https}
  - {from: b3, to: db, protocol: https}
""",
    )
    p = _by_target(analyse_paths(ctx))[("u", "db", "data")]
    assert p.components == ["u", "b1", "b2", "b3", "db"]
    assert p.missing == (Layer.application,)


def test_very_many_entry_points_are_searched_in_groups(tmp_path: Path) -> None:
    """A generated chain where every other component is an internet entry: the search
    runs once per group (kind and zone), not once per entry, so the analysis stays
    linear; every entry still reaches its targets through its group."""
    import time

    from archmodel.threats.attack_surface import MAX_SEARCHES

    n = 600
    parts = ["components:"]
    parts += [
        f"  - {{id: c{i}, kind: {'actor' if i % 2 else 'database'}, zone: {'net' if i % 2 else 'app'}"
        + (", stores: [d]}" if i % 2 == 0 else "}")
        for i in range(n)
    ]
    parts += ["flows:"] + [f"  - {{from: c{i}, to: c{i + 1}, protocol: http}}" for i in range(n - 1)]
    ctx = _ctx(tmp_path, "\n".join(parts) + "\n")
    found = entries(ctx)
    assert len(found) <= MAX_SEARCHES
    (group,) = found
    assert group.kind is EntryKind.internet and len(group.members) == n // 2
    start = time.perf_counter()
    paths = analyse_paths(ctx)
    assert time.perf_counter() - start < 5
    assert {p.components[0] for p in paths} <= set(group.members)
    assert len({p.target.id for p in paths}) == n // 2 - 1  # every store but c0, which nothing calls


def test_a_target_names_its_most_sensitive_data_first_and_counts_the_rest(tmp_path: Path) -> None:
    """The label's classification is the first asset's: restricted ones are named before
    confidential ones, and what is not named is counted."""
    body = """\
zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]
data:
  - {id: a-profile, classification: confidential}
  - {id: b-contacts, classification: confidential}
  - {id: c-history, classification: confidential}
  - {id: z-cards, classification: restricted, category: [payment_card]}
components:
  - {id: user, kind: web_client, zone: net}
  - {id: api, kind: service, zone: app, processes: [a-profile, b-contacts, c-history, z-cards]}
flows:
  - {from: user, to: api, protocol: https}
"""
    (tmp_path / "archmodel.yaml").write_text(HEAD + body)
    project = load_project(tmp_path)
    ctx = ThreatContext(project, project.graph, project.model.policies)
    (path,) = [p for p in analyse_paths(ctx) if p.target.cls is TargetClass.data]
    assert path.target.label == "restricted data 'z-cards', 'a-profile', 'b-contacts' and 1 more in 'api'"


# eShopOnContainers in small: 'catalog' logs in to SQL Server with the shared 'sa' login
# it sends; 'api' fetches its database password from a vault; the shopper's own password
# logs in to the identity provider; 'ops' sends telemetry carrying a secret to monitoring.
HELD = """data:
  - {id: d, name: D, classification: confidential}
  - {id: sa, name: SQL sa login, classification: restricted, category: [credentials]}
  - {id: db-pass, name: DB password, classification: confidential, category: [credentials]}
  - {id: pw, name: Shopper password, classification: confidential, category: [credentials], owner: u}
  - {id: users, name: Users, classification: confidential}
components:
  - {id: u, kind: actor, zone: net}
  - {id: catalog, kind: service, zone: app}
  - {id: sql, kind: database, zone: app, stores: [d], controls: [authentication, iam]}
  - {id: api, kind: service, zone: app}
  - {id: vault, kind: secrets_store, zone: app, stores: [db-pass]}
  - {id: orders-db, kind: database, zone: app, stores: [d], controls: [authentication]}
  - {id: idp, kind: identity_provider, zone: app, stores: [users]}
flows:
  - {from: u, to: catalog, protocol: https}
  - {from: catalog, to: sql, protocol: mssql, authentication: password, data: [sa], controls: [mtls]}
  - {from: u, to: api, protocol: https}
  - {from: api, to: vault, protocol: https, returns: [db-pass]}
  - {from: api, to: orders-db, protocol: https, authentication: password}
  - {from: u, to: idp, protocol: https, authentication: password, data: [pw]}
"""


def _held_ctx(tmp_path: Path, body: str) -> ThreatContext:
    text = ZONES.replace("data:\n  - {id: d, name: D, classification: confidential}\n", "").replace(
        "  - {id: cards, name: Cards, classification: restricted, category: [payment_card]}\n", ""
    )
    (tmp_path / "archmodel.yaml").write_text(HEAD + text + body)
    project = load_project(tmp_path)
    assert not project.failed(), project.diagnostics
    return ThreatContext(project, project.graph, project.model.policies)


def test_a_login_the_attacker_holds_is_no_layer(tmp_path: Path) -> None:
    """Owning 'catalog' gives the 'sa' login it sends: the database's password and its
    ``authentication`` and ``iam`` stop the attacker no more than they stop 'catalog'.
    mTLS still encrypts, so the data layer stays."""
    paths = _by_target(analyse_paths(_held_ctx(tmp_path, HELD)))
    p = paths[("u", "sql", "data")]
    assert p.components == ["u", "catalog", "sql"]
    sql = p.hops[-1]
    assert sql.held == ("sa",)
    assert "authentication" not in sql.controls and "iam" not in sql.controls and "mtls" not in sql.controls
    assert "tls" in sql.controls and Layer.data in sql.layers
    assert Layer.application in p.missing and Layer.identity not in p.present
    assert p.held == [("catalog", "sql", ("sa",))]
    assert p.as_dict()["hops"][-1]["held_credentials"] == ["sa"]  # type: ignore[index]


def test_a_fetched_login_is_held_and_a_users_own_is_not(tmp_path: Path) -> None:
    """'api' fetches the password it uses for its database: the hop into 'orders-db' is
    passed. The shopper's own password is the authentication working (it logs in as
    that shopper): the hop into the identity provider keeps its layer."""
    paths = _by_target(analyse_paths(_held_ctx(tmp_path, HELD)))
    orders = paths[("u", "orders-db", "data")]
    assert orders.hops[-1].held == ("db-pass",)
    assert Layer.application in orders.missing
    idp = paths[("u", "idp", "credentials")].hops[-1]
    assert idp.held == () and "authentication" in idp.controls and Layer.application in idp.layers


def test_telemetry_carrying_a_secret_is_no_login(tmp_path: Path) -> None:
    body = (
        HELD.replace(
            "  - {id: idp,",
            "  - {id: grafana, kind: monitoring, zone: app, controls: [authentication]}\n  - {id: idp,",
        )
        + "  - {from: catalog, to: grafana, protocol: https, authentication: password, data: [sa]}\n"
    )
    paths = _by_target(analyse_paths(_held_ctx(tmp_path, body)))
    hop = paths[("u", "grafana", "admin")].hops[-1]
    assert hop.held == () and "authentication" in hop.controls


def test_held_logins_are_described_on_the_finding(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        HEAD
        + ZONES.replace("data:\n  - {id: d, name: D, classification: confidential}\n", "").replace(
            "  - {id: cards, name: Cards, classification: restricted, category: [payment_card]}\n", ""
        )
        + HELD
    )
    found = {f.id: f for f in analyse(load_project(tmp_path)).findings if f.rule == "AMT200"}
    # One root cause (entry 'u', the same layers missing): the nearest target, then by id.
    description = found["AMT200:path:u>api>orders-db"].description
    assert "orders-db [network, data]" in description and "So do the paths to 'sql'" in description
    assert "Whoever owns 'api' logs in to 'orders-db' with 'db-pass'" in description


def test_what_an_identity_provider_keeps_is_credentials_unless_its_category_says_otherwise(
    tmp_path: Path,
) -> None:
    """An identity server that keeps the shoppers' cards beside its signing key: the key
    (category secrets) and the user store (no category) are credentials, the cards
    (category payment_card) are data."""
    body = """  - {id: key, name: Signing key, classification: restricted, category: [secrets]}
  - {id: users, name: Users, classification: confidential}
components:
  - {id: u, kind: actor, zone: net}
  - {id: idp, kind: identity_provider, zone: app, stores: [key, users, cards]}
flows:
  - {from: u, to: idp, protocol: https}
"""
    found = _by_target(analyse_paths(_ctx(tmp_path, body)))
    assert found[("u", "idp", "credentials")].target.data == ("key", "users")
    assert found[("u", "idp", "data")].target.data == ("cards",)
