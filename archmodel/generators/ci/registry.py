"""Registry login for a GitHub publish job, chosen by the stage's tool.

A cloud registry is reached through the cloud's OIDC login (no stored password); GitHub's
own registry through the job token; any other registry through a token secret, passed
to the login action and never written into a script.
"""

from __future__ import annotations

from typing import Any

from archmodel.generators.ci.deploy import LOGIN

Step = dict[str, Any]
IMAGE = "${{ vars.IMAGE_NAME || github.event.repository.name }}:${{ github.sha }}"


def _ecr() -> tuple[list[Step], str]:
    login = {"name": "Log in to Amazon ECR", "id": "ecr", "uses": "aws-actions/amazon-ecr-login@v2"}
    return [LOGIN["aws"], login], "${{ steps.ecr.outputs.registry }}/" + IMAGE


def _acr() -> tuple[list[Step], str]:
    login = {
        "name": "Log in to Azure Container Registry",
        "env": {"ACR": "${{ vars.ACR_NAME }}"},
        "run": 'az acr login --name "$ACR"\n',
    }
    return [LOGIN["azure"], login], "${{ vars.ACR_NAME }}.azurecr.io/" + IMAGE


def _gar() -> tuple[list[Step], str]:
    login = {
        "name": "Log in to Artifact Registry",
        "env": {"REPOSITORY": "${{ vars.GAR_REPOSITORY }}"},
        "run": 'gcloud auth configure-docker "${REPOSITORY%%/*}" --quiet\n',
    }
    return [LOGIN["gcp"], login], "${{ vars.GAR_REPOSITORY }}/" + IMAGE


CLOUD_REGISTRIES = {"ecr": _ecr, "acr": _acr, "gcr": _gar, "artifact registry": _gar}


def cloud_registry(tool: str) -> str | None:
    """The cloud registry the tool names, if any (it needs an OIDC token)."""
    return next((name for name in CLOUD_REGISTRIES if name in tool), None)


def login(tool: str) -> tuple[list[Step], str]:
    """Login steps and the image tag to push."""
    cloud = cloud_registry(tool)
    if cloud is not None:
        return CLOUD_REGISTRIES[cloud]()
    registry = "ghcr.io" if "ghcr" in tool or "github" in tool else "docker.io"
    with_: dict[str, Any] = {"registry": registry}
    if registry == "ghcr.io":
        with_ |= {"username": "${{ github.actor }}", "password": "${{ secrets.GITHUB_TOKEN }}"}
    else:
        with_ |= {"username": "${{ vars.REGISTRY_USER }}", "password": "${{ secrets.REGISTRY_TOKEN }}"}
    step = {"name": f"Log in to {registry}", "uses": "docker/login-action@v3", "with": with_}
    return [step], f"{registry}/${{{{ github.repository }}}}:${{{{ github.sha }}}}"
