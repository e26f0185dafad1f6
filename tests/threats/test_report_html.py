"""The HTML threat report: valid HTML (a browser's parser, strict), one offline file,
escaped model text in every field, the manager summary and the full register."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import html5lib
import pytest
import yaml

from archmodel.api import load_project
from archmodel.generators.threats import GENERATOR, render_html
from archmodel.model.ref import Ref
from archmodel.runner import NoOptions
from archmodel.threats import ThreatReport, analyse
from archmodel.threats.blast import BlastRadius
from archmodel.threats.silencing import Silencing
from archmodel.threats.types import Finding, Status, Stride, ThreatSeverity

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hostile"))
from test_every_command import HOSTILE_TEXT

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"
HOTEL = ROOT / "models" / "examples" / "deathstarbench-hotel-reservation"
SHOP = Path(__file__).parent / "models" / "shop"
TODAY = dt.date(2026, 11, 24)
NS = "{http://www.w3.org/1999/xhtml}"


def parse(page: str) -> Any:
    """The document as a browser builds it; any parse error fails the test."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(page)


def text_of(node: Any) -> str:
    return "".join(node.itertext())


def by_id(tree: Any, ident: str) -> Any:
    found = [e for e in tree.iter() if e.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def assert_offline(page: str, tree: Any) -> None:
    """No script, no external resource: nothing is fetched when the page opens."""
    tags = {e.tag.removeprefix(NS) for e in tree.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}, tags
    for e in tree.iter():
        for name, value in e.attrib.items():
            assert not name.lower().startswith("on"), (e.tag, name)
            assert name not in ("src", "srcset", "action"), (e.tag, name)
            if name == "href":
                assert value.startswith("#"), value
    css = "".join(text_of(e) for e in tree.iter(f"{NS}style"))
    assert "url(" not in css and "@import" not in css
    assert "<script" not in page.lower() and "<link" not in page.lower()


def test_reference_report_is_valid_offline_html() -> None:
    report = analyse(load_project(REFERENCE), today=TODAY)
    page = render_html(report, REFERENCE, TODAY)
    assert page.startswith("<!DOCTYPE html>\n")
    tree = parse(page)
    assert_offline(page, tree)
    # Nothing but model text could name a web address, and the reference model names none.
    assert not re.search(r"https?://", page)
    for section in ("summary", "top", "paths", "blast", "decisions", "register"):
        by_id(tree, section)
    assert render_html(report, REFERENCE, TODAY) == page  # byte-stable


def test_summary_counts_and_register_match_the_report() -> None:
    report = analyse(load_project(REFERENCE), today=TODAY)
    tree = parse(render_html(report, REFERENCE, TODAY))
    cards = [c for c in by_id(tree, "summary").iter(f"{NS}div") if c.get("class", "").startswith("card ")]
    shown = {text_of(c[1]).split()[-1]: int(text_of(c[0])) for c in cards}
    for sev in ThreatSeverity:
        assert shown[str(sev)] == sum(1 for f in report.open if f.severity is sev)
    stride = text_of(by_id(tree, "summary"))
    tampering = sum(1 for f in report.open if Stride.tampering in f.stride)
    assert re.search(rf"tampering\s*{tampering}\b", stride)
    top = by_id(tree, "top").find(f".//{NS}tbody")
    assert len(top.findall(f"{NS}tr")) == min(10, len(report.open))
    first = top.find(f"{NS}tr")
    assert report.open[0].rule in text_of(first) and str(report.open[0].target) in text_of(first)
    articles = [e for e in by_id(tree, "register").iter(f"{NS}article")]
    assert len(articles) == len(report.findings)
    # Every link in the summary leads to a finding of the register.
    anchors = {a.get("id") for a in articles}
    links = [a.get("href")[1:] for a in tree.iter(f"{NS}a") if a.get("href", "").startswith("#f")]
    assert links and set(links) <= anchors
    accepted = next(f for f in report.findings if f.status is Status.accepted)
    decisions = text_of(by_id(tree, "decisions"))
    assert accepted.rule in decisions and (accepted.risk_owner or "") in decisions
    blast = by_id(tree, "blast").findall(f".//{NS}tbody/{NS}tr")
    assert len(blast) == min(15, len(report.blast))
    assert text_of(blast[0]).startswith(report.blast[0].component)


def test_attack_paths_lacking_layers_are_grouped() -> None:
    """A real system (DeathStarBench hotel reservation) with paths that lack a layer."""
    report = analyse(load_project(HOTEL), today=TODAY)
    weak = [p for p in report.paths if p.missing]
    assert weak
    tree = parse(render_html(report, HOTEL, TODAY))
    section = by_id(tree, "paths")
    rows = section.findall(f".//{NS}tbody/{NS}tr")
    assert len(rows) == min(40, len(weak))
    headings = [text_of(h) for h in section.iter(f"{NS}h3")]
    assert headings and all(h.startswith("From ") and ": no " in h for h in headings)
    assert " → ".join(weak[0].components) in {text_of(r.findall(f"{NS}td")[1]) for r in rows}


def _decided_shop(tmp_path: Path) -> Path:
    model = tmp_path / "shop"
    shutil.copytree(SHOP, model)
    doc = yaml.safe_load((model / "archmodel.yaml").read_text())
    doc["risks"] = [
        {
            "threat": "AMT181",
            "target": "environment:prod",
            "status": "accepted",
            "justification": "one region",
            "owner": "ops-lead",
            "expires": "2026-12-10",
        },
        {
            "threat": "AMT*",
            "target": "component:db",
            "status": "in_progress",
            "justification": "encrypting",
            "owner": "dba",
            "ticket": "SEC-42",
            "expires": "2027-06-30",
        },
        {
            "threat": "AMT*",
            "target": "component:cache",
            "status": "accepted",
            "justification": "old call",
            "owner": "cto",
            "expires": "2026-01-01",
        },
    ]
    (model / "archmodel.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return model


def test_decisions_show_owner_ticket_and_expiry(tmp_path: Path) -> None:
    model = _decided_shop(tmp_path)
    report = analyse(load_project(model), today=TODAY)
    tree = parse(render_html(report, model, TODAY))
    rows = by_id(tree, "decisions").findall(f".//{NS}tbody/{NS}tr")
    kinds = [r.get("class") for r in rows]
    assert kinds == sorted(kinds, key=["expired", "soon", "ok", "none"].index)
    assert {"expired", "soon", "ok"} <= set(kinds)
    text = {r.get("class"): text_of(r) for r in rows}
    assert "cto" not in text["expired"]  # an expired decision no longer holds: open again
    assert "2026-01-01" in text["expired"] and "open again" in text["expired"]
    assert "ops-lead" in text["soon"] and "expires in 16 day(s)" in text["soon"]
    assert "SEC-42" in text["ok"] and "dba" in text["ok"] and "in progress" in text["ok"]
    # The same report a year later: the soon-expiring decision is no longer "soon".
    later = parse(render_html(report, model, dt.date(2025, 11, 24)))
    assert "soon" not in {r.get("class") for r in by_id(later, "decisions").findall(f".//{NS}tbody/{NS}tr")}


def _hostile_report(s: str) -> ThreatReport:
    """A report whose every text field is the hostile string."""
    finding = Finding(
        rule=s,
        title=s,
        stride=(Stride.tampering,),
        severity=ThreatSeverity.high,
        target=Ref("components", s),
        mitigations=(s,),
        layer=s,
        description=s,
        fix=s,
        cwe=(s,),
        capec=(s,),
        status=Status.open,
        justification=s,
        risk_owner=s,
        expires=s,
        ticket=s,
        checked_by=s,
        environments=(s,),
        file=s,
        line=3,
    )
    accepted = Finding(
        rule="AMT1",
        title=s,
        stride=(Stride.spoofing,),
        severity=ThreatSeverity.low,
        target=Ref("flows", s),
        mitigations=(),
        layer="data",
        description=s,
        fix=s,
        status=Status.accepted,
        justification=s,
        risk_owner=s,
        expires="2026-12-01",
        ticket=s,
        checked_by=s,
    )
    blast = BlastRadius(
        component=s, kind=s, data=(s,), credentials=(s,), calls=(s,), opens=(s,), top=2, sensitive=1
    )
    return ThreatReport([finding, accepted], [], silencing=Silencing((s,), (s,), 1), blast=[blast])


@pytest.mark.parametrize(
    "hostile", [s for s in HOSTILE_TEXT if s.strip()], ids=range(len([s for s in HOSTILE_TEXT if s.strip()]))
)
def test_hostile_text_in_every_field_stays_text(hostile: str) -> None:
    page = render_html(_hostile_report(hostile), None, TODAY)
    tree = parse(page)
    assert_offline(page, tree)
    if set(hostile) & set("<>&\"'"):
        assert hostile not in page  # escaped, never raw
    shown = text_of(by_id(tree, "register")).replace("\r\n", "\n").replace("\r", "\n")
    assert hostile.replace("\r", "\n") in shown
    # Each field lands in its own element: the page structure is ours alone.
    assert len(by_id(tree, "register").findall(f".//{NS}article")) == 2
    assert len(by_id(tree, "blast").findall(f".//{NS}tbody/{NS}tr")) == 1


def test_hostile_model_end_to_end(tmp_path: Path) -> None:
    """Hostile text written in the model (names, technology, risk fields) reaches the
    findings and is still shown as text."""
    model = tmp_path / "shop"
    shutil.copytree(SHOP, model)
    doc = yaml.safe_load((model / "archmodel.yaml").read_text())
    bad = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    for c in doc["components"]:
        c["name"] = bad
        c["technology"] = bad
    doc["risks"][0].update(justification=bad, owner=bad, ticket=bad, checked_by=bad)
    (model / "archmodel.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    project = load_project(model)
    assert not project.failed(), project.diagnostics
    report = analyse(project, today=TODAY)
    page = render_html(report, model, TODAY)
    assert bad not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert_offline(page, parse(page))


def test_generator_writes_the_html_report() -> None:
    files = GENERATOR.generate(load_project(REFERENCE), NoOptions())
    page = files[PurePosixPath("threats/threats.html")]
    assert page.decode().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in files) == [f"threats.{e}" for e in ("csv", "html", "json", "md", "sarif")]


# The register entry as the page's template laid it out before ``entry_html`` took over:
# the Python layout must write the same bytes, for every field and every hostile string.
_ENTRY_MACRO = """{% macro sev(s) %}<span class="sev sev-{{ s }}">{{ s }}</span>{% endmacro %}
{% macro codes(items) %}{% for x in items %}<code>{{ x }}</code>{% if not loop.last %}, {% endif %}{% else %}—{% endfor %}{% endmacro %}
{% macro entry(f) %}
<article class="finding sev-{{ f.severity }}" id="{{ anchor }}">
<h4>{{ sev(f.severity) }} <code>{{ f.rule }}</code> {{ f.title }} — <code>{{ f.target }}</code></h4>
<p>{{ f.description }}</p>
<dl>
<dt>Fix</dt><dd>{{ f.fix }}</dd>
<dt>Closed by</dt><dd>{% if f.mitigations %}{{ codes(f.mitigations) }}{% else %}— (design change){% endif %} (layer: {{ f.layer }})</dd>
<dt>STRIDE</dt><dd>{{ f.stride | map("words") | join(", ") }}</dd>
<dt>CWE / CAPEC</dt><dd>{{ (f.cwe + f.capec) | join(", ") if (f.cwe or f.capec) else "—" }}</dd>
<dt>Where</dt><dd><code>{{ place }}</code></dd>
<dt>Status</dt><dd>{{ f.status | words }}</dd>
{% if f.environments %}<dt>Environments</dt><dd>{{ codes(f.environments) }}</dd>
{% endif %}
{% if f.justification %}<dt>Decision</dt><dd>{{ f.justification }}{% if f.risk_owner %} ({{ f.risk_owner }}){% endif %}{% if f.expires %}, until {{ f.expires }}{% endif %}</dd>
{% elif f.expires %}<dt>Decision</dt><dd>expired on {{ f.expires }}</dd>
{% endif %}
{% if f.ticket %}<dt>Ticket</dt><dd><code>{{ f.ticket }}</code></dd>
{% endif %}
{% if f.checked_by %}<dt>Checked by</dt><dd>{{ f.checked_by }}</dd>
{% endif %}
</dl>
</article>
{% endmacro %}
{{ entry(f) }}"""


def _plain_and_expired(s: str) -> list[Finding]:
    """Findings with no optional field, and with an expired decision (no justification)."""
    plain = Finding(
        rule="AMT2",
        title=s,
        stride=(),
        severity=ThreatSeverity.medium,
        target=Ref("components", "api"),
        mitigations=(),
        layer="",
        description=s,
        fix=s,
    )
    expired = Finding(
        rule="AMT3",
        title="t",
        stride=(Stride.repudiation, Stride.denial_of_service),
        severity=ThreatSeverity.critical,
        target=Ref("paths", "a>b"),
        mitigations=("waf", s),
        layer="network",
        description="d",
        fix="f",
        cwe=("CWE-1",),
        expires=s,
    )
    return [plain, expired]


@pytest.mark.parametrize("hostile", ["plain", *HOSTILE_TEXT[:12]])
def test_register_entries_are_laid_out_as_the_template_did(hostile: str) -> None:
    from archmodel.generators.threats.html import entry_html, environment

    macro = environment().from_string(_ENTRY_MACRO)
    shared: dict[str, str] = {}
    for f in [*_hostile_report(hostile).findings, *_plain_and_expired(hostile)]:
        expected = macro.render(f=f, anchor=f"a{hostile}", place=f"{hostile}:1:1")
        assert entry_html(f, f"a{hostile}", f"{hostile}:1:1", shared) == expected
        assert entry_html(f, f"a{hostile}", f"{hostile}:1:1") == expected
