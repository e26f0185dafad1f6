"""The JSON register's lines are each finding's record, byte for byte what the plain
encoder writes from ``as_dict``, whatever the strings and however findings are decided."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archmodel.api import valid_project
from archmodel.formats.jsontext import line_encoder
from archmodel.generators.threats import jsonlines
from archmodel.generators.threats.tabular import disabled_records, render_json
from archmodel.model import Ref
from archmodel.threats import ThreatReport, analyse
from archmodel.threats.render.common import shown_file
from archmodel.threats.types import Finding, ModelChange, Status, Stride, ThreatSeverity

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]


def plain(report: ThreatReport, base: Path | None) -> str:
    """The register as the plain encoder writes it from every record."""
    encode = line_encoder()
    records = [f.as_dict(shown_file(f.file, base)) for f in sorted(report.findings, key=lambda f: f.id)]
    records += disabled_records(report)
    return "[\n" + ",\n".join("  " + encode(r) for r in records) + "\n]\n" if records else "[]\n"


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_every_real_register_is_its_records(model: Path) -> None:
    report = analyse(valid_project(model))
    assert report.findings
    assert render_json(report, ROOT) == plain(report, ROOT)


def test_fragments_that_do_not_make_the_record_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the fragments to drift from ``as_dict`` (a field added to one and not the
    other), the first line of each rule shows it and the plain encoder writes them all."""
    report = analyse(valid_project(MODELS[0]))
    original = jsonlines.Lines._fragments

    def drifted(self: jsonlines.Lines, f: Finding) -> jsonlines.Fragments:
        first, *rest = original(self, f)
        return (first.replace('"title"', '"name"'), *rest)  # type: ignore[return-value]

    monkeypatch.setattr(jsonlines.Lines, "_fragments", drifted)
    assert render_json(report, ROOT) == plain(report, ROOT)


text = st.text(max_size=40)
ids = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
# What a rule decides comes from one of two rules, so that findings often share their
# rule's fragments and the per-finding parts are what differs.
RULES = [
    {
        "rule": "AMT150",
        "title": 'é "quoted" \\ \u2028',
        "stride": (Stride.tampering, Stride.spoofing),
        "layer": "data",
        "fix": "Add `tls`.\n",
        "cwe": ("CWE-319",),
        "capec": (),
    },
    {
        "rule": "X1",
        "title": "",
        "stride": (),
        "layer": "",
        "fix": "",
        "cwe": ("", '"'),
        "capec": ("</script>",),
    },
]


@st.composite
def changes(draw: st.DrawFn) -> ModelChange:
    values = tuple(draw(st.lists(text, max_size=3)))
    targets = tuple(Ref.flow(t) for t in draw(st.lists(text, max_size=2)))
    return ModelChange(draw(text), values, targets, "" if values else draw(text))


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    decided = draw(st.booleans())
    values: dict[str, Any] = {
        **draw(st.sampled_from(RULES)),
        "severity": draw(st.sampled_from(list(ThreatSeverity))),
        "target": Ref.component(draw(ids)),
        "mitigations": tuple(draw(st.lists(text, max_size=3))),
        "description": draw(text),
        "status": draw(st.sampled_from(list(Status))),
        "file": draw(st.none() | text),
        "line": draw(st.none() | st.integers(min_value=1, max_value=10**6)),
        "column": None,
        "changes": tuple(draw(st.lists(changes(), max_size=2))),
        "environments": tuple(draw(st.lists(text, max_size=2))),
        "factors": draw(st.none() | st.dictionaries(text, st.lists(text, max_size=2), max_size=2)),
        "extra": {},
    }
    if decided:
        values.update(justification=draw(text), ticket=draw(st.none() | text))
    return Finding(**values)


@settings(max_examples=200, deadline=None)
@given(st.lists(findings(), max_size=8))
def test_any_findings_are_written_as_their_records(found: list[Finding]) -> None:
    """Hostile strings, shared and differing rule texts, decided findings: each line is
    the record, and the lines of one rule reuse nothing of another's."""
    report = ThreatReport(found, [])
    assert render_json(report, None) == plain(report, None)
