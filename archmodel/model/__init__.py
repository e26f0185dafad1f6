"""Typed model of an architecture (pydantic v2), one module per section."""

from archmodel.model.component import (
    CLIENTS,
    DATA_STORES,
    Component,
    Criticality,
    DataFormat,
    Deploy,
    Kind,
    NamedPort,
    Runtime,
)
from archmodel.model.controls import BUILTIN_CONTROLS, LAYER_NUMBER, LAYER_TITLE, Control, Layer
from archmodel.model.data import (
    CLASSIFICATION_RANK,
    SECRET_CATEGORIES,
    ZONE_MAY_HOLD,
    Classification,
    DataAsset,
    DataCategory,
)
from archmodel.model.document import FORMAT_VERSION, LIST_SECTIONS, Document, Model
from archmodel.model.environment import Cloud, Environment, Tier
from archmodel.model.flow import Authentication, Flow
from archmodel.model.pipeline import Pipeline, Stage, StageKind
from archmodel.model.protocols import PROTOCOLS, Protocol, default_port
from archmodel.model.risk import Risk, RiskStatus
from archmodel.model.scenario import Scenario
from archmodel.model.system import System
from archmodel.model.zone import TRUST_RANK, Trust, Zone

__all__ = [
    "BUILTIN_CONTROLS",
    "CLASSIFICATION_RANK",
    "CLIENTS",
    "DATA_STORES",
    "FORMAT_VERSION",
    "LAYER_NUMBER",
    "LAYER_TITLE",
    "LIST_SECTIONS",
    "PROTOCOLS",
    "SECRET_CATEGORIES",
    "TRUST_RANK",
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
    "Protocol",
    "Risk",
    "RiskStatus",
    "Runtime",
    "Scenario",
    "Stage",
    "StageKind",
    "System",
    "Tier",
    "Trust",
    "Zone",
    "default_port",
]
