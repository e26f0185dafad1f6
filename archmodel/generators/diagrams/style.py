"""Colours and shapes shared by all views, so that a legend means the same everywhere."""

from __future__ import annotations

from archmodel.model import Classification, Kind, StageKind, ThreatSeverity, Tier, Trust

FONT = "Helvetica"

# Zone clusters: background and border by trust level (red = hostile ... green = vault).
TRUST_FILL: dict[Trust, str] = {
    Trust.untrusted: "#fdedec",
    Trust.dmz: "#fef5e7",
    Trust.internal: "#eaf2f8",
    Trust.restricted: "#e9f7ef",
}
TRUST_STROKE: dict[Trust, str] = {
    Trust.untrusted: "#c0392b",
    Trust.dmz: "#ca6f1e",
    Trust.internal: "#2e86c1",
    Trust.restricted: "#1e8449",
}

# Flows: colour and weight by the most sensitive data they carry.
CLASSIFICATION_COLOR: dict[Classification | None, str] = {
    None: "#7f8c8d",
    Classification.public: "#5d6d7e",
    Classification.internal: "#2471a3",
    Classification.confidential: "#b9770e",
    Classification.restricted: "#7d3c98",
}
CLASSIFICATION_WIDTH: dict[Classification | None, float] = {
    None: 1.2,
    Classification.public: 1.2,
    Classification.internal: 1.6,
    Classification.confidential: 2.2,
    Classification.restricted: 2.8,
}
# Open threats: border of a component and the colour of a "⚠ N" badge, by the worst one.
SEVERITY_COLOR: dict[ThreatSeverity, str] = {
    ThreatSeverity.critical: "#78281f",
    ThreatSeverity.high: "#cb4335",
    ThreatSeverity.medium: "#e67e22",
    ThreatSeverity.low: "#17a589",
}
PLAINTEXT = "#e74c3c"
GAP = "#c0392b"
GAP_FILL = "#fdedec"
MUTED = "#aab7b8"
MUTED_FILL = "#f4f6f6"
MUTED_FONT = "#7f8c8d"
PUBLIC = "#c0392b"

KIND_SHAPE: dict[Kind, str] = {
    Kind.actor: "actor",
    Kind.web_client: "box",
    Kind.mobile_client: "box",
    Kind.external_system: "folder",
    Kind.cdn: "hexagon",
    Kind.waf: "hexagon",
    Kind.load_balancer: "hexagon",
    Kind.api_gateway: "hexagon",
    Kind.service: "box",
    Kind.function: "box",
    Kind.database: "cylinder",
    Kind.cache: "cylinder",
    Kind.queue: "queue",
    Kind.object_store: "folder",
    Kind.identity_provider: "box",
    Kind.secrets_store: "box",
    Kind.monitoring: "note",
}

STAGE_FILL: dict[StageKind, str] = {
    StageKind.source: "#eaecee",
    StageKind.build: "#ebf5fb",
    StageKind.test: "#e8f8f5",
    StageKind.scan: "#fdedec",
    StageKind.publish: "#f4ecf7",
    StageKind.deploy: "#fef9e7",
    StageKind.verify: "#e8f8f5",
    StageKind.approval: "#fdebd0",
    StageKind.monitor: "#eaf2f8",
}
TIER_COLOR: dict[Tier, str] = {
    Tier.dev: "#2e86c1",
    Tier.staging: "#ca6f1e",
    Tier.prod: "#c0392b",
    Tier.other: "#566573",
}
TIER_ORDER: dict[Tier, int] = {Tier.dev: 0, Tier.staging: 1, Tier.prod: 2, Tier.other: 3}
