"""Read Terraform with python-hcl2 (for ``archmodel drift``): resources tagged with their component, and the
security-group rules between them (inline `ingress` blocks, `aws_security_group_rule`,
`aws_vpc_security_group_ingress_rule`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2

from archmodel.generators.terraform.facts import COMPONENT_TAG
from archmodel.inventory import INTERNET, Inventory, Resource, Rule
from archmodel.safe_files import NotRegular, TooLarge, kind_of, read_regular

# Resource types that realise a component (others, like listeners or rules, support one).
COMPONENT_TYPES = frozenset(
    {
        "aws_lb",
        "aws_alb",
        "aws_cloudfront_distribution",
        "aws_wafv2_web_acl",
        "aws_api_gateway_rest_api",
        "aws_apigatewayv2_api",
        "aws_ecs_service",
        "aws_lambda_function",
        "aws_instance",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_elasticache_replication_group",
        "aws_elasticache_cluster",
        "aws_msk_cluster",
        "aws_mq_broker",
        "aws_sqs_queue",
        "aws_s3_bucket",
        "aws_secretsmanager_secret",
        "aws_cognito_user_pool",
        "aws_dynamodb_table",
        "aws_eks_cluster",
    }
)
_SG_REF = re.compile(r"aws_security_group\.([A-Za-z0-9_-]+)\.id")
_OPEN = {"0.0.0.0/0", "::/0"}
_CIDR_INPUT = re.compile(r"\$\{var\.cidr_([A-Za-z0-9_]+)\}")


def _one(value: Any) -> Any:
    """python-hcl2 versions differ: some wrap every attribute in a one-element list."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return value[0]
    return value if isinstance(value, list) else [value]


def _sg(value: Any) -> str | None:
    match = _SG_REF.search(str(_one(value) or ""))
    return match[1] if match else None


TF_LIMIT = 16 * 1024 * 1024


class TerraformUnreadable(ValueError):
    """A ``.tf`` file that is not a regular file, too large, not UTF-8 or not HCL."""


def read_terraform(directory: Path, components: set[str]) -> Inventory:
    inventory = Inventory()
    for path in sorted(directory.rglob("*.tf")):
        document = _parse(path)
        for block in document.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    _resource(inventory, rtype, name, body, str(path), components)
    return inventory


def _component_of(name: str, body: dict[str, Any], components: set[str]) -> str | None:
    tags = _one(body.get("tags")) or {}
    tagged = tags.get(COMPONENT_TAG) if isinstance(tags, dict) else None
    if isinstance(tagged, str):
        return tagged
    guess = name.replace("_", "-")
    return guess if guess in components else name if name in components else None


def _resource(
    inv: Inventory, rtype: str, name: str, body: dict[str, Any], file: str, components: set[str]
) -> None:
    line = int(body.get("__start_line__", 1))
    address = f"{rtype}.{name}"
    if rtype == "aws_security_group":
        component = _component_of(name, body, components)
        if component:
            inv.groups[name] = component
            inv.enforced.add(component)
        for ingress in _list(body.get("ingress")):
            _inline_rule(inv, address, name, ingress, file, line)
    elif rtype == "aws_vpc_security_group_ingress_rule":
        target = _sg(body.get("security_group_id"))
        source = _sg(body.get("referenced_security_group_id"))
        cidr = _one(body.get("cidr_ipv4")) or _one(body.get("cidr_ipv6"))
        source = source or _cidr_input(inv, str(cidr or ""), components)
        if target and (source or cidr in _OPEN or _one(body.get("prefix_list_id"))):
            inv.rules.append(Rule(address, source or INTERNET, target, _port(body), file, line))
    elif rtype == "aws_security_group_rule" and _one(body.get("type")) == "ingress":
        target = _sg(body.get("security_group_id"))
        source = _sg(body.get("source_security_group_id"))
        open_world = bool(_OPEN & {str(c) for c in _list(body.get("cidr_blocks"))})
        if target and (source or open_world):
            inv.rules.append(Rule(address, source or INTERNET, target, _port(body), file, line))
    elif rtype in COMPONENT_TYPES:
        inv.resources.append(Resource(address, _component_of(name, body, components), file, line))


def _cidr_input(inv: Inventory, cidr: str, components: set[str]) -> str | None:
    """``var.cidr_<id>`` names the addresses of component <id> (the generator writes one
    for each flow source without a security group); any other CIDR input, like a managed
    prefix list (CloudFront's edge), is outside the managed groups: None."""
    match = _CIDR_INPUT.fullmatch(cidr)
    candidates = [c for c in components if match and c.replace("-", "_") == match[1]]
    if not candidates:
        return None
    inv.cidrs[cidr] = candidates[0]
    return cidr


def _inline_rule(inv: Inventory, address: str, target: str, ingress: Any, file: str, line: int) -> None:
    if not isinstance(ingress, dict):
        return
    sources = [_sg(s) for s in _list(ingress.get("security_groups"))]
    for source in sorted({s for s in sources if s}):
        inv.rules.append(Rule(address, source, target, _port(ingress), file, line))
    if _OPEN & {str(c) for c in _list(ingress.get("cidr_blocks"))}:
        inv.rules.append(Rule(address, INTERNET, target, _port(ingress), file, line))


def _port(body: dict[str, Any]) -> int | None:
    low, high = _one(body.get("from_port")), _one(body.get("to_port"))
    if isinstance(low, int) and low == high and low > 0:
        return low
    return None  # a range or all ports: matches any modelled port


def _parse(path: Path) -> dict[str, Any]:
    """One ``.tf`` file, read as infrastructure code from outside: only a regular file
    (never a FIFO or a link to a device), at most 16 MiB, and every failure names it."""
    try:
        text = read_regular(path, TF_LIMIT).decode("utf-8")
        document: dict[str, Any] = hcl2.loads(text, with_meta=True)  # type: ignore[attr-defined,unused-ignore]
    except NotRegular as exc:
        raise TerraformUnreadable(f"{path}: not a regular file ({kind_of(path)}); not read") from exc
    except TooLarge as exc:
        raise TerraformUnreadable(f"{path}: larger than {TF_LIMIT // (1024 * 1024)} MiB; not read") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TerraformUnreadable(f"{path}: cannot read: {exc}") from exc
    except Exception as exc:  # python-hcl2 raises lark's errors: the file is not HCL
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TerraformUnreadable(f"{path}: not valid HCL: {first}") from exc
    return document
