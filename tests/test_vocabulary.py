"""The ordered levels and kind facts that every module reads from the model."""

from archmodel.model import (
    CLIENTS,
    DATA_STORES,
    Classification,
    Criticality,
    Kind,
    ThreatSeverity,
    Trust,
    implied_controls,
)
from archmodel.threats.types import SEVERITY_ORDER
from archmodel.threats.types import ThreatSeverity as ReExported


def test_levels_rank_in_declaration_order() -> None:
    assert [t.rank for t in Trust] == [0, 1, 2, 3]
    assert Classification.restricted.rank == 3
    assert Criticality.low.rank == 0
    assert ThreatSeverity.critical.rank == 3


def test_levels_compare_by_rank_not_by_spelling() -> None:
    assert Classification.internal < Classification.confidential  # "i" > "c" as text
    assert Trust.dmz < Trust.internal <= Trust.internal
    assert max([Classification.restricted, Classification.public]) is Classification.restricted
    assert sorted([ThreatSeverity.low, ThreatSeverity.critical, ThreatSeverity.high]) == [
        ThreatSeverity.low,
        ThreatSeverity.high,
        ThreatSeverity.critical,
    ]


def test_levels_stay_equal_to_their_text() -> None:
    assert Trust.dmz == "dmz"
    assert {Classification.public: 1}["public"] == 1


def test_from_rank_clamps() -> None:
    assert ThreatSeverity.from_rank(9) is ThreatSeverity.critical
    assert ThreatSeverity.from_rank(-2) is ThreatSeverity.low
    assert Classification.from_rank(2) is Classification.confidential


def test_threats_reexport_the_model_scale() -> None:
    assert ReExported is ThreatSeverity
    assert tuple(ThreatSeverity) == SEVERITY_ORDER


def test_kind_facts() -> None:
    assert Kind.database in DATA_STORES and Kind.actor in CLIENTS
    assert implied_controls(Kind.waf) == {"waf"}
    assert implied_controls(Kind.service) == frozenset()


def test_refs_read_and_write_the_same_text() -> None:
    from archmodel.model import Ref

    for text in ("component:api", "flow:a->b", "stage:deploy", "environment:prod", "path:u>s>db"):
        assert str(Ref.parse(text)) == text
    assert Ref.parse("component:api") == Ref.component("api") == Ref("components", "api")
    assert str(Ref.path(["u", "s", "db"])) == "path:u>s>db"
    assert str(Ref.parse("*")) == "*" and Ref.parse("*").section == ""
    assert Ref.parse("widget:x").known_kind is False


def test_hits_point_at_their_target_unless_told_otherwise() -> None:
    from archmodel.model import Ref
    from archmodel.threats import Hit

    assert Hit(target=Ref.flow("a->b"), description="").location == ("flows", "a->b")
    assert Hit(target="component:api", description="").ref == Ref.component("api")  # plugins
    path = Hit(target=Ref.path(["u", "db"]), description="", where=("components", "db"))
    assert path.location == ("components", "db")
    assert Hit(target=Ref.path(["u", "db"]), description="").location is None
