"""A rule's findings made from one template: the same findings as the dataclass makes,
and a template that would leave a field unset or set an unknown one is refused."""

from __future__ import annotations

import pytest

from archmodel.model import Ref
from archmodel.threats.types import Finding, FindingTemplate, Status, Stride, ThreatSeverity

DECIDED = {
    "rule": "AMT999",
    "title": "t",
    "stride": (Stride.tampering,),
    "layer": "application",
    "fix": "f",
    "cwe": ("CWE-1",),
    "capec": (),
}
OWN = {
    "severity": ThreatSeverity.high,
    "factors": None,
    "target": Ref.component("a"),
    "mitigations": ("waf",),
    "description": "d",
    "status": Status.open,
    "file": "m.yaml",
    "line": 3,
    "column": 5,
    "extra": {"path": ("components", 0)},
}


def test_a_template_makes_what_the_dataclass_makes() -> None:
    made = FindingTemplate(frozenset(OWN), **DECIDED)(**OWN)
    assert made.__dict__ == Finding(**DECIDED, **OWN).__dict__
    assert made.id == "AMT999:component:a"


@pytest.mark.parametrize(
    ("varying", "decided"),
    [
        (frozenset(OWN) - {"target"}, DECIDED),  # target has no default: never set
        (frozenset(OWN) | {"colour"}, DECIDED),  # no such field
        (frozenset(OWN), {**DECIDED, "severity": ThreatSeverity.low}),  # set twice
    ],
)
def test_a_template_that_leaves_out_or_invents_a_field_is_refused(
    varying: frozenset[str], decided: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        FindingTemplate(varying, **decided)
