"""The seven security layers of the seed design and their built-in controls."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archmodel.model.base import Element, Id, IdList, Text


class Layer(StrEnum):
    """Security layers, ordered from 7 (application) down to 1 (physical)."""

    application = "application"
    api = "api"
    network = "network"
    data = "data"
    infrastructure = "infrastructure"
    identity = "identity"
    physical = "physical"


LAYER_NUMBER: dict[Layer, int] = {
    Layer.application: 7,
    Layer.api: 6,
    Layer.network: 5,
    Layer.data: 4,
    Layer.infrastructure: 3,
    Layer.identity: 2,
    Layer.physical: 1,
}

LAYER_TITLE: dict[Layer, str] = {
    Layer.application: "Application Security",
    Layer.api: "API Security",
    Layer.network: "Network Security",
    Layer.data: "Data Security",
    Layer.infrastructure: "Infrastructure Security",
    Layer.identity: "Identity & Access",
    Layer.physical: "Physical Security",
}

# Controls that establish who is calling (on a component: of its callers; on a flow: of
# its caller). The threat rules and validation read them from here.
AUTH_CONTROLS = frozenset({"authentication", "oauth2", "jwt", "mtls"})

BUILTIN_CONTROLS: dict[str, tuple[Layer, str]] = {
    "waf": (Layer.application, "Web application firewall"),
    "input_validation": (Layer.application, "Input validation"),
    "authentication": (Layer.application, "Authentication"),
    "rbac": (Layer.application, "Role-based access control"),
    "api_gateway": (Layer.api, "API gateway"),
    "rate_limiting": (Layer.api, "Rate limiting"),
    "oauth2": (Layer.api, "OAuth 2.0"),
    "jwt": (Layer.api, "JWT validation"),
    "firewall": (Layer.network, "Firewall"),
    "security_groups": (Layer.network, "Security groups"),
    "nacl": (Layer.network, "Network ACLs"),
    "ids_ips": (Layer.network, "Intrusion detection / prevention"),
    "ddos_protection": (Layer.network, "DDoS protection"),
    "vpn": (Layer.network, "VPN"),
    "ip_allowlist": (Layer.network, "IP allow-list"),
    "tls": (Layer.data, "TLS in transit"),
    "mtls": (Layer.data, "Mutual TLS"),
    "encryption_at_rest": (Layer.data, "Encryption at rest"),
    "kms": (Layer.data, "Key management service"),
    "secrets_vault": (Layer.data, "Secrets vault"),
    "dlp": (Layer.data, "Data loss prevention"),
    "backup": (Layer.data, "Backups"),
    "hardening": (Layer.infrastructure, "Hardening"),
    "patching": (Layer.infrastructure, "Patching"),
    "compliance": (Layer.infrastructure, "Compliance"),
    "monitoring": (Layer.infrastructure, "Monitoring"),
    "logging": (Layer.infrastructure, "Logging"),
    "iam": (Layer.identity, "Identity and access management"),
    "mfa": (Layer.identity, "Multi-factor authentication"),
    "sso": (Layer.identity, "Single sign-on"),
    "zero_trust": (Layer.identity, "Zero trust"),
    "least_privilege": (Layer.identity, "Least privilege"),
    "data_center": (Layer.physical, "Data center security"),
    "multi_region": (Layer.physical, "Multi-region"),
    "multi_az": (Layer.physical, "Multi-AZ"),
}


# Per layer, the built-in controls that act on the way from the untrusted side to data:
# on a component, flow or zone of that way they stop, filter, encrypt or record what
# travels it. The others of a layer guard something else and leave the way as open as it
# was: backups restore data after a loss, a secrets vault keeps the services' own
# credentials, DDoS protection keeps the service up, a compliance attestation is paper.
# The defence-in-depth rules (AMT171-AMT177) count and name only these; a user-defined
# control counts for its layer, since the model says nothing more of what it does.
NOT_ON_PATH = frozenset({"backup", "secrets_vault", "ddos_protection", "compliance"})
PATH_CONTROLS: dict[Layer, frozenset[str]] = {
    layer: frozenset(c for c, (lay, _) in BUILTIN_CONTROLS.items() if lay is layer and c not in NOT_ON_PATH)
    for layer in Layer
}


class Control(Element):
    """A user-defined control that extends the built-in catalog of a layer."""

    id: Id
    layer: Layer
    name: Text
    description: Text = ""
    tags: list[Text] = Field(default_factory=list)
    environments: IdList = Field(
        default_factory=list, description="In force only in these environments; left out, in every one."
    )
