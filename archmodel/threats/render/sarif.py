"""SARIF 2.1.0 for code-scanning UIs: every rule that ran in ``tool.driver.rules``, each
finding located at the model line of its target, decided findings as suppressions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archmodel import __version__
from archmodel.threats.engine import ThreatReport
from archmodel.threats.registry import ThreatRule
from archmodel.threats.render.common import shown_file
from archmodel.threats.types import Finding, ThreatSeverity

_LEVEL = {
    ThreatSeverity.critical: "error",
    ThreatSeverity.high: "error",
    ThreatSeverity.medium: "warning",
    ThreatSeverity.low: "note",
}
# GitHub code scanning ranks security results by this CVSS-like score.
_SCORE = {
    ThreatSeverity.critical: "9.5",
    ThreatSeverity.high: "8.0",
    ThreatSeverity.medium: "5.5",
    ThreatSeverity.low: "3.0",
}


def _name(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in title.replace("-", " ").split() if w.isalnum())


def _rule(rule: ThreatRule) -> dict[str, Any]:
    mitigations = ", ".join(rule.mitigations) or "a design change"
    return {
        "id": rule.id,
        "name": _name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.doc},
        "help": {
            "text": f"{rule.fix} Closed by: {mitigations}.",
            "markdown": f"{rule.fix}\n\nClosed by: {mitigations} (layer `{rule.layer}`).",
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "tags": ["security", "threat", *[str(s) for s in rule.stride], *rule.cwe],
            "stride": [str(s) for s in rule.stride],
            "cwe": list(rule.cwe),
            "capec": list(rule.capec),
            "layer": rule.layer,
            "mitigations": list(rule.mitigations),
        },
    }


def _result(f: Finding, index: dict[str, int], base: Path | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _LEVEL[f.severity],
        "message": {"text": f"{f.title}: {f.description} Fix: {f.fix}"},
        "partialFingerprints": {"archmodelThreatId/v1": f.id},
        "properties": {
            "severity": str(f.severity),
            "security-severity": _SCORE[f.severity],
            "target": str(f.target),
            "status": str(f.status),
        },
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    file = shown_file(f.file, base)
    if file is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": file}}
        if f.line is not None:
            location["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        result["locations"] = [{"physicalLocation": location}]
    if not f.is_open:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f.justification or str(f.status)}
        ]
    return result


def render_sarif(report: ThreatReport, base: Path | None = None) -> str:
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archmodel-threats",
                        "version": __version__,
                        "informationUri": "https://github.com/archmodel/archmodel",
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "results": [_result(f, index, base) for f in report.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
