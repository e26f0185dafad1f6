"""Components: the boxes of the architecture."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, Strict, StringConstraints, model_validator

from archmodel.model.base import Bool, Element, Id, IdList, Int, Named, Text
from archmodel.model.protocols import Protocol
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


Port = Annotated[int, Strict(), Field(ge=1, le=65535)]
# An OCI image digest (pinned images are pulled by it, whatever the tag says).
Digest = Annotated[str, Strict(), StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
# A Kubernetes namespace: a DNS label (starting with a letter, as scripts read it unquoted).
NamespaceName = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")]
# An HTTP path a health check may ask (no query, no spaces).
HealthPath = Annotated[str, Strict(), StringConstraints(pattern=r"^/[A-Za-z0-9._~/-]{0,200}$")]


class DataFormat(StrEnum):
    """Formats a component parses from its callers: what its input handling must survive."""

    json = "json"
    xml = "xml"
    yaml = "yaml"
    protobuf = "protobuf"
    thrift = "thrift"
    avro = "avro"
    graphql = "graphql"
    html_form = "html_form"
    multipart = "multipart"
    files = "files"
    serialized_objects = "serialized_objects"
    text = "text"


class NamedPort(Element):
    """One more port a container listens on (metrics, admin, a second protocol)."""

    name: Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z]([a-z0-9-]{0,13}[a-z0-9])?$")]
    port: Port
    protocol: Protocol | None = None


class Quantities(Element):
    cpu: CpuQuantity | None = Field(default=None, description="cores or millicores: 0.5, 500m")
    memory: MemoryQuantity | None = Field(default=None, description="bytes with a suffix: 512Mi, 1Gi")


class Resources(Element):
    """Kubernetes-style requests (what is reserved) and limits (what may be used)."""

    requests: Quantities | None = None
    limits: Quantities | None = None


class Sidecar(Element):
    """A container that runs next to the component's own (proxy, log shipper, agent)."""

    name: Id
    image: Text
    ports: list[NamedPort] = Field(default_factory=list)


class Deploy(Element):
    """How a component runs; drives the infrastructure skeletons.

    ``runtime`` may be left out: it is ``container`` when an ``image`` is given, else
    unknown (None). ``port`` is the port the container listens on; ``service_port`` the
    port its Service exposes, when they differ. ``cpu``/``memory`` are requests, kept for
    compatibility; ``resources`` says requests and limits apart.
    """

    runtime: Runtime | None = None
    image: Text | None = None
    # A deployed component runs at least one replica (Terraform and Helm agree on it).
    replicas: Int | None = Field(default=None, ge=1, le=10_000)
    port: Int | None = Field(default=None, ge=1, le=65535, description="the container port")
    service_port: Port | None = Field(default=None, description="the Service port, when not `port`")
    ports: list[NamedPort] = Field(default_factory=list)
    cpu: CpuQuantity | None = Field(default=None, description="cores or millicores: 0.5, 500m")
    memory: MemoryQuantity | None = Field(default=None, description="bytes with a suffix: 512Mi, 1Gi")
    resources: Resources | None = None
    sidecars: list[Sidecar] = Field(default_factory=list)
    digest: Digest | None = Field(default=None, description="the image digest (`sha256:…`)")
    namespace: NamespaceName | None = Field(
        default=None, description="Kubernetes namespace; default: system id"
    )
    health_path: HealthPath | None = Field(
        default=None, description="HTTP health check path; without it probes only open the port"
    )
    max_replicas: Int | None = Field(
        default=None, ge=1, le=10_000, description="autoscaling ceiling; `replicas` or less: none"
    )

    @model_validator(mode="before")
    @classmethod
    def _infer_runtime(cls, data: Any) -> Any:
        if isinstance(data, dict) and "runtime" not in data and data.get("image") is not None:
            return {**data, "runtime": "container"}
        return data

    @property
    def requests(self) -> Quantities:
        """CPU and memory requests: ``resources.requests`` over the older ``cpu``/``memory``."""
        given = self.resources.requests if self.resources and self.resources.requests else None
        return Quantities(
            cpu=(given.cpu if given else None) or self.cpu,
            memory=(given.memory if given else None) or self.memory,
        )

    @property
    def limits(self) -> Quantities | None:
        return self.resources.limits if self.resources else None

    @property
    def size(self) -> Quantities:
        """What a cloud runtime sizes the container to: a Fargate task, a Cloud Run
        service and a container app take one size, which also caps it, so the limits
        where the model gives them, else the requests."""
        limits, requests = self.limits, self.requests
        return Quantities(
            cpu=(limits.cpu if limits else None) or requests.cpu,
            memory=(limits.memory if limits else None) or requests.memory,
        )

    @property
    def pulled_image(self) -> str | None:
        """The image as a runtime pulls it: by its digest when the model gives one
        (``repo@sha256:…``, the form every registry and cloud runtime takes), which then
        decides what runs whatever the tag says; else the image as written."""
        if self.image is None or self.digest is None or "@" in self.image:
            return self.image
        return f"{_without_tag(self.image)}@{self.digest}"


def _without_tag(image: str) -> str:
    """``registry:5000/app:1.4`` → ``registry:5000/app``: a tag is after the last colon of
    the last path part (a colon before a slash is a registry's port)."""
    head, slash, last = image.rpartition("/")
    return f"{head}{slash}{last.split(':', 1)[0]}"


class Component(Named):
    """A deployable or external element of the system; only ``id`` and ``kind`` are required."""

    id: Id
    kind: Kind
    description: Text = ""
    owner: Text | None = None
    technology: Text | None = None
    zone: Id | None = None
    tags: list[Text] = Field(default_factory=list)
    controls: IdList
    stores: IdList
    processes: IdList
    accepts: list[DataFormat] = Field(default_factory=list, description="Formats it parses from callers.")
    public: Bool = False
    environments: IdList = Field(
        default_factory=list, description="Deployed only in these environments; left out, in every one."
    )
    criticality: Criticality = Criticality.medium
    deploy: Deploy | None = None
    out_of_scope: Text | None = None
