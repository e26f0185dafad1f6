"""Risk tracking: decisions in ``model.risks`` set the status of the findings they match.

A risk names a rule id (or a glob over rule ids) and a target glob. The first matching
risk in model order decides. A decision past its ``expires`` date no longer applies, so
the finding is open again and a warning says so; a risk that matches no finding is stale
(its threat was fixed or renamed) and is reported too, so the register never rots.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from fnmatch import translate
from typing import Any

from archmodel.diagnostics import Diagnostic, diag
from archmodel.model import Risk
from archmodel.project import Project
from archmodel.threats.problems import RISK_EXPIRED, RISK_UNMATCHED
from archmodel.threats.silencing import describe, is_blanket
from archmodel.threats.types import Finding, Status


def _pattern(glob: str) -> re.Pattern[str]:
    return re.compile(translate(glob))


def apply_risks(
    findings: list[Finding], loaded: Project, today: dt.date
) -> tuple[list[Finding], list[Diagnostic]]:
    """Findings with their statuses set, and warnings about expired or stale risks.

    A finding decided by a blanket risk (see ``silencing``) carries ``extra["blanket"]``."""
    risks = loaded.model.risks
    origins = loaded.origins.get("risks", [])
    compiled = [(_pattern(r.threat), _pattern(r.target)) for r in risks]
    used = [False] * len(risks)
    expired_seen: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        for i, (threat, target) in enumerate(compiled):
            if threat.match(finding.rule) and target.match(str(finding.target)):
                used[i] = True
                finding = _decide(finding, risks[i], today)
                if not finding.is_open and is_blanket(risks[i]):
                    finding = replace(finding, extra={**finding.extra, "blanket": describe(risks[i])})
                if finding.is_open:
                    expired_seen.add(i)
                break
        out.append(finding)
    warnings = []
    for i, risk in enumerate(risks):
        where: dict[str, Any] = {"file": origins[i].file, "path": origins[i].path} if i < len(origins) else {}
        if not used[i]:
            warnings.append(
                diag(
                    RISK_UNMATCHED,
                    f"risk '{risk.threat}' on '{risk.target}' matches no finding",
                    hint="the threat is fixed or renamed: remove the risk or correct its globs",
                    **where,
                )
            )
        elif i in expired_seen:
            warnings.append(
                diag(
                    RISK_EXPIRED,
                    f"risk '{risk.threat}' on '{risk.target}' expired on "
                    f"{risk.expires}; its findings are open again",
                    hint="fix the threat, or review the decision and extend 'expires'",
                    **where,
                )
            )
    return out, warnings


def _decide(finding: Finding, risk: Risk, today: dt.date) -> Finding:
    expires = risk.expires.isoformat() if risk.expires else None
    if risk.expires is not None and risk.expires < today:
        return replace(
            finding,
            status=Status.open,
            description=f"{finding.description} (the {risk.status} decision expired on {expires})",
            expires=expires,
        )
    return replace(
        finding,
        status=Status(str(risk.status)),
        justification=risk.justification or None,
        risk_owner=risk.owner,
        expires=expires,
        ticket=risk.ticket,
        checked_by=risk.checked_by,
    )
