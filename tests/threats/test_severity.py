"""Severity from likelihood and impact, with the factors that set it on every finding."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from archmodel.api import load_project
from archmodel.model import Ref
from archmodel.threats import analyse
from archmodel.threats.context import ThreatContext
from archmodel.threats.severity import (
    AUTH_POINTS,
    EXPOSURE_POINTS,
    ON_THE_PATH,
    Scorer,
    Way,
    impact_points,
    likelihood,
    severity_of_points,
)
from archmodel.threats.types import Finding, Stride, ThreatSeverity

HEADER = "archmodel: 1\nsystem: {name: T}\n"

CARDS_OVER_HTTP = """
data: [{id: cards, name: Cards, classification: restricted, category: [payment_card]}]
zones:
  - {id: net, name: Internet, trust: untrusted}
  - {id: app, name: App, trust: internal}
components:
  - {id: shopper, kind: actor, name: Shopper, zone: net}
  - {id: shop, kind: service, name: Shop, zone: app, processes: [cards]}
flows:
  - {from: shopper, to: shop, protocol: http, data: [cards], authentication: none}
"""

AUDIT_LOG_KEPT = """
data: [{id: d, name: D, classification: restricted}]
zones:
  - {id: data, name: Data, trust: restricted}
components:
  - {id: s, kind: service, name: S, tags: [entry_point]}
  - {id: db, kind: database, name: DB, zone: data, stores: [d], controls: [logging]}
  - {id: local-logs, kind: monitoring, name: Local logs, zone: data}
flows:
  - {from: s, to: db, protocol: sql, controls: [tls]}
  - {from: db, to: local-logs, protocol: https, controls: [tls]}
"""

PUBLIC_INTERNAL = """
data: [{id: menu, name: Menu, classification: public}]
zones: [{id: app, name: App, trust: internal}]
components:
  - {id: a, kind: service, name: A, zone: app}
  - {id: b, kind: service, name: B, zone: app}
flows:
  - {from: a, to: b, protocol: http, data: [menu]}
"""


def findings(tmp_path: Path, body: str) -> list[Finding]:
    (tmp_path / "archmodel.yaml").write_text(HEADER + body, encoding="utf-8")
    return analyse(load_project(tmp_path)).open


def on(found: list[Finding], target: str) -> list[Finding]:
    return [f for f in found if str(f.target) == target]


def test_card_data_in_plaintext_from_the_internet_is_critical(tmp_path: Path) -> None:
    found = findings(tmp_path, CARDS_OVER_HTTP)
    flow = on(found, "flow:shopper->shop")
    assert flow and max(f.severity for f in flow) is ThreatSeverity.critical
    (clear,) = [f for f in flow if f.rule == "AMT150"]
    assert clear.severity is ThreatSeverity.critical
    assert clear.factors == {
        "likelihood": ["internet-facing", ON_THE_PATH],
        "impact": ["payment cards (restricted)"],
    }


def test_who_calls_does_not_change_the_odds_of_eavesdropping(tmp_path: Path) -> None:
    """Reading a flow in transit needs no login: a plaintext flow scores the same whether
    its caller authenticates or not, while a threat from the caller does not."""
    by_rule = {}
    for auth in ("none", "oauth2"):
        body = CARDS_OVER_HTTP.replace("authentication: none", f"authentication: {auth}")
        by_rule[auth] = {(f.rule, str(f.target)): f for f in findings(tmp_path, body)}
    plain = [by_rule[a][("AMT150", "flow:shopper->shop")] for a in ("none", "oauth2")]
    assert plain[0].severity is plain[1].severity is ThreatSeverity.critical
    assert plain[0].factors == plain[1].factors
    caller = {a: f for a, found in by_rule.items() for (rule, _), f in found.items() if rule == "AMT101"}
    assert caller["none"].factors and "unauthenticated" in caller["none"].factors["likelihood"]
    assert caller["oauth2"].factors and "authenticated" in caller["oauth2"].factors["likelihood"]


def test_a_kept_audit_log_is_not_high(tmp_path: Path) -> None:
    audit = [f for f in findings(tmp_path, AUDIT_LOG_KEPT) if f.rule == "AMT142"]
    assert audit and all(f.severity < ThreatSeverity.high for f in audit)
    assert all(f.factors and "not about the way in" in f.factors["likelihood"][0] for f in audit)


def test_a_kept_audit_log_is_not_high_even_on_an_exposed_store(tmp_path: Path) -> None:
    """The worst place for the store: public, unauthenticated, restricted and critical.
    Where its log is kept is still at most medium (it was critical)."""
    exposed = AUDIT_LOG_KEPT.replace("zone: data,", "zone: data, public: true, criticality: critical,")
    exposed = exposed.replace("{from: s, to: db,", "{from: s, to: db, authentication: none,")
    audit = [f for f in findings(tmp_path, exposed) if f.rule == "AMT142"]
    assert audit and all(f.severity is ThreatSeverity.medium for f in audit)


def test_an_internal_flow_of_public_data_is_low(tmp_path: Path) -> None:
    """No rule reports it; were one to (weight 0, disclosure), it would score low."""
    (tmp_path / "archmodel.yaml").write_text(HEADER + PUBLIC_INTERNAL, encoding="utf-8")
    project = load_project(tmp_path)
    assert on(analyse(project).open, "flow:a->b") == []
    scorer = Scorer(ThreatContext(project, project.graph, project.model.policies))
    severity, factors = scorer.score(Ref.flow("a->b"), 0, False, (Stride.information_disclosure,), 0)
    assert severity is ThreatSeverity.low
    assert factors == {"likelihood": ["internal", "authentication unknown"], "impact": ["public data"]}


def test_factors_are_in_the_json_record_and_the_sarif_properties(tmp_path: Path) -> None:
    f = max(on(findings(tmp_path, CARDS_OVER_HTTP), "flow:shopper->shop"), key=lambda f: f.severity.rank)
    record = json.loads(json.dumps(f.as_dict()))
    assert record["factors"] == f.factors
    assert f.properties["factors"].startswith(f"likelihood: internet-facing, {ON_THE_PATH}; impact:")


def test_the_card_model_scores_higher_with_each_worse_factor(tmp_path: Path) -> None:
    """The same flow of cards: authenticated, then from inside, then public data: never higher."""
    worst = findings(tmp_path, CARDS_OVER_HTTP)
    authed = findings(tmp_path, CARDS_OVER_HTTP.replace("authentication: none", "authentication: token"))
    public = findings(tmp_path, CARDS_OVER_HTTP.replace("restricted, category: [payment_card]", "public"))

    def top(found: list[Finding]) -> int:
        return max(f.severity.rank for f in on(found, "flow:shopper->shop"))

    assert top(worst) >= top(authed)
    assert top(worst) > top(public)


EXPOSURES = list(EXPOSURE_POINTS)
AUTHS = list(AUTH_POINTS)


@given(
    st.sampled_from(EXPOSURES),
    st.sampled_from(EXPOSURES),
    st.sampled_from(AUTHS),
    st.sampled_from(AUTHS),
    st.one_of(st.none(), st.integers(0, 8)),
    st.integers(0, 8),
    st.booleans(),
)
def test_raising_a_likelihood_factor_never_lowers_it(
    e1: str, e2: str, a1: str, a2: str, hops: int | None, fewer: int, exposed: bool
) -> None:
    """Swap any factor for a worse one (more exposed, less authenticated, fewer hops)."""
    low_e, high_e = sorted((e1, e2), key=EXPOSURE_POINTS.__getitem__)
    low_a, high_a = sorted((a1, a2), key=AUTH_POINTS.__getitem__)
    nearer = None if hops is None else max(0, hops - fewer)
    base = likelihood(Way(low_e, low_a, hops), exposed=False)[0]
    assert likelihood(Way(high_e, low_a, hops), exposed=False)[0] >= base
    assert likelihood(Way(low_e, high_a, hops), exposed=False)[0] >= base
    assert likelihood(Way(low_e, low_a, nearer), exposed=False)[0] >= base
    assert likelihood(Way(low_e, low_a, hops), exposed=exposed)[0] >= base


@given(st.integers(-1, 3), st.integers(-1, 3), st.booleans(), st.integers(-2, 2))
def test_raising_what_is_at_stake_never_lowers_severity(s1: int, s2: int, weighty: bool, weight: int) -> None:
    low, high = sorted((s1, s2))
    stride = (Stride.tampering,)
    assert impact_points(high, weighty, stride) >= impact_points(low, weighty, stride)
    assert impact_points(low, True, stride) >= impact_points(low, False, stride)
    assert impact_points(low, weighty, stride) >= impact_points(low, weighty, (Stride.repudiation,))


def test_threats_md_shows_one_severity_line_per_finding(tmp_path: Path) -> None:
    from archmodel.generators.threats import render_md

    (tmp_path / "archmodel.yaml").write_text(HEADER + CARDS_OVER_HTTP, encoding="utf-8")
    report = analyse(load_project(tmp_path))
    text = render_md(report)
    scored = [f for f in report.open if f.factors]
    assert scored and text.count("- **Severity:** ") == len(scored)
    assert (
        "- **Severity:** critical — likelihood: internet\\-facing, from anyone on the network path " in text
    )
    assert "- **Severity:** high — likelihood: internet\\-facing, unauthenticated; " in text


def test_supply_chain_threats_ignore_the_way_in(tmp_path: Path) -> None:
    """An unversioned image on an internet-facing, unauthenticated service holding
    restricted credentials: impact 3, weight -1, and a neutral likelihood (the way in has
    nothing to do with where the image came from): high, not critical."""
    body = """
zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]
data: [{id: key, classification: restricted, category: [credentials]}]
components:
  - {id: user, kind: actor, zone: net}
  - {id: api, kind: service, zone: app, public: true, stores: [key], deploy: {image: api}}
flows:
  - {from: user, to: api, protocol: http, authentication: none}
"""
    found = {f.rule: f for f in findings(tmp_path, body) if str(f.target) == "component:api"}
    image = found["AMT240"]
    assert image.severity is ThreatSeverity.high
    assert image.factors is not None and "not about the way in" in image.factors["likelihood"][0]


def test_critical_takes_both_the_top_impact_and_the_top_likelihood() -> None:
    """impact 3 + likelihood 0, or impact 2 + likelihood +1: high; only 3 + 1 is critical,
    and a rule's negative weight keeps even that at high."""
    assert severity_of_points(3 + 1 + 0) is ThreatSeverity.critical
    assert severity_of_points(3 + 0 + 0) is ThreatSeverity.high
    assert severity_of_points(2 + 1 + 0) is ThreatSeverity.high
    assert severity_of_points(3 + 1 - 1) is ThreatSeverity.high
    assert severity_of_points(1) is ThreatSeverity.medium
    assert severity_of_points(0) is ThreatSeverity.low
    assert severity_of_points(-3) is ThreatSeverity.low


# A config server hands one database password to two internet-facing services; the
# services hold nothing else above internal.
SHARED_PASSWORD = """
zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]
data:
  - {id: db-password, classification: restricted, category: [credentials]}
  - {id: menu, classification: internal}
components:
  - {id: user, kind: web_client, zone: net}
  - {id: config, kind: service, zone: app, public: true, processes: [db-password]}
  - {id: api, kind: service, zone: app, public: true, stores: [menu]}
  - {id: worker, kind: service, zone: app, public: true}
flows:
  - {from: user, to: api, protocol: https, authentication: none, returns: [menu]}
  - {from: user, to: worker, protocol: https, authentication: none}
  - {from: api, to: config, protocol: http, authentication: none, returns: [db-password]}
  - {from: worker, to: config, protocol: http, authentication: none, returns: [db-password]}
"""


def test_a_gap_on_a_service_is_not_critical_for_the_credential_it_uses(tmp_path: Path) -> None:
    """No authentication, no input validation on an internet-facing service that fetches a
    restricted password: what a gap in it gives away is its own data, not the password
    (whose gaps are scored on the config server that serves it)."""
    found = findings(tmp_path, SHARED_PASSWORD)
    gaps = [f for f in on(found, "component:api") if f.rule in ("AMT110", "AMT111", "AMT112")]
    assert {f.rule for f in gaps} >= {"AMT111", "AMT112"}
    assert all(f.severity < ThreatSeverity.critical for f in gaps)
    assert all(f.factors and "credentials" not in " ".join(f.factors["impact"]) for f in gaps)


def test_the_server_of_a_credential_is_critical_without_authentication(tmp_path: Path) -> None:
    """The config server serves the password to whoever calls it, from the internet."""
    (auth,) = [f for f in on(findings(tmp_path, SHARED_PASSWORD), "component:config") if f.rule == "AMT110"]
    assert auth.severity is ThreatSeverity.critical
    assert auth.factors == {
        "likelihood": ["internet-facing", "unauthenticated"],
        "impact": ["credentials (restricted)"],
    }


def test_a_plaintext_credential_inside_the_zone_is_high_not_critical(tmp_path: Path) -> None:
    """The flow runs in the internal zone (its public source does not put it on the internet)."""
    (flow,) = [f for f in on(findings(tmp_path, SHARED_PASSWORD), "flow:api->config") if f.rule == "AMT150"]
    assert flow.severity is ThreatSeverity.high
    assert flow.factors is not None and flow.factors["likelihood"][0].startswith("internal")


def test_ordinary_personal_data_weighs_what_its_classification_says(tmp_path: Path) -> None:
    body = CARDS_OVER_HTTP.replace(
        "classification: restricted, category: [payment_card]",
        "classification: confidential, category: [personal]",
    )
    (flow,) = [f for f in on(findings(tmp_path, body), "flow:shopper->shop") if f.rule == "AMT150"]
    assert flow.severity is ThreatSeverity.high
    assert flow.factors is not None and flow.factors["impact"] == ["confidential data"]


def test_one_secret_above_its_zone_is_one_finding_naming_every_receiver(tmp_path: Path) -> None:
    found = [
        f
        for f in findings(tmp_path, SHARED_PASSWORD)
        if f.rule == "AMT161" and "db-password" in f.description
    ]
    assert len(found) == 1
    assert "'api', 'worker' in internal zone 'app'" in found[0].description
    assert "'flow:api->config', 'flow:worker->config'" in found[0].description


def test_a_secret_closed_at_every_receiver_is_mitigated(tmp_path: Path) -> None:
    body = SHARED_PASSWORD.replace("processes: [db-password]}", "processes: [db-password], controls: [dlp]}")
    body = body.replace("stores: [menu]}", "stores: [menu], controls: [dlp]}")
    partly = [f for f in findings(tmp_path, body) if f.rule == "AMT161" and "db-password" in f.description]
    assert len(partly) == 1 and "'worker'" in partly[0].description and "'api'" not in partly[0].description
    body = body.replace("public: true}\n", "public: true, controls: [dlp]}\n")
    assert [
        f for f in findings(tmp_path, body) if f.rule == "AMT161" and "db-password" in f.description
    ] == []


SEVERAL_ABOVE = """\
zones:
  - {id: internet, trust: untrusted}
  - {id: edge, trust: dmz}
  - {id: app, trust: internal}
data:
  - {id: a-contacts, classification: confidential, owner: customer}
  - {id: b-token, classification: confidential, category: [session, credentials], owner: customer}
  - {id: z-password, classification: restricted, category: [credentials], owner: customer}
components:
  - {id: customer, kind: web_client, zone: internet}
  - {id: lb, kind: load_balancer, zone: edge, public: true}
  - {id: app, kind: service, zone: app, processes: [a-contacts, b-token, z-password]}
flows:
  - {from: customer, to: lb, protocol: https, data: [a-contacts, b-token, z-password]}
  - {from: lb, to: app, protocol: https, data: [a-contacts, b-token, z-password]}
"""


def test_assets_above_their_zone_on_one_flow_share_one_finding_naming_each(tmp_path: Path) -> None:
    """Three assets reach the DMZ first on one flow: one finding names all three, the
    restricted one first and scored as its stake, none lost to the one finding a rule
    keeps per target."""
    (found,) = [f for f in findings(tmp_path, SEVERAL_ABOVE) if f.rule == "AMT161"]
    assert str(found.target) == "flow:customer->lb"
    text = found.description
    assert text.startswith("3 data assets go where their zones are not meant to hold them: Restricted data")
    assert text.index("'z-password'") < text.index("'a-contacts'") < text.index("'b-token'")
    alone = SEVERAL_ABOVE.replace("z-password]", "a-contacts]").replace("b-token, a-contacts]", "a-contacts]")
    (single,) = [f for f in findings(tmp_path, alone) if f.rule == "AMT161"]
    assert found.severity.rank >= single.severity.rank
    assert found.factors is not None and any("restricted" in label for label in found.factors["impact"])


RUN_BY_US = """\
data: [{id: k, classification: restricted, category: [credentials]}]
components:
  - {id: a, kind: service, tags: [entry_point], processes: [k]}
  - {id: idp, kind: identity_provider, tags: [entry_point], processes: [k], deploy: {image: "auth:1"}}
  - {id: db, kind: database}
flows:
  - {from: a, to: db, protocol: postgresql}
  - {from: idp, to: db, protocol: postgresql}
"""


def test_an_identity_provider_we_run_holds_credentials_as_a_service_does(tmp_path: Path) -> None:
    """Our own token service's database login is a workload credential (AMT130) and one
    it shares with a service is shared (AMT210); a managed one's is the provider's."""
    ours = {(f.rule, f.description) for f in findings(tmp_path, RUN_BY_US) if f.rule in ("AMT130", "AMT210")}
    assert any(rule == "AMT130" and "'a', 'idp'" in text for rule, text in ours), ours
    assert any(rule == "AMT210" and "'a', 'idp'" in text for rule, text in ours), ours
    managed = RUN_BY_US.replace('deploy: {image: "auth:1"}', "deploy: {runtime: managed}")
    theirs = [f for f in findings(tmp_path, managed) if f.rule in ("AMT130", "AMT210")]
    assert not any("idp" in f.description for f in theirs), theirs


USER_DATABASE = """\
data: [{id: passwords, classification: restricted, category: [credentials], owner: customer}]
components:
  - {id: customer, kind: web_client}
  - {id: users, kind: database, tags: [entry_point], stores: [passwords]}
"""


def test_users_own_credentials_in_the_user_database_need_no_vault(tmp_path: Path) -> None:
    """A user database keeps what checks its users' passwords: AMT131 asks a vault for
    secrets of ours, not for them; the same asset owned by a service is a secret of ours."""
    assert not [f for f in findings(tmp_path, USER_DATABASE) if f.rule == "AMT131"]
    ours = USER_DATABASE.replace("owner: customer", "owner: users")
    assert [f.target for f in findings(tmp_path, ours) if f.rule == "AMT131"] == [Ref.component("users")]
    partner = USER_DATABASE.replace("kind: web_client", "kind: external_system")
    assert [f.target for f in findings(tmp_path, partner) if f.rule == "AMT131"] == [Ref.component("users")]


WEBHOOKS = """zones:
  - {id: net, name: Internet, trust: untrusted}
  - {id: app, name: App, trust: internal}
data:
  - {id: subs, name: Subscriptions, classification: confidential}
components:
  - {id: user, kind: web_client, zone: net}
  - {id: hooks, kind: service, zone: app, stores: [subs], controls: [authentication]}
  - {id: receiver, kind: external_system, zone: net}
flows:
  - {from: user, to: hooks, protocol: https, authentication: token, data: [subs]}
  - {from: hooks, to: receiver, protocol: https}
"""


def test_server_side_request_forgery_counts_the_internet_that_makes_it_likely(tmp_path: Path) -> None:
    """A webhook sender any signed-in user can point at a URL: being reachable from the
    internet is what makes SSRF likely, so it counts, as for the other injections."""
    (ssrf,) = [f for f in on(findings(tmp_path, WEBHOOKS), "component:hooks") if f.rule == "AMT223"]
    assert ssrf.factors is not None and "internet-facing" in ssrf.factors["likelihood"]
    assert ssrf.severity >= ThreatSeverity.medium


def test_public_components_of_one_trusted_zone_are_one_finding(tmp_path: Path) -> None:
    """One root cause (the zone has no DMZ in front of it): one finding on the zone that
    names every public component, and the change that closes it moves them all to a
    less trusted zone."""
    (alone,) = [f for f in findings(tmp_path, SHARED_PASSWORD) if f.rule == "AMT105"]
    assert alone.changes == ()  # the untrusted zone is no place for ours: a DMZ is to add
    with_dmz = SHARED_PASSWORD.replace(
        "{id: app, trust: internal}]", "{id: app, trust: internal}, {id: edge, trust: dmz}]"
    )
    found = findings(tmp_path, with_dmz)
    (zone,) = [f for f in found if f.rule == "AMT105"]
    assert str(zone.target) == "zone:app"
    assert all(f"'{c}'" in zone.description for c in ("api", "config", "worker"))
    (change,) = zone.changes
    assert change.field == "zone" and change.values == ("edge",)
    assert {str(t) for t in change.targets} == {
        "component:api",
        "component:config",
        "component:worker",
    }
    assert zone.factors is not None and zone.factors["likelihood"][0] == "internet-facing"
    assert zone.factors["impact"] == ["credentials (restricted)"]  # what the zone's components handle
