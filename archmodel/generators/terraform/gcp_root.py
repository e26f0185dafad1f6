"""The GCP root module (``terraform/gcp/``): pinned google provider, a partial ``gcs``
backend with ``<env>.gcs.tfbackend`` per environment, variables and each environment's
values. Infrastructure the model does not describe (project, VPC, KMS key, certificates)
is a variable with no default, so ``terraform plan`` asks for it.
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw, Value, quote, render_tfvars
from archmodel.generators.terraform import gcp_edge
from archmodel.generators.terraform.cloud import CloudSpec
from archmodel.generators.terraform.common import REQUIRED, TERRAFORM, Variables
from archmodel.generators.terraform.engines import is_kafka
from archmodel.generators.terraform.facts import Facts, aws_name
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Environment, System

GOOGLE_PROVIDER = "~> 6.50"  # the schema tests/tools/google_schema checks against
DEFAULT_REGION = "us-central1"

VARIABLES: Variables = {
    "environment": ("string", "dev", "Environment id from the model"),
    "project_id": ("string", REQUIRED, "Google Cloud project to deploy into"),
    "region": ("string", DEFAULT_REGION, "Google Cloud region"),
    "multi_az": ("bool", False, "Regional (multi-zone) Cloud SQL and Standard HA Memorystore"),
    "deletion_protection": ("bool", False, "Protect databases and services from deletion"),
    "labels": ("map(string)", {}, "Labels added to every resource"),
    "network_id": ("string", REQUIRED, "VPC network (projects/P/global/networks/N) for private services"),
    "subnetwork_id": ("string", REQUIRED, "Subnetwork for Cloud Run Direct VPC egress and Managed Kafka"),
    "kms_key_name": (
        "string",
        REQUIRED,
        "Cloud KMS key (CMEK) for components with encryption_at_rest or kms",
    ),
    "db_tier": ("string", "db-custom-1-3840", "Cloud SQL machine tier"),
    "redis_memory_size_gb": ("number", 1, "Memorystore for Redis size in GiB"),
    "kafka_vcpu_count": ("number", 3, "Managed Kafka vCPUs"),
    "kafka_memory_bytes": ("number", 3221225472, "Managed Kafka memory in bytes"),
    "access_log_bucket": ("string", REQUIRED, "Cloud Storage bucket for access logs"),
    "ssl_certificate_ids": ("list(string)", REQUIRED, "SSL certificates for HTTPS load balancers"),
    "run_service_accounts": (
        "map(string)",
        {},
        "Service account e-mail by component id (least privilege per Cloud Run service)",
    ),
    "waf_rate_limit": ("number", 2000, "Requests per 5 minutes per IP for rate-limited Cloud Armor policies"),
    "private_service_cidr": (
        "string",
        REQUIRED,
        "Range allocated to private services access (Cloud SQL, Memorystore, Managed Kafka)",
    ),
    "google_apis_cidr": (
        "string",
        "0.0.0.0/0",
        "Where services reach Google APIs and other Cloud Run services (narrow it to 199.36.153.8/30)",
    ),
    "external_egress_cidr": ("string", "0.0.0.0/0", "Where flows to external systems go"),
}
ENDPOINTS = {
    "container": "google_cloud_run_v2_service.{id}.uri",
    "database": "google_sql_database_instance.{id}.private_ip_address",
    "cache": "google_redis_instance.{id}.host",
    "object_store": "google_storage_bucket.{id}.url",
    "secrets_store": "google_secret_manager_secret.{id}.id",
    "load_balancer": "google_compute_global_forwarding_rule.{id}.ip_address",
}


def versions() -> list[Block]:
    google = {"source": "hashicorp/google", "version": GOOGLE_PROVIDER}
    terraform = Block("terraform").set("required_version", TERRAFORM)
    return [terraform.add(Block("required_providers").set("google", google)).add(Block("backend", ("gcs",)))]


def providers(system: System) -> list[Block]:
    labels = Raw(
        "merge(var.labels, {\n"
        '    "archmodel-environment" = var.environment\n'
        f'    "archmodel-system"      = {quote(system.id or aws_name(system.name, 63))}\n'
        "  })"
    )
    return [
        Block("provider", ("google",))
        .set("project", Raw("var.project_id"))
        .set("region", Raw("var.region"))
        .set("default_labels", labels)
    ]


def backend(env: Environment, system: System) -> tuple[str, bytes]:
    """``<env>.gcs.tfbackend``: one state per environment (GCS locks it); the bucket is the user's."""
    values: dict[str, Value] = {"prefix": f"archmodel/{system.id or aws_name(system.name, 63)}/{env.id}"}
    head = f"# State of environment {env.id}: terraform init -backend-config={env.id}.gcs.tfbackend\n"
    text = head + '# bucket = "..." (required: set it here, or terraform init asks for it)\n'
    return "gcs.tfbackend", text.encode() + render_tfvars(values)


def tfvars(env: Environment) -> dict[str, Value]:
    return {
        "environment": env.id,
        "region": env.regions[0] if env.regions else DEFAULT_REGION,
        "multi_az": env.availability_zones > 1 or "multi_az" in env.controls,
        "deletion_protection": env.tier == "prod",
    }


def endpoint(row: str, facts: Facts, plan: Plan) -> str | None:
    if row == "queue":
        kafka = is_kafka(facts.component)
        return (
            f"google_managed_kafka_cluster.{facts.id}.id" if kafka else f"google_pubsub_topic.{facts.id}.id"
        )
    template = ENDPOINTS.get(row)
    return template.format(id=facts.id) if template else None


def no_shared_network(plan: Plan) -> list[Block]:
    return []


SPEC = CloudSpec(
    name="gcp",
    variables=VARIABLES,
    versions=versions,
    providers=providers,
    backend=backend,
    tfvars=tfvars,
    networked=lambda row: row == "container",
    network=gcp_edge.firewall,
    shared_network=no_shared_network,
    endpoint=endpoint,
    notes=gcp_edge.notes,
)
