"""Components: the boxes of the architecture."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from archmodel.model.base import Bool, Element, Id, IdList, Int, Text
from archmodel.model.ranked import Ranked


class Kind(StrEnum):
    actor = "actor"
    web_client = "web_client"
    mobile_client = "mobile_client"
    external_system = "external_system"
    cdn = "cdn"
    waf = "waf"
    load_balancer = "load_balancer"
    api_gateway = "api_gateway"
    service = "service"
    function = "function"
    database = "database"
    cache = "cache"
    queue = "queue"
    object_store = "object_store"
    identity_provider = "identity_provider"
    secrets_store = "secrets_store"
    monitoring = "monitoring"


class Criticality(Ranked):
    """How much the business depends on a component, least first."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Runtime(StrEnum):
    container = "container"
    serverless = "serverless"
    managed = "managed"
    vm = "vm"


class Deploy(Element):
    """How a component runs; drives the infrastructure skeletons."""

    runtime: Runtime
    image: Text | None = None
    replicas: Int | None = Field(default=None, ge=0, le=10_000)
    port: Int | None = Field(default=None, ge=1, le=65535)
    cpu: Text | None = None
    memory: Text | None = None


class Component(Element):
    """A deployable or external element of the system."""

    id: Id
    kind: Kind
    name: Text
    description: Text = ""
    owner: Text | None = None
    technology: Text | None = None
    zone: Id | None = None
    tags: list[Text] = Field(default_factory=list)
    controls: IdList
    stores: IdList
    processes: IdList
    public: Bool = False
    criticality: Criticality = Criticality.medium
    deploy: Deploy | None = None
    out_of_scope: Text | None = None
