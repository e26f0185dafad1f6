"""The steps of one GitHub Actions job, chosen by the stage's kind and tool.

Model text (stage names, tools) only ever reaches ``name:`` fields, passed through
``gh_text`` so that a ``${{`` in it stays literal instead of becoming an expression;
``run:`` scripts are built from ids and constants only.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from archmodel.generators.ci.deploy import (
    LOGIN,
    cloud_of,
    deploy_steps,
    needs_oidc,
    terraform_apply,
    terraform_dir,
    terraform_plan,
)
from archmodel.generators.ci.options import GH_SHIP
from archmodel.generators.ci.registry import IMAGE, cloud_registry, login
from archmodel.graph import ArchGraph
from archmodel.model import Stage

CHECKOUT = {"name": "Check out", "uses": "actions/checkout@v4"}
SHIPPING = frozenset({"publish", "deploy"})


def gh_text(text: str) -> str:
    """Text for a field GitHub evaluates: ``${{`` becomes an expression yielding ``${{``."""
    return text.replace("${{", "${{ '${{' }}")


def _tool(stage: Stage) -> str:
    return (stage.tool or "").strip().lower()


def _build(stage: Stage) -> list[dict[str, Any]]:
    return [
        {"name": "Set up Docker Buildx", "uses": "docker/setup-buildx-action@v3"},
        {
            "name": "Build image",
            "uses": "docker/build-push-action@v6",
            "with": {"context": ".", "push": False, "tags": IMAGE},
        },
    ]


def _test(stage: Stage) -> list[dict[str, Any]]:
    tool = _tool(stage)
    if tool in ("pytest", "python", "tox"):
        return [
            {"name": "Set up Python", "uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
            {"name": "Install", "run": "pip install -e '.[dev]' || pip install -r requirements.txt"},
            {"name": "Run tests", "run": "pytest"},
        ]
    if tool in ("npm", "node", "jest"):
        return [
            {"name": "Set up Node", "uses": "actions/setup-node@v4", "with": {"node-version": "20"}},
            {"name": "Run tests", "run": "npm ci && npm test"},
        ]
    if tool == "go":
        return [
            {"name": "Set up Go", "uses": "actions/setup-go@v5"},
            {"name": "Run tests", "run": "go test ./..."},
        ]
    return [{"name": "Run tests", "run": "make test"}]


def _scan(stage: Stage) -> list[dict[str, Any]]:
    if _tool(stage) == "checkov":
        return [
            {
                "name": "Scan infrastructure code",
                "uses": "bridgecrewio/checkov-action@v12",
                "with": {"directory": "."},
            }
        ]
    return [
        {
            "name": "Scan with Trivy",
            "uses": "aquasecurity/trivy-action@0.28.0",
            "with": {"scan-type": "fs", "scan-ref": ".", "severity": "HIGH,CRITICAL", "exit-code": "1"},
        }
    ]


def _publish(stage: Stage) -> list[dict[str, Any]]:
    steps, tag = login(_tool(stage))
    push = {"context": ".", "push": True, "tags": tag}
    return [*steps, {"name": "Push image", "uses": "docker/build-push-action@v6", "with": push}]


def _publish_permissions(stage: Stage) -> dict[str, str]:
    """OIDC only for a cloud registry, package writes only for GitHub's own."""
    tool = _tool(stage)
    if cloud_registry(tool) is not None:
        return {"contents": "read", "id-token": "write"}
    if "ghcr" in tool or "github" in tool:
        return {"contents": "read", "packages": "write"}
    return {"contents": "read"}


def ships(stage: Stage, graph: ArchGraph) -> bool:
    """True for publish and deploy stages and everything after one: such jobs run only
    on the default branch or a tag, never for a pull request."""
    before = nx.ancestors(graph.stage_graph, stage.id)
    return str(stage.kind) in SHIPPING or any(str(graph.stages[s].kind) in SHIPPING for s in before)


def job_for(stage: Stage, graph: ArchGraph) -> dict[str, Any]:
    """The job of one (non-approval) stage."""
    job: dict[str, Any] = {"name": gh_text(stage.name), "runs-on": "ubuntu-latest", "timeout-minutes": 30}
    kind = str(stage.kind)
    if kind == "source":
        steps = [CHECKOUT]
    elif kind == "build":
        steps = [CHECKOUT, *_build(stage)]
    elif kind == "test":
        steps = [CHECKOUT, *_test(stage)]
    elif kind == "scan":
        steps = [CHECKOUT, *_scan(stage)]
    elif kind == "publish":
        job["permissions"] = _publish_permissions(stage)
        steps = [CHECKOUT, *_publish(stage)]
    elif kind == "deploy":
        environment = graph.environments.get(stage.environment or "default")
        if needs_oidc(cloud_of(environment)):
            job["permissions"] = {"contents": "read", "id-token": "write"}
        job["environment"] = {"name": stage.environment or "default"}
        steps = [CHECKOUT, *deploy_steps(stage, environment, _tool(stage), terraform_dir(graph, stage))]
    else:  # verify, monitor: a make target per stage kind keeps the workflow tool-agnostic
        env = f" ENVIRONMENT={stage.environment}" if stage.environment else ""
        steps = [CHECKOUT, {"name": f"Run {kind} checks", "run": f"make {kind}{env}"}]
    if ships(stage, graph):
        job["if"] = GH_SHIP
    job["steps"] = steps
    return job


def gated_by_approval(stage: Stage, graph: ArchGraph) -> bool:
    """True when an approval stage precedes this one in the pipeline."""
    before = nx.ancestors(graph.stage_graph, stage.id)
    return any(graph.stages[s].kind == "approval" for s in before)


def plan_job_id(stage_id: str, graph: ArchGraph) -> str:
    """``<stage>-plan``, lengthened while a stage already has that id."""
    name = f"{stage_id}-plan"
    while name in graph.stages:
        name += "-job"
    return name


def split_plan(stage: Stage, graph: ArchGraph, job: dict[str, Any]) -> dict[str, Any]:
    """A Terraform deploy behind an approval becomes two jobs: the plan, in environment
    ``<env>-plan`` (no reviewers; give it a read-only role), and the apply, in the
    gated environment, of exactly that plan. Reviewers approve what they have read.
    Returns the plan job; ``job`` becomes the apply."""
    if stage.kind != "deploy" or "terraform" not in _tool(stage) or not gated_by_approval(stage, graph):
        return {}
    env = stage.environment or "default"
    cloud = cloud_of(graph.environments.get(env))
    login = [LOGIN[cloud]] if cloud in LOGIN else []
    plan_id = plan_job_id(stage.id, graph)
    plan = {**job, "name": gh_text(f"{stage.name} (plan)"), "environment": {"name": f"{env}-plan"}}
    env_dir = terraform_dir(graph, stage)
    plan["steps"] = [CHECKOUT, *login, *terraform_plan(stage.id, env, cloud, env_dir)]
    job["needs"] = sorted([plan_id, *job.get("needs", [])])
    job["steps"] = [CHECKOUT, *login, *terraform_apply(stage.id, env, cloud, env_dir)]
    return {plan_id: plan}
