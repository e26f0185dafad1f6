"""The files every Terraform output has: versions, providers, variables, outputs, tfvars.

Everything that differs between environments is a variable, and each environment's
values come from the model (``<env>.tfvars``): region, availability zones and so
``multi_az``, deletion protection for prod. Infrastructure the model does not describe
(VPC, subnets, certificates, cluster) is a variable with a null default for the user to set.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from archmodel.formats.hcl import Block, Raw, Value, quote, render_tfvars
from archmodel.generators.terraform.facts import aws_name
from archmodel.model import Environment, System

AWS_PROVIDER = "~> 6.25"  # the schema tests/tools/aws_schema checks against
TERRAFORM = ">= 1.10.0"  # S3 backend native locking (use_lockfile)


class Required:
    """No default: `terraform plan` asks for the value instead of failing on a null or
    an empty list deep inside a resource."""


REQUIRED = Required()

# name -> (type, default, description); defaults are what a dev environment would use.
# Infrastructure the model does not describe has no default; only the variables that
# the generated files use are declared, so a model without a CDN is not asked for one.
VARIABLES: dict[str, tuple[str, Value | Required, str]] = {
    "environment": ("string", "dev", "Environment id from the model"),
    "region": ("string", "us-east-1", "AWS region"),
    "availability_zones": ("number", 1, "Availability zones to spread over"),
    "multi_az": ("bool", False, "Run stateful services in more than one availability zone"),
    "deletion_protection": ("bool", False, "Protect databases and load balancers from deletion"),
    "tags": ("map(string)", {}, "Tags added to every resource"),
    "vpc_id": ("string", REQUIRED, "VPC that holds the networked components"),
    "private_subnet_ids": ("list(string)", REQUIRED, "Subnets for internal components"),
    "public_subnet_ids": ("list(string)", REQUIRED, "Subnets for internet-facing load balancers"),
    "certificate_arn": ("string", REQUIRED, "ACM certificate for HTTPS listeners"),
    "cdn_certificate_arn": ("string", REQUIRED, "ACM certificate (us-east-1) for CloudFront"),
    "ecs_cluster_arn": ("string", REQUIRED, "ECS cluster for container services"),
    "ecs_execution_role_arn": ("string", REQUIRED, "ECS task execution role (image pulls, logs)"),
    "ecs_task_role_arns": ("map(string)", {}, "Task roles by component id (least privilege per service)"),
    "kms_key_arn": ("string", REQUIRED, "Customer managed KMS key for components with the kms control"),
    "db_instance_class": ("string", "db.t4g.micro", "RDS instance class"),
    "db_subnet_group_name": ("string", REQUIRED, "RDS subnet group"),
    "rds_monitoring_role_arn": ("string", REQUIRED, "Role for RDS enhanced monitoring"),
    "docdb_instance_class": ("string", "db.t4g.medium", "DocumentDB instance class"),
    "docdb_subnet_group_name": ("string", REQUIRED, "DocumentDB subnet group"),
    "rabbitmq_version": ("string", "3.13", "Amazon MQ for RabbitMQ engine version"),
    "mq_instance_type": ("string", "mq.m5.large", "Amazon MQ broker instance type"),
    "mq_admin_password": ("string", REQUIRED, "Amazon MQ broker administrator password (12+ characters)"),
    "cache_node_type": ("string", "cache.t4g.micro", "ElastiCache node type"),
    "cache_subnet_group_name": ("string", REQUIRED, "ElastiCache subnet group"),
    "kafka_version": ("string", "3.6.0", "MSK Kafka version"),
    "kafka_instance_type": ("string", "kafka.t3.small", "MSK broker instance type"),
    "log_group_name": ("string", REQUIRED, "CloudWatch log group for MSK broker and ElastiCache slow logs"),
    "access_log_bucket": ("string", REQUIRED, "S3 bucket for access logs"),
    "access_log_bucket_domain_name": (
        "string",
        REQUIRED,
        "Domain name of the access log bucket (CloudFront)",
    ),
    "waf_log_destination_arn": ("string", REQUIRED, "Firehose/log group/bucket ARN for WAF logs"),
    "waf_rate_limit": ("number", 2000, "Requests per 5 minutes per IP for rate-limited WAFs"),
    "external_egress_cidr": (
        "string",
        "0.0.0.0/0",
        "Where flows to managed services and external systems go",
    ),
    "aws_api_egress_cidr": (
        "string",
        "0.0.0.0/0",
        "Where containers reach AWS APIs (narrow it to VPC endpoints)",
    ),
}
# ``\bvar\.name``, searched as ``var\.name`` with the word boundary checked by hand: a
# pattern that starts with a literal is found by a fast scan, one that starts with
# ``\b`` is tried at every byte (2.5x slower over 30 MB of Terraform at 10k components).
_REFERENCE = re.compile(rb"var\.([A-Za-z0-9_-]+)")
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def referenced(contents: Iterable[bytes]) -> set[str]:
    """The variable names that generated files refer to."""
    found: set[bytes] = set()
    search = _REFERENCE.search
    for content in contents:
        match = search(content)
        while match is not None:
            start = match.start()
            if start and content[start - 1] in _WORD:
                match = search(content, start + 1)  # no boundary: as ``\b`` would, go on
            else:
                found.add(match.group(1))
                match = search(content, match.end())
    return {name.decode() for name in found}


def versions() -> list[Block]:
    """Pinned Terraform and provider, and a partial S3 backend: state belongs in a
    bucket, whose name ``terraform init -backend-config=<env>.s3.tfbackend`` asks for."""
    aws = {"source": "hashicorp/aws", "version": AWS_PROVIDER}
    terraform = Block("terraform").set("required_version", TERRAFORM)
    return [terraform.add(Block("required_providers").set("aws", aws)).add(Block("backend", ("s3",)))]


def backend(env: Environment, system: System) -> bytes:
    """``<env>.s3.tfbackend``: one state per environment, encrypted and locked (S3
    native locking, Terraform 1.10+); the bucket is the user's to name."""
    values: dict[str, Value] = {
        "key": f"archmodel/{system.id or aws_name(system.name, 63)}/{env.id}.tfstate",
        "region": env.regions[0] if env.regions else "us-east-1",
        "encrypt": True,
        "use_lockfile": True,
    }
    head = f"# State of environment {env.id}: terraform init -backend-config={env.id}.s3.tfbackend\n"
    return (
        head + '# bucket = "..." (required: set it here, or terraform init asks for it)\n'
    ).encode() + render_tfvars(values)


def providers(system: System) -> list[Block]:
    tags = Raw(
        "merge(var.tags, {\n"
        '      "archmodel:environment" = var.environment\n'
        f'      "archmodel:system"      = {quote(system.id or system.name)}\n'
        "    })"
    )
    default_tags = Block("default_tags").set("tags", tags)
    return [
        Block("provider", ("aws",)).set("region", Raw("var.region")).add(default_tags),
        Block("provider", ("aws",))
        .set("alias", "us_east_1")
        .set("region", "us-east-1")
        .add(Block("default_tags").set("tags", tags)),
    ]


Variables = dict[str, tuple[str, Value | Required, str]]


def variables(
    used: set[str], inputs: dict[str, tuple[str, str]], table: Variables | None = None
) -> list[Block]:
    """The variables that ``used`` names: the fixed ones (``table``, AWS's by default),
    then the model's inputs."""
    specs = {
        **(VARIABLES if table is None else table),
        **{name: (kind, REQUIRED, text) for name, (kind, text) in sorted(inputs.items())},
    }
    blocks = []
    for name, (kind, default, description) in specs.items():
        if name not in used:
            continue
        block = Block("variable", (name,)).set("type", Raw(kind)).set("description", description)
        if name.endswith("_password"):  # kept out of plan output and logs
            block.set("sensitive", True)
        blocks.append(block if isinstance(default, Required) else block.set("default", default))
    return blocks


def outputs(security_groups: list[str], endpoints: dict[str, str]) -> list[Block]:
    groups = {cid: Raw(f"aws_security_group.{cid}.id") for cid in security_groups}
    ends = {cid: Raw(expr) for cid, expr in sorted(endpoints.items())}
    return [
        Block("output", ("security_group_ids",))
        .set("description", "Security group of each networked component, by component id")
        .set("value", groups),
        Block("output", ("endpoints",))
        .set("description", "Address of each generated component, by component id")
        .set("value", ends),
    ]


def tfvars(env: Environment, used: set[str]) -> dict[str, Value]:
    """The environment's values for the variables that are declared (Terraform warns
    about a value for an undeclared one)."""
    multi_az = env.availability_zones > 1 or "multi_az" in env.controls
    values: dict[str, Value] = {
        "environment": env.id,
        "region": env.regions[0] if env.regions else "us-east-1",
        "availability_zones": env.availability_zones,
        "multi_az": multi_az,
        "deletion_protection": env.tier == "prod",
    }
    return {name: value for name, value in values.items() if name in used}


class OtherCloud(UserWarning):
    """An environment on a cloud the Terraform generator writes no Terraform for (on-premises)."""


class NoMapping(OtherCloud):
    """A component whose kind has no resource on the cloud of the environments written."""


def other_clouds(environments: list[Environment], clouds: frozenset[str]) -> bytes | None:
    """A comment-only file naming the environments on none of ``clouds`` (None when there
    are none), each also raised as an ``OtherCloud`` warning: cloud resources for an
    on-premises environment would look right and plan nowhere, so they get nothing but
    this note (and the Kubernetes manifests of the Helm generator)."""
    notes = [
        f"NOTE: environment '{env.id}' is on {env.cloud}: archmodel writes Terraform for "
        f"{', '.join(sorted(clouds))} only, so nothing here is for '{env.id}' "
        "(it gets the Kubernetes manifests only)"
        for env in environments
        if env.cloud not in clouds
    ]
    for note in notes:
        warnings.warn(note.removeprefix("NOTE: "), OtherCloud, stacklevel=3)
    return "".join(f"# {note}\n" for note in notes).encode() if notes else None
