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
from archmodel.threats.severity import AUTH_POINTS, EXPOSURE_POINTS, Scorer, Way, impact_points, likelihood
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
    top = max(flow, key=lambda f: f.severity.rank)
    assert top.factors is not None
    assert "internet-facing" in top.factors["likelihood"]
    assert "unauthenticated" in top.factors["likelihood"]
    assert "payment cards (restricted)" in top.factors["impact"]


def test_a_kept_audit_log_is_not_high(tmp_path: Path) -> None:
    audit = [f for f in findings(tmp_path, AUDIT_LOG_KEPT) if f.rule == "AMT142"]
    assert audit and all(f.severity < ThreatSeverity.high for f in audit)
    assert all(f.factors and "restricted zone" in f.factors["likelihood"] for f in audit)


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
    assert f.properties["factors"].startswith("likelihood: internet-facing, unauthenticated; impact:")


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
    assert "- **Severity:** critical — likelihood: internet\\-facing, unauthenticated; " in text


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
