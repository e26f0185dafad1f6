"""Which provider icon draws a component: by kind, technology and the cloud it runs on.

Pure data and a pure function: the result is an icon key (``"aws.network.CloudFront"``,
a module below ``diagrams`` and a class name) that the icon renderer resolves. Keeping
the choice here makes it testable without Graphviz and keeps ``diagrams`` imports in one
module.
"""

from __future__ import annotations

from archmodel.graph import ArchGraph
from archmodel.model import Cloud, Component, Kind, Tier

# Technology words (lower-case substrings of ``technology``) that name a product icon
# wherever the component runs.
_PRODUCT: dict[str, str] = {
    "postgres": "onprem.database.Postgresql",
    "mysql": "onprem.database.Mysql",
    "mariadb": "onprem.database.Mariadb",
    "mongo": "onprem.database.Mongodb",
    "cassandra": "onprem.database.Cassandra",
    "redis": "onprem.inmemory.Redis",
    "memcached": "onprem.inmemory.Memcached",
    "kafka": "onprem.queue.Kafka",
    "rabbitmq": "onprem.queue.Rabbitmq",
    "nats": "onprem.queue.Nats",
    "nginx": "onprem.network.Nginx",
    "haproxy": "onprem.network.Haproxy",
    "envoy": "onprem.network.Envoy",
    "traefik": "onprem.network.Traefik",
    "kong": "onprem.network.Kong",
    "vault": "onprem.security.Vault",
    "prometheus": "onprem.monitoring.Prometheus",
    "grafana": "onprem.monitoring.Grafana",
    "datadog": "onprem.monitoring.Datadog",
    "keycloak": "onprem.identity.Dex",
    "auth0": "saas.identity.Auth0",
    "okta": "saas.identity.Okta",
    "ceph": "onprem.storage.Ceph",
    "python": "programming.language.Python",
    "java": "programming.language.Java",
    "kotlin": "programming.language.Kotlin",
    "golang": "programming.language.Go",
    "node": "programming.language.Nodejs",
    "typescript": "programming.language.Typescript",
    "rust": "programming.language.Rust",
    "ruby": "programming.language.Ruby",
}

# Managed services of each cloud by kind; a technology may refine the choice below.
_CLOUD: dict[Cloud, dict[Kind, str]] = {
    Cloud.aws: {
        Kind.cdn: "aws.network.CloudFront",
        Kind.waf: "aws.security.WAF",
        Kind.load_balancer: "aws.network.ElbApplicationLoadBalancer",
        Kind.api_gateway: "aws.network.APIGateway",
        Kind.service: "aws.compute.ElasticContainerService",
        Kind.function: "aws.compute.Lambda",
        Kind.database: "aws.database.RDS",
        Kind.cache: "aws.database.ElasticacheForRedis",
        Kind.queue: "aws.integration.SimpleQueueServiceSqs",
        Kind.object_store: "aws.storage.SimpleStorageServiceS3",
        Kind.identity_provider: "aws.security.Cognito",
        Kind.secrets_store: "aws.security.SecretsManager",
        Kind.monitoring: "aws.management.Cloudwatch",
    },
    Cloud.gcp: {
        Kind.cdn: "gcp.network.CDN",
        Kind.waf: "gcp.network.Armor",
        Kind.load_balancer: "gcp.network.LoadBalancing",
        Kind.api_gateway: "gcp.api.APIGateway",
        Kind.service: "gcp.compute.Run",
        Kind.function: "gcp.compute.Functions",
        Kind.database: "gcp.database.SQL",
        Kind.cache: "gcp.database.Memorystore",
        Kind.queue: "gcp.analytics.Pubsub",
        Kind.object_store: "gcp.storage.Storage",
        Kind.identity_provider: "gcp.security.Iam",
        Kind.secrets_store: "gcp.security.SecretManager",
        Kind.monitoring: "gcp.operations.Monitoring",
    },
    Cloud.azure: {
        Kind.cdn: "azure.network.CDNProfiles",
        Kind.waf: "azure.network.ApplicationGateway",
        Kind.load_balancer: "azure.network.LoadBalancers",
        Kind.api_gateway: "azure.integration.APIManagement",
        Kind.service: "azure.compute.ContainerApps",
        Kind.function: "azure.compute.FunctionApps",
        Kind.database: "azure.database.SQLDatabases",
        Kind.cache: "azure.database.CacheForRedis",
        Kind.queue: "azure.integration.ServiceBus",
        Kind.object_store: "azure.database.BlobStorage",
        Kind.monitoring: "azure.monitor.Monitor",
    },
}
# AWS refinements: (kind, technology word) -> icon.
_AWS_TECH: dict[tuple[Kind, str], str] = {
    (Kind.database, "aurora"): "aws.database.Aurora",
    (Kind.database, "dynamo"): "aws.database.Dynamodb",
    (Kind.database, "postgres"): "aws.database.RDS",
    (Kind.queue, "kafka"): "aws.analytics.ManagedStreamingForKafka",
    (Kind.queue, "kinesis"): "aws.analytics.KinesisDataStreams",
    (Kind.queue, "rabbitmq"): "aws.integration.MQ",
    (Kind.queue, "sns"): "aws.integration.SimpleNotificationServiceSns",
    (Kind.cache, "memcached"): "aws.database.ElasticacheForMemcached",
}
_ANYWHERE: dict[Kind, str] = {
    Kind.actor: "onprem.client.Users",
    Kind.web_client: "onprem.client.Client",
    Kind.mobile_client: "generic.device.Mobile",
    Kind.external_system: "onprem.network.Internet",
}
_GENERIC: dict[Kind, str] = {
    Kind.cdn: "onprem.network.Internet",
    Kind.waf: "generic.network.Firewall",
    Kind.load_balancer: "onprem.network.Haproxy",
    Kind.api_gateway: "onprem.network.Kong",
    Kind.service: "onprem.compute.Server",
    Kind.function: "onprem.compute.Server",
    Kind.database: "generic.database.SQL",
    Kind.cache: "onprem.inmemory.Redis",
    Kind.queue: "onprem.queue.Kafka",
    Kind.object_store: "generic.storage.Storage",
    Kind.identity_provider: "onprem.identity.Dex",
    Kind.secrets_store: "onprem.security.Vault",
    Kind.monitoring: "onprem.monitoring.Prometheus",
}
FALLBACK = "generic.blank.Blank"


def primary_cloud(graph: ArchGraph) -> Cloud | None:
    """The cloud the system runs on: production's, else the first environment's."""
    envs = list(graph.environments.values())
    prod = [e for e in envs if e.tier == Tier.prod]
    chosen = prod or envs
    return chosen[0].cloud if chosen else None


def icon_for(component: Component, cloud: Cloud | None) -> str:
    """The icon key of a component (always resolvable to some icon)."""
    tech = (component.technology or "").lower()
    if component.kind in _ANYWHERE:
        return _ANYWHERE[component.kind]
    if cloud == Cloud.aws:
        for (kind, word), key in _AWS_TECH.items():
            if kind == component.kind and word in tech:
                return key
    runtime = component.deploy.runtime if component.deploy else None
    managed = runtime in (None, "managed", "serverless")
    if cloud in _CLOUD and component.kind in _CLOUD[cloud]:
        cloud_icon = _CLOUD[cloud][component.kind]
        # A self-run product (container/vm) keeps its product icon; managed ones the cloud's.
        if managed or component.kind in (Kind.service, Kind.function):
            return cloud_icon
    for word, key in _PRODUCT.items():
        if word in tech:
            return key
    if cloud in _CLOUD and component.kind in _CLOUD[cloud]:
        return _CLOUD[cloud][component.kind]
    return _GENERIC.get(component.kind, FALLBACK)
