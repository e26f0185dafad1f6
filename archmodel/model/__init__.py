"""Typed model of an architecture (pydantic v2), one module per section."""

from archmodel.model.component import (
    Component,
    Criticality,
    DataFormat,
    Deploy,
    Kind,
    NamedPort,
    Runtime,
)
from archmodel.model.controls import (
    AUTH_CONTROLS,
    BUILTIN_CONTROLS,
    LAYER_NUMBER,
    LAYER_TITLE,
    NOT_ON_PATH,
    PATH_CONTROLS,
    Control,
    Layer,
)
from archmodel.model.data import (
    SECRET_CATEGORIES,
    ZONE_MAY_HOLD,
    Classification,
    DataAsset,
    DataCategory,
)
from archmodel.model.document import FORMAT_VERSION, LIST_SECTIONS, Document, Model
from archmodel.model.environment import Cloud, Environment, Tier
from archmodel.model.flow import Authentication, Flow
from archmodel.model.kinds import (
    CLIENTS,
    CLUSTER_FRONTS,
    DATA_STORES,
    EDGE_CANDIDATES,
    EDGE_SERVICES,
    HUMAN_CLIENTS,
    IMPLIED_CONTROLS,
    PASS_THROUGH,
    PROCESSING,
    TRANSIT_STORES,
    WORKLOADS,
    implied_controls,
    operated_workload,
    replica_bounds,
    runs_in_container,
    self_managed,
)
from archmodel.model.pipeline import Pipeline, Stage, StageKind
from archmodel.model.policy import (
    BUILTIN_RULE_PREFIX,
    DEFAULT_REQUIRED_LAYERS,
    POLICY_KEY,
    Policies,
    PolicyRule,
    Selector,
)
from archmodel.model.protocols import OPAQUE_PROTOCOLS, PROTOCOLS, URL_PROTOCOLS, Protocol, default_port
from archmodel.model.ranked import Ranked
from archmodel.model.ref import Ref
from archmodel.model.risk import Risk, RiskStatus
from archmodel.model.scenario import Scenario
from archmodel.model.stride import STRIDE_LETTER, Stride, ThreatSeverity
from archmodel.model.system import System
from archmodel.model.zone import Trust, Zone

__all__ = [
    "AUTH_CONTROLS",
    "BUILTIN_CONTROLS",
    "BUILTIN_RULE_PREFIX",
    "CLIENTS",
    "CLUSTER_FRONTS",
    "DATA_STORES",
    "DEFAULT_REQUIRED_LAYERS",
    "EDGE_CANDIDATES",
    "EDGE_SERVICES",
    "FORMAT_VERSION",
    "HUMAN_CLIENTS",
    "IMPLIED_CONTROLS",
    "LAYER_NUMBER",
    "LAYER_TITLE",
    "LIST_SECTIONS",
    "NOT_ON_PATH",
    "OPAQUE_PROTOCOLS",
    "PASS_THROUGH",
    "PATH_CONTROLS",
    "POLICY_KEY",
    "PROCESSING",
    "PROTOCOLS",
    "SECRET_CATEGORIES",
    "STRIDE_LETTER",
    "TRANSIT_STORES",
    "URL_PROTOCOLS",
    "WORKLOADS",
    "ZONE_MAY_HOLD",
    "Authentication",
    "Classification",
    "Cloud",
    "Component",
    "Control",
    "Criticality",
    "DataAsset",
    "DataCategory",
    "DataFormat",
    "Deploy",
    "Document",
    "Environment",
    "Flow",
    "Kind",
    "Layer",
    "Model",
    "NamedPort",
    "Pipeline",
    "Policies",
    "PolicyRule",
    "Protocol",
    "Ranked",
    "Ref",
    "Risk",
    "RiskStatus",
    "Runtime",
    "Scenario",
    "Selector",
    "Stage",
    "StageKind",
    "Stride",
    "System",
    "ThreatSeverity",
    "Tier",
    "Trust",
    "Zone",
    "default_port",
    "implied_controls",
    "operated_workload",
    "replica_bounds",
    "runs_in_container",
    "self_managed",
]
