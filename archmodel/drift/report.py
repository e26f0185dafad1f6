"""What a drift run looked at and what it did not: counts, resources and objects of types
not analysed (by type), and notes on what was read but not compared (module calls,
``count``/``for_each``, implicit default-network rules, ReferenceGrant refusals).

Issue 15 asks that nothing be silently dropped from any report: text and GitHub print
these lines after the findings, JSON ends with one ``summary`` record, SARIF carries them
as run properties and tool-execution notifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archmodel.inventory import Inventory
from archmodel.kube import Cluster


@dataclass(frozen=True)
class DriftSummary:
    findings: int
    resources: int
    rules: int
    network_policies: int
    terraform_not_analysed: dict[str, int] = field(default_factory=dict)  # resource type -> count
    kubernetes_not_analysed: dict[str, int] = field(default_factory=dict)  # kind -> count
    lines: tuple[str, ...] = ()  # the sentences text output prints, in order

    @property
    def headline(self) -> str:
        counts = f"{self.resources} resources, {self.rules} rules, {self.network_policies} NetworkPolicies"
        return f"{self.findings} drift finding(s); {counts}"

    def json_record(self) -> dict[str, Any]:
        """The last record of ``--format json``: the keys of a finding (so a reader that
        iterates the array does not break) with ``kind: summary`` and no code."""
        return {
            "kind": "summary",
            "file": None,
            "line": None,
            "column": None,
            "severity": "info",
            "code": None,
            "message": self.headline,
            "hint": None,
            **self.properties(),
        }

    def properties(self) -> dict[str, Any]:
        """The structured part, shared by the JSON record and SARIF ``run.properties``."""
        return {
            "findings": self.findings,
            "resources": self.resources,
            "rules": self.rules,
            "network_policies": self.network_policies,
            "not_analysed": {
                "terraform": dict(sorted(self.terraform_not_analysed.items())),
                "kubernetes": dict(sorted(self.kubernetes_not_analysed.items())),
            },
            "notes": list(self.lines),
        }


def summarise(findings: int, inventory: Inventory, cluster: Cluster) -> DriftSummary:
    lines = [s for s in (inventory.summary(), cluster.summary(), *inventory.notes, *cluster.notes) if s]
    return DriftSummary(
        findings=findings,
        resources=len(inventory.resources),
        rules=len(inventory.rules),
        network_policies=len(cluster.policies),
        terraform_not_analysed=dict(inventory.not_analysed),
        kubernetes_not_analysed=dict(cluster.not_analysed),
        lines=tuple(lines),
    )
