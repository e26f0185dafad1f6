"""The steps of one GitHub Actions job, chosen by the stage's kind and tool.

Model text (stage names, tools) only ever reaches ``name:`` fields, passed through
``gh_text`` so that a ``${{`` in it stays literal instead of becoming an expression;
``run:`` scripts are built from ids and constants only.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from archmodel.graph import ArchGraph
from archmodel.model import Stage

CHECKOUT = {"name": "Check out", "uses": "actions/checkout@v4"}
AWS_CREDENTIALS = {
    "name": "Configure AWS credentials",
    "uses": "aws-actions/configure-aws-credentials@v4",
    "with": {"role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}"},
}
IMAGE = "${{ vars.IMAGE_NAME || github.event.repository.name }}:${{ github.sha }}"


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
    tool = _tool(stage)
    steps: list[dict[str, Any]]
    if "ecr" in tool:
        steps = [
            AWS_CREDENTIALS,
            {"name": "Log in to Amazon ECR", "id": "ecr", "uses": "aws-actions/amazon-ecr-login@v2"},
        ]
        tag = "${{ steps.ecr.outputs.registry }}/" + IMAGE
    else:
        registry = "ghcr.io" if "ghcr" in tool or "github" in tool else "docker.io"
        login: dict[str, Any] = {"registry": registry}
        if registry == "ghcr.io":
            login |= {"username": "${{ github.actor }}", "password": "${{ secrets.GITHUB_TOKEN }}"}
        else:
            login |= {"username": "${{ vars.REGISTRY_USER }}", "password": "${{ secrets.REGISTRY_TOKEN }}"}
        steps = [{"name": f"Log in to {registry}", "uses": "docker/login-action@v3", "with": login}]
        tag = f"{registry}/${{{{ github.repository }}}}:${{{{ github.sha }}}}"
    steps.append(
        {
            "name": "Push image",
            "uses": "docker/build-push-action@v6",
            "with": {"context": ".", "push": True, "tags": tag},
        }
    )
    return steps


def _deploy(stage: Stage, graph: ArchGraph) -> list[dict[str, Any]]:
    env = stage.environment or "default"
    tool = _tool(stage)
    steps: list[dict[str, Any]] = []
    environment = graph.environments.get(env)
    if environment is None or environment.cloud == "aws":
        steps.append(AWS_CREDENTIALS)
    if "terraform" in tool:
        steps += [
            {"name": "Set up Terraform", "uses": "hashicorp/setup-terraform@v3"},
            {
                "name": "Apply",
                "working-directory": "terraform",
                "run": "terraform init -input=false\n"
                f"terraform apply -input=false -auto-approve -var-file={env}.tfvars\n",
            },
        ]
    elif "helm" in tool:
        script = (
            "for chart in helm/*/; do\n"
            '  helm upgrade --install "$(basename "$chart")" "$chart" '
            f'-f "${{chart}}values-{env}.yaml" --atomic --wait\n'
            "done\n"
        )
        steps += [
            {"name": "Set up Helm", "uses": "azure/setup-helm@v4"},
            {"name": "Deploy charts", "run": script},
        ]
    else:
        steps.append({"name": "Apply manifests", "run": f"kubectl apply -f k8s/{env}/"})
    return steps


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
        job["permissions"] = {"contents": "read", "id-token": "write", "packages": "write"}
        steps = [CHECKOUT, *_publish(stage)]
    elif kind == "deploy":
        job["permissions"] = {"contents": "read", "id-token": "write"}
        job["environment"] = {"name": stage.environment or "default"}
        steps = [CHECKOUT, *_deploy(stage, graph)]
    else:  # verify, monitor: a make target per stage kind keeps the workflow tool-agnostic
        env = f" ENVIRONMENT={stage.environment}" if stage.environment else ""
        steps = [CHECKOUT, {"name": f"Run {kind} checks", "run": f"make {kind}{env}"}]
    job["steps"] = steps
    return job


def gated_by_approval(stage: Stage, graph: ArchGraph) -> bool:
    """True when an approval stage precedes this one in the pipeline."""
    before = nx.ancestors(graph.stage_graph, stage.id)
    return any(graph.stages[s].kind == "approval" for s in before)
