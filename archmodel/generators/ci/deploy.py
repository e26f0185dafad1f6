"""Deploy steps of a GitHub Actions job: cloud login, cluster access, then the tool.

Credentials come from OIDC (no long-lived keys in the repository): the login step per
cloud takes its role or identity from repository or environment variables
(``vars.*``), which are names, not secrets. Values reach shell scripts through ``env:``,
never as ``${{ }}`` inside ``run:``, so no expression can inject shell. Scripts are
built from ids and constants and run from ``$ARCHMODEL_OUT``, the committed output.
"""

from __future__ import annotations

from typing import Any

from archmodel.graph import ArchGraph
from archmodel.model import Cloud, Environment, Stage
from archmodel.model.view import has_topology

Step = dict[str, Any]

LOGIN: dict[str, Step] = {
    "aws": {
        "name": "Configure AWS credentials",
        "uses": "aws-actions/configure-aws-credentials@v4",
        "with": {"role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}"},
    },
    "gcp": {
        "name": "Authenticate to Google Cloud",
        "uses": "google-github-actions/auth@v2",
        "with": {
            "workload_identity_provider": "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
            "service_account": "${{ vars.GCP_SERVICE_ACCOUNT }}",
        },
    },
    "azure": {
        "name": "Log in to Azure",
        "uses": "azure/login@v2",
        "with": {
            "client-id": "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        },
    },
}

KUBECONFIG: dict[str, Step] = {
    "aws": {
        "name": "Set up kubeconfig (EKS)",
        "env": {"CLUSTER": "${{ vars.EKS_CLUSTER }}", "REGION": "${{ vars.AWS_REGION }}"},
        "run": 'aws eks update-kubeconfig --name "$CLUSTER" --region "$REGION"\n',
    },
    "gcp": {
        "name": "Set up kubeconfig (GKE)",
        "uses": "google-github-actions/get-gke-credentials@v2",
        "with": {"cluster_name": "${{ vars.GKE_CLUSTER }}", "location": "${{ vars.GKE_LOCATION }}"},
    },
    "azure": {
        "name": "Set up kubeconfig (AKS)",
        "uses": "azure/aks-set-context@v4",
        "with": {
            "resource-group": "${{ vars.AKS_RESOURCE_GROUP }}",
            "cluster-name": "${{ vars.AKS_CLUSTER }}",
        },
    },
    # No cloud identity on premises: the kubeconfig is a secret, read from the
    # environment into a file outside the workspace.
    "onprem": {
        "name": "Set up kubeconfig",
        "env": {"KUBECONFIG_CONTENT": "${{ secrets.KUBECONFIG }}"},
        "run": 'mkdir -p "$HOME/.kube"\n'
        'printf \'%s\\n\' "$KUBECONFIG_CONTENT" > "$HOME/.kube/config"\n'
        'chmod 600 "$HOME/.kube/config"\n',
    },
}

# Terraform state lives in the cloud's object store. The generated root module declares
# a partial backend and writes ``<env>.<kind>.tfbackend`` per environment (key or prefix,
# locking, encryption, Entra ID auth): init reads that file, so the plan job and the
# apply job of one environment always use one state. Only what the file leaves to the
# user (bucket, storage account) comes from variables; ``vars.TF_STATE_KEY``, when set,
# still overrides the key (state kept under an older key is not orphaned). An override
# file re-declares the backend, so a backend a hand-written root declares is replaced.
BACKEND: dict[str, tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "aws": ("s3", (("bucket", "TF_STATE_BUCKET"), ("key", "TF_STATE_KEY"), ("region", "AWS_REGION")), ()),
    "gcp": ("gcs", (("bucket", "TF_STATE_BUCKET"), ("prefix", "TF_STATE_KEY")), ()),
    "azure": (
        "azurerm",
        (
            ("resource_group_name", "TF_STATE_RESOURCE_GROUP"),
            ("storage_account_name", "TF_STATE_STORAGE_ACCOUNT"),
            ("container_name", "TF_STATE_CONTAINER"),
            ("key", "TF_STATE_KEY"),
        ),
        ("use_oidc=true",),
    ),
}
# The azurerm provider and backend log in with the job's OIDC token themselves (they
# read GitHub's ACTIONS_ID_TOKEN_REQUEST_* variables); they need the identity named.
ARM_OIDC = {
    "ARM_USE_OIDC": "true",
    "ARM_CLIENT_ID": "${{ vars.AZURE_CLIENT_ID }}",
    "ARM_TENANT_ID": "${{ vars.AZURE_TENANT_ID }}",
    "ARM_SUBSCRIPTION_ID": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    "TF_VAR_subscription_id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
}
# What the provider of each cloud needs in every Terraform step: the Azure OIDC identity
# and subscription; on GCP the project, which the root module's ``project_id`` declares
# without a default (plan runs with -input=false and cannot ask for it).
PROVIDER_ENV: dict[str, dict[str, str]] = {
    "azure": ARM_OIDC,
    "gcp": {"TF_VAR_project_id": "${{ vars.GCP_PROJECT_ID }}"},
}


def terraform_env(cloud: str) -> dict[str, str]:
    """The variables the Terraform steps of a cloud read: its state settings and what
    its provider needs (``PROVIDER_ENV``), nothing of another cloud."""
    if cloud not in BACKEND:
        return {}
    names = sorted(var for _, var in BACKEND[cloud][1])
    return {name: f"${{{{ vars.{name} }}}}" for name in names} | PROVIDER_ENV.get(cloud, {})


def cloud_of(environment: Environment | None) -> str:
    """The environment's cloud; a stage naming no known environment is taken as AWS,
    the model's default cloud."""
    return str(environment.cloud if environment else Cloud.aws)


def needs_oidc(cloud: str) -> bool:
    return cloud in LOGIN


def terraform_init(cloud: str, env: str) -> str:
    """``terraform init`` against the remote backend of the cloud, from the environment's
    generated backend file and the variables that are set. On premises nothing is
    generated and no object store is known: the job stops with a clear error unless a
    root module for the environment was added by hand (its own backend keeps the state;
    local state would be lost with the runner)."""
    if cloud not in BACKEND:
        return (
            f"if [ ! -f {env}.tfvars ]; then\n"
            f"  echo '::error::no Terraform is generated for the on-premises environment {env}: "
            "deploy it with Helm or kubectl, or add its root module with a remote backend'\n"
            "  exit 1\n"
            "fi\n"
            "terraform init -input=false\n"
        )
    kind, settings, fixed = BACKEND[cloud]
    config = f"{env}.{kind}.tfbackend"
    lines = [
        f"printf 'terraform {{\\n  backend \"{kind}\" {{}}\\n}}\\n' > backend_override.tf",
        "backend=()",
        f"if [ -f {config} ]; then backend+=(-backend-config={config}); fi",
        *(f'if [ -n "${var}" ]; then backend+=(-backend-config="{key}=${var}"); fi' for key, var in settings),
        *(f"backend+=(-backend-config={setting})" for setting in fixed),
        'terraform init -input=false "${backend[@]}"',
    ]
    return "\n".join(lines) + "\n"


def terraform_dir(graph: ArchGraph, stage: Stage) -> str | None:
    """Below ``terraform/``, the root module of the stage's environment: the environment
    itself when each has its own (their components differ), else its cloud's module
    (``gcp``, ``azure``), else None (AWS: ``terraform/`` itself)."""
    env = stage.environment or "default"
    if has_topology(graph.model):
        return env
    cloud = cloud_of(graph.environments.get(env))
    return cloud if cloud in ("gcp", "azure") else None


def tf_cd(env_dir: str | None) -> str:
    """Into the Terraform root module: ``terraform/``, or ``terraform/<env>/`` when the
    environments deploy different components (one root module each)."""
    return f'cd "$ARCHMODEL_OUT/{tf_path(env_dir)}" || exit 1\n'


def tf_path(env_dir: str | None) -> str:
    return f"terraform/{env_dir}" if env_dir else "terraform"


SETUP_TERRAFORM = {"name": "Set up Terraform", "uses": "hashicorp/setup-terraform@v3"}


def _init(cloud: str, env: str, env_dir: str | None, lock: str = "") -> Step:
    """``terraform init``; ``lock`` restores the lock file the plan was made with, so
    the apply uses the same provider builds."""
    restore = f"cp {lock}/terraform.lock.hcl .terraform.lock.hcl\n" if lock else ""
    run = tf_cd(env_dir) + restore + terraform_init(cloud, env)
    return _with_env({"name": "Terraform init", "run": run}, cloud)


def _with_env(step: Step, cloud: str) -> Step:
    """A Terraform step with the variables its cloud's provider and backend read."""
    env = terraform_env(cloud)
    return {"name": step["name"], **({"env": env} if env else {}), **step}


def _tf(name: str, run: str, cloud: str) -> Step:
    """A plan or apply step: what the cloud's provider needs (``PROVIDER_ENV``), nothing else."""
    env = PROVIDER_ENV.get(cloud)
    return {"name": name, **({"env": env} if env else {}), "run": run}


def terraform(env: str, cloud: str, env_dir: str | None) -> list[Step]:
    """Init, plan to a file, show it in the job summary, apply exactly that plan. For an
    environment without reviewers; behind an approval, ``terraform_plan`` and
    ``terraform_apply`` split this in two jobs."""
    plan = (
        f"terraform plan -input=false -var-file={env}.tfvars -out=tfplan\n"
        'terraform show -no-color tfplan >> "$GITHUB_STEP_SUMMARY"\n'
    )
    return [
        SETUP_TERRAFORM,
        _init(cloud, env, env_dir),
        _tf("Terraform plan", tf_cd(env_dir) + plan, cloud),
        _tf("Terraform apply", tf_cd(env_dir) + "terraform apply -input=false tfplan\n", cloud),
    ]


def plan_dir(stage_id: str) -> str:
    """Where a plan and its lock file travel between the plan and the apply job."""
    return f"plan-{stage_id}"


def terraform_plan(stage_id: str, env: str, cloud: str, env_dir: str | None) -> list[Step]:
    """The plan reviewers read (job summary) before they approve the apply, kept as an
    artifact so that the apply runs that plan and nothing else."""
    out = f'"$GITHUB_WORKSPACE/{plan_dir(stage_id)}"'
    plan = (
        f"mkdir -p {out}\n"
        f"terraform plan -input=false -var-file={env}.tfvars -out={out}/tfplan\n"
        f"cp .terraform.lock.hcl {out}/terraform.lock.hcl\n"
        f'terraform show -no-color {out}/tfplan >> "$GITHUB_STEP_SUMMARY"\n'
    )
    keep = {"name": f"tfplan-{stage_id}", "path": plan_dir(stage_id), "retention-days": 5}
    return [
        SETUP_TERRAFORM,
        _init(cloud, env, env_dir),
        _tf("Terraform plan", tf_cd(env_dir) + plan, cloud),
        {"name": "Keep the plan", "uses": "actions/upload-artifact@v4", "with": keep},
    ]


def terraform_apply(stage_id: str, env: str, cloud: str, env_dir: str | None) -> list[Step]:
    """Apply the reviewed plan; Terraform refuses it if the state moved since."""
    out = f'"$GITHUB_WORKSPACE/{plan_dir(stage_id)}"'
    fetch = {"name": f"tfplan-{stage_id}", "path": plan_dir(stage_id)}
    return [
        {"name": "Fetch the reviewed plan", "uses": "actions/download-artifact@v4", "with": fetch},
        SETUP_TERRAFORM,
        _init(cloud, env, env_dir, lock=out),
        _tf("Terraform apply", tf_cd(env_dir) + f"terraform apply -input=false {out}/tfplan\n", cloud),
    ]


# The namespace a chart's objects live in, from its Chart.yaml annotation: the release
# goes there too, and Helm creates it when missing.
CHART_NAMESPACE = """sed -n 's/^  archmodel[.]io[/]namespace: //p' "${chart}Chart.yaml" | tr -d '"'"""


def helm(env: str) -> list[Step]:
    """Every chart with values for the environment: a component deployed elsewhere only
    has no ``values-<env>.yaml`` and is skipped."""
    script = (
        'for chart in "$ARCHMODEL_OUT"/helm/*/; do\n'
        f'  [ -f "${{chart}}values-{env}.yaml" ] || continue\n'
        f"  ns=$({CHART_NAMESPACE})\n"
        '  helm upgrade --install "$(basename "$chart")" "$chart" '
        f'-f "${{chart}}values-{env}.yaml" --namespace "$ns" --create-namespace --atomic --wait\n'
        "done\n"
    )
    return [
        {"name": "Set up Helm", "uses": "azure/setup-helm@v4"},
        {"name": "Deploy charts", "run": script},
    ]


def kubectl(env: str) -> list[Step]:
    return [{"name": "Apply manifests", "run": f'kubectl apply -f "$ARCHMODEL_OUT/k8s/{env}/"\n'}]


def deploy_steps(stage: Stage, environment: Environment | None, tool: str, env_dir: str | None) -> list[Step]:
    """Login for the environment's cloud, cluster access when the tool talks to
    Kubernetes, then the tool's own steps."""
    env, cloud = stage.environment or "default", cloud_of(environment)
    steps = [LOGIN[cloud]] if cloud in LOGIN else []
    if "terraform" in tool:
        return steps + terraform(env, cloud, env_dir)
    steps.append(KUBECONFIG[cloud])
    return steps + (helm(env) if "helm" in tool else kubectl(env))
