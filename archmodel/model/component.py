"""Components: the boxes of the architecture."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict, StringConstraints

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


# Kubernetes resource quantities as people write them: CPU in cores or millicores
# (``0.5``, ``500m``), memory in bytes with a binary or decimal suffix (``512Mi``, ``1G``).
# No exponents or infinities: every generator turns them into exact numbers.
CpuQuantity = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{1,6}(\.[0-9]{1,3})?m?$")]
MemoryQuantity = Annotated[
    str, Strict(), StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,3})?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
]


class Deploy(Element):
    """How a component runs; drives the infrastructure skeletons."""

    runtime: Runtime
    image: Text | None = None
    # A deployed component runs at least one replica (Terraform and Helm agree on it).
    replicas: Int | None = Field(default=None, ge=1, le=10_000)
    port: Int | None = Field(default=None, ge=1, le=65535)
    cpu: CpuQuantity | None = Field(default=None, description="cores or millicores: 0.5, 500m")
    memory: MemoryQuantity | None = Field(default=None, description="bytes with a suffix: 512Mi, 1Gi")


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
