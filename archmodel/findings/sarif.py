"""SARIF 2.1.0 for every command (validate, threats, drift), shaped for GitHub code scanning.

``tool.driver.rules`` holds the whole catalog, so every upload describes every rule with
its help; each result names its rule by id and index, points at a relative file and a
region, and carries a fingerprint of rule, file and element (never the line), so code
scanning tracks one alert across runs even when the model's lines move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archmodel import __version__
from archmodel.catalog import RuleInfo, RuleKind, Severity
from archmodel.diagnostics import Reportable
from archmodel.findings.location import shown_path
from archmodel.formats.jsontext import Encoded, dumps_indented, line_encoder

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "archmodel/v1"
_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}
# GitHub's severity of non-security alerts, and how sure a rule is of its results.
_PROBLEM = {Severity.error: "error", Severity.warning: "warning", Severity.info: "recommendation"}
PRECISION = "high"


def _name(title: str) -> str:
    """A rule's ``name``: its title in PascalCase, as SARIF viewers show it."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words)


def _help(info: RuleInfo) -> dict[str, str]:
    fix = f"\n\nFix: {info.fix}" if info.fix else ""
    markdown_fix = f"\n\n**Fix:** {info.fix}" if info.fix else ""
    return {
        "text": f"{info.doc}{fix}",
        "markdown": f"**{info.code}: {info.title}**\n\n{info.doc}{markdown_fix}",
    }


def _properties(info: RuleInfo) -> dict[str, Any]:
    stride = [s.replace("_", "-") for s in info.stride]
    tags = list(dict.fromkeys([str(info.kind), *info.tags, *stride]))  # the schema wants them unique
    props: dict[str, Any] = {
        "tags": tags,
        "kind": str(info.kind),
        "precision": PRECISION,
        "problem.severity": _PROBLEM[info.severity],
    }
    if info.kind is RuleKind.threat:
        props["stride"] = list(info.stride)
    if info.security_severity is not None:
        props["security-severity"] = info.security_severity
    return props


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    """A ``reportingDescriptor``: what GitHub shows in an alert's rule help."""
    return {
        "id": info.code,
        "name": _name(info.title),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.doc},
        "help": _help(info),
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": _properties(info),
    }


def fingerprint(item: Reportable, uri: str) -> str:
    """Rule, file and element: stable across runs and line moves."""
    digest = hashlib.sha256("\0".join((item.code, uri, item.key)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _uri(item: Reportable, base: Path | None, default_file: str | None) -> str:
    """Relative to ``base`` (GitHub wants paths relative to the checkout); a file outside
    it gets an absolute ``file://`` URI, since a bare absolute path is no URI."""
    shown = shown_path(item.file or default_file, base) or "."
    if Path(shown).is_absolute():
        return Path(shown).as_uri()
    return quote(shown, safe="/")


def _result(
    item: Reportable,
    index: Mapping[str, int],
    base: Path | None,
    default: str | None,
    uris: dict[str | None, str] | None = None,
) -> Any:
    # One URI per file: resolving paths costs system calls, and thousands of results
    # share the few files of a model.
    if uris is None:
        uri = _uri(item, base, default)
    else:
        uri = uris.get(item.file) or uris.setdefault(item.file, _uri(item, base, default))
    region = {"startLine": item.line or 1, "startColumn": item.column or 1}
    result: dict[str, Any] = {
        "ruleId": item.code,
        "level": _LEVEL[item.level],
        "message": {"text": item.text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
        "partialFingerprints": {FINGERPRINT: fingerprint(item, uri)},
    }
    if item.code in index:
        result["ruleIndex"] = index[item.code]
    properties = item.properties  # made on each call
    if properties:
        result["properties"] = dict(properties)
    if item.suppression is not None:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": item.suppression}
        ]
    return result


def render_sarif(
    items: Sequence[Reportable],
    rules: Mapping[str, RuleInfo],
    *,
    category: str,
    base: Path | None = None,
    default_file: str | None = None,
    properties: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> str:
    """One SARIF run. ``category`` (validate, threats, drift) tells code scanning the
    uploads of different commands apart; results without a file point at ``default_file``
    (the model's root), since code scanning needs a location for every result.

    ``properties`` (the run's property bag) and ``notes`` (tool-execution notifications
    of level ``note``: what the run did not analyse) are facts about the run, not
    alerts: code scanning makes an alert of every result, so they are never results."""
    codes = sorted(rules)
    index = {code: i for i, code in enumerate(codes)}
    encode = line_encoder()
    uris: dict[str | None, str] = {}
    driver = {
        "name": "archmodel",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": "https://github.com/archmodel/archmodel",
        "rules": [rule_descriptor(rules[code]) for code in codes],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"archmodel/{category}/"},
        "columnKind": "unicodeCodePoints",
        # One result a line: written by the C encoder, and a diff still shows each result.
        "results": [Encoded(encode(_result(item, index, base, default_file, uris))) for item in items],
    }
    if notes:
        notifications = [{"level": "note", "message": {"text": text}} for text in notes]
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    if properties:
        run["properties"] = dict(properties)
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return dumps_indented(log, end="\n")
