"""Least privilege from the graph: a security group per networked component, one
ingress rule per modelled flow into it and one egress rule per modelled flow out of it,
and nothing else. (Terraform removes AWS's default allow-all egress rule from the groups
it manages, so without egress rules no component could open a connection at all.)

The rule's source is the flow's source: its security group when it has one, the
CloudFront origin-facing prefix list for a CDN (or a WAF realised on one), and otherwise
a CIDR variable with no default per source (``var.cidr_operators``), so that `plan`
asks who the operators or users are instead of opening the port to 0.0.0.0/0. A flow
whose port cannot be known gets no rule and a comment saying how to fix it.
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform.facts import Facts, flow_name, flow_port, port_notes
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Flow

CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
UDP_PROTOCOLS = frozenset({"dns"})


def security_group(facts: Facts) -> Block:
    return (
        Block("resource", ("aws_security_group", facts.id))
        .set("name_prefix", f"{facts.id}-")
        .set("description", f"archmodel {facts.id}: ingress from modelled flows only")
        .set("vpc_id", Raw("var.vpc_id"))
        .set("tags", facts.tags)
        .add(Block("lifecycle").set("create_before_destroy", True))
    )


def _source(flow: Flow, plan: Plan) -> tuple[str, Raw | str]:
    """Who may open the flow: the source's group, CloudFront's prefix list, or a CIDR
    the user names; never 0.0.0.0/0 by default (the internet must be written by hand)."""
    source = flow.source
    if plan.has_security_group(source):
        return "referenced_security_group_id", Raw(f"aws_security_group.{source}.id")
    if plan.via_cdn(source):
        return "prefix_list_id", Raw("data.aws_ec2_managed_prefix_list.cloudfront.id")
    name = plan.component(source).name
    return "cidr_ipv4", plan.require(
        f"cidr_{source}", "string", f"CIDR block that {source} ({name}) connects from"
    )


def _flow_rule(direction: str, facts: Facts, flow: Flow, port: int, peer: tuple[str, Raw | str]) -> Block:
    """The rule one flow needs on this component's group, in one direction."""
    key, value = peer
    return (
        Block("resource", (f"aws_vpc_security_group_{direction}_rule", flow_name(flow)))
        .set("security_group_id", Raw(f"aws_security_group.{facts.id}.id"))
        .set("description", f"archmodel flow {flow_name(flow)}")
        .set("ip_protocol", "udp" if flow.protocol in UDP_PROTOCOLS else "tcp")
        .set("from_port", port)
        .set("to_port", port)
        .set(key, value)
        .set("tags", {**facts.tags, "archmodel:flow": flow.id})
    )


def ingress_rules(facts: Facts, plan: Plan) -> tuple[list[Block], list[str]]:
    """Rules for the flows into a component, and notes on flows that got none."""
    rules, notes = [], []
    for flow in facts.inbound:
        port = flow_port(flow, facts.component, plan.managed(facts.id))
        if port is None:
            notes.append(f"flow {flow_name(flow)} has no port: add `port:` to the flow to allow it")
            continue
        notes += port_notes(flow, facts.component, port)
        rules.append(_flow_rule("ingress", facts, flow, port, _source(flow, plan)))
    return rules, notes


def _destination(flow: Flow, plan: Plan) -> tuple[str, Raw | str]:
    """A target with a security group is named by it; managed services outside the VPC
    and external systems are reached over their public endpoints."""
    if plan.has_security_group(flow.target):
        return "referenced_security_group_id", Raw(f"aws_security_group.{flow.target}.id")
    return "cidr_ipv4", Raw("var.external_egress_cidr")


def egress_rules(facts: Facts, plan: Plan) -> list[Block]:
    """Rules for the flows out of a component, plus HTTPS to AWS APIs for containers
    (image pulls, logs), which the model does not draw as flows: only those that run as
    ECS services here (a database with an image is a managed service, pulling nothing)."""
    rules = []
    for flow in facts.outbound:
        port = flow_port(flow, plan.graph.components[flow.target], plan.managed(flow.target))
        if port is None:
            continue  # the matching ingress side carries the note
        rules.append(_flow_rule("egress", facts, flow, port, _destination(flow, plan)))
    if plan.row_of(facts.id) == "container":
        rules.append(
            Block("resource", ("aws_vpc_security_group_egress_rule", f"{facts.id}_TO_AWS_APIS"))
            .set("security_group_id", Raw(f"aws_security_group.{facts.id}.id"))
            .set("description", "archmodel: HTTPS to AWS APIs (ECR image pulls, CloudWatch Logs)")
            .set("ip_protocol", "tcp")
            .set("from_port", 443)
            .set("to_port", 443)
            .set("cidr_ipv4", Raw("var.aws_api_egress_cidr"))
            .set("tags", facts.tags)
        )
    return rules


def uses_cloudfront_prefix_list(plan: Plan) -> bool:
    return any(
        plan.via_cdn(f.source) and plan.has_security_group(f.target) for f in plan.graph.flows.values()
    )


def cloudfront_prefix_list() -> Block:
    return Block("data", ("aws_ec2_managed_prefix_list", "cloudfront")).set("name", CLOUDFRONT_PREFIX_LIST)
