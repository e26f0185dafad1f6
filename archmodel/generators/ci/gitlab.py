"""``ci/gitlab-ci.yml``: the same pipeline stages as a GitLab CI pipeline.

GitLab runs ``stages:`` as phases and ``needs:`` as a DAG inside them, so each stage of
the model becomes a job in the phase of its depth in the stage graph, with ``needs``
from the model. An approval stage is not a job: the jobs right after it are
``when: manual`` (GitLab's approval; their dependents wait for them), and deploy jobs
bind to their ``environment``. Scripts are built from ids and constants only; model
text reaches nothing GitLab evaluates.

Publish, deploy and the jobs after them run only on the default branch or a tag
(``rules``), are never cancelled by a newer pipeline (``interruptible: false``: a
half-done apply is worse than a late one) and deploy from ``$ARCHMODEL_OUT``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from archmodel.generators.ci.deploy import CHART_NAMESPACE, cloud_of, terraform_dir, tf_path
from archmodel.generators.ci.options import DEFAULT, GL_SHIP, CiOptions
from archmodel.graph import ArchGraph
from archmodel.model import Stage
from archmodel.naming import unique

IMAGE = '"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"'
DOCKER = {"image": "docker:27", "services": ["docker:27-dind"]}
SHIPPING = frozenset({"publish", "deploy"})
# One pipeline per change: merge requests get a merge-request pipeline, the default
# branch and tags a branch or tag pipeline, never both for the same push.
WORKFLOW = {
    "rules": [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
        {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"},
        {"if": "$CI_COMMIT_BRANCH"},
        {"if": "$CI_COMMIT_TAG"},
    ]
}


BACKEND = "printf 'terraform {\\n  backend \"http\" {}\\n}\\n' > backend_override.tf"
STATES = "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/terraform/state"
STATE = " ".join(
    f'-backend-config="{setting}"'
    for setting in (
        "address=$TF_STATE_URL",
        "lock_address=$TF_STATE_URL/lock",
        "unlock_address=$TF_STATE_URL/lock",
        "lock_method=POST",
        "unlock_method=DELETE",
        "username=gitlab-ci-token",
        "password=$CI_JOB_TOKEN",
    )
)


def init(env_dir: str | None, env: str, cloud: str) -> list[str]:
    """Into the Terraform root module (``terraform/<env>/`` when environments deploy
    different components), with GitLab's state backend. On premises nothing is
    generated: the job stops with a clear error unless a root module with the
    environment's tfvars was added by hand (as the GitHub workflow does)."""
    where = tf_path(env_dir)
    guard = (
        [
            f"if [ ! -f {env}.tfvars ]; then echo 'ERROR: no Terraform is generated for the "
            f"on-premises environment {env}: deploy it with Helm or kubectl, or add its root "
            "module' >&2; exit 1; fi"
        ]
        if cloud == "onprem"
        else []
    )
    return [f'cd "$ARCHMODEL_OUT/{where}" || exit 1', *guard, BACKEND, f"terraform init -input=false {STATE}"]


# OIDC for Terraform on GitLab: an ID token the cloud exchanges for the role or
# identity named in the environment's CI/CD variables, read by the providers themselves:
# AWS_ROLE_ARN; ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID; on GCP
# GCP_WORKLOAD_IDENTITY_PROVIDER (projects/<number>/locations/global/
# workloadIdentityPools/<pool>/providers/<provider>) and GCP_SERVICE_ACCOUNT, from which
# the job writes an external-account credential file (Application Default Credentials).
GCP_CREDENTIALS = (
    'printf \'{"type": "external_account", "audience": "//iam.googleapis.com/%s", '
    '"subject_token_type": "urn:ietf:params:oauth:token-type:jwt", '
    '"token_url": "https://sts.googleapis.com/v1/token", "credential_source": {"file": "%s"}, '
    '"service_account_impersonation_url": '
    '"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/%s:generateAccessToken"}\\n\' '
    '"$GCP_WORKLOAD_IDENTITY_PROVIDER" "$GCP_ID_TOKEN_FILE" "$GCP_SERVICE_ACCOUNT" '
    '> "$GOOGLE_APPLICATION_CREDENTIALS"'
)
OIDC: dict[str, dict[str, Any]] = {
    "aws": {
        "id_tokens": {"AWS_WEB_IDENTITY_TOKEN": {"aud": "sts.amazonaws.com"}},
        "variables": {"AWS_WEB_IDENTITY_TOKEN_FILE": "$CI_PROJECT_DIR/.aws-web-identity-token"},
        "before_script": ['printf \'%s\' "$AWS_WEB_IDENTITY_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"'],
    },
    "gcp": {
        "id_tokens": {"GCP_ID_TOKEN": {"aud": "https://iam.googleapis.com/$GCP_WORKLOAD_IDENTITY_PROVIDER"}},
        "variables": {
            "GCP_ID_TOKEN_FILE": "$CI_PROJECT_DIR/.gcp-id-token",
            "GOOGLE_APPLICATION_CREDENTIALS": "$CI_PROJECT_DIR/.gcp-credentials.json",
            # the GCP root module declares project_id without a default
            "TF_VAR_project_id": "$GCP_PROJECT_ID",
        },
        "before_script": ['printf \'%s\' "$GCP_ID_TOKEN" > "$GCP_ID_TOKEN_FILE"', GCP_CREDENTIALS],
    },
    "azure": {
        "id_tokens": {"ARM_OIDC_TOKEN": {"aud": "api://AzureADTokenExchange"}},
        "variables": {"ARM_USE_OIDC": "true", "TF_VAR_subscription_id": "$ARM_SUBSCRIPTION_ID"},
    },
}


def _with_oidc(job: dict[str, Any], cloud: str) -> None:
    """Add the cloud's OIDC login to a Terraform job."""
    auth = OIDC.get(cloud, {})
    job["variables"] = {**job.get("variables", {}), **auth.get("variables", {})}
    job |= {key: value for key, value in auth.items() if key != "variables"}


def _tool_image(name: str) -> dict[str, Any]:
    """An image whose entrypoint is the tool: cleared so GitLab can run the script."""
    return {"image": {"name": name, "entrypoint": [""]}}


def _deploy(stage: Stage, env_dir: str | None, cloud: str) -> dict[str, Any]:
    """Terraform keeps its state in GitLab's own state backend (one state per
    environment, locked, authenticated by the job token) and applies the plan it just
    made; Helm and kubectl use the cluster context of the GitLab agent
    (``$KUBE_CONTEXT``, a CI/CD variable per environment)."""
    tool, env = (stage.tool or "").lower(), stage.environment or "default"
    if "terraform" in tool:
        return {
            **_tool_image("hashicorp/terraform:1.9"),
            "variables": {"TF_STATE_URL": f"{STATES}/{env}"},
            "script": [
                *init(env_dir, env, cloud),
                f"terraform plan -input=false -var-file={env}.tfvars -out=tfplan",
                "terraform apply -input=false tfplan",
            ],
        }
    if "helm" in tool:
        return {
            **_tool_image("alpine/helm:3.16"),
            "script": [
                'for c in "$ARCHMODEL_OUT"/helm/*/; do '
                f'[ -f "${{c}}values-{env}.yaml" ] || continue; '
                f"ns=$({CHART_NAMESPACE.replace('${chart}', '${c}')}); "
                'helm upgrade --install "$(basename "$c")" "$c" '
                f'-f "${{c}}values-{env}.yaml" --namespace "$ns" --create-namespace '
                '--kube-context "$KUBE_CONTEXT" --atomic --wait; done'
            ],
        }
    return {
        **_tool_image("bitnami/kubectl:1.31"),
        "script": [f'kubectl --context "$KUBE_CONTEXT" apply -f "$ARCHMODEL_OUT/k8s/{env}/"'],
    }


def _script(stage: Stage, env_dir: str | None, cloud: str) -> dict[str, Any]:
    """Image and script of one job, by stage kind and tool."""
    kind = str(stage.kind)
    if kind == "source":
        return {"script": ["git log -1 --format=%H"]}
    if kind == "build":
        return {**DOCKER, "script": [f"docker build -t {IMAGE} ."]}
    if kind == "test":
        return {"script": ["make test"]}
    if kind == "scan":
        return {
            "image": {"name": "aquasec/trivy:latest", "entrypoint": [""]},
            "script": ["trivy fs --exit-code 1 --severity HIGH,CRITICAL ."],
        }
    if kind == "publish":
        login = (
            'echo "$CI_REGISTRY_PASSWORD" | '
            'docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"'
        )
        return {**DOCKER, "script": [login, f"docker build -t {IMAGE} .", f"docker push {IMAGE}"]}
    if kind == "deploy":
        return _deploy(stage, env_dir, cloud)
    suffix = f" ENVIRONMENT={stage.environment}" if stage.environment else ""
    return {"script": [f"make {kind}{suffix}"]}


def effective_needs(stage: Stage, stages: dict[str, Stage]) -> list[str]:
    """Needs with approval stages replaced by what they need (they are not jobs)."""
    result: set[str] = set()
    todo, seen = list(stage.needs), set()
    while todo:
        need = todo.pop()
        if need in seen or need not in stages:
            continue
        seen.add(need)
        if stages[need].kind == "approval":
            todo.extend(stages[need].needs)
        else:
            result.add(need)
    return sorted(result)


def _phase_names(jobs: list[Stage], depth: dict[str, int]) -> dict[int, str]:
    """Phase names from the kinds of stage they hold (``build-scan-test``), made unique."""
    names: dict[int, str] = {}
    for level in sorted({depth[s.id] for s in jobs}):
        base = "-".join(sorted({str(s.kind) for s in jobs if depth[s.id] == level}))
        name, n = base, 2
        while name in names.values():
            name, n = f"{base}-{n}", n + 1
        names[level] = name
    return names


# Top-level keys GitLab reads as configuration, and `pages`, which it runs as a Pages
# deploy: a stage with one of these ids gets a job name with a suffix instead.
RESERVED = frozenset(
    {
        "default", "include", "stages", "variables", "workflow", "image", "services", "cache",
        "before_script", "after_script", "pages", "spec",
    }
)  # fmt: skip


def job_name(stage_id: str) -> str:
    return f"{stage_id}-job" if stage_id in RESERVED else stage_id


def _ships(stage: Stage, graph: ArchGraph) -> bool:
    before = nx.ancestors(graph.stage_graph, stage.id)
    return str(stage.kind) in SHIPPING or any(str(graph.stages[s].kind) in SHIPPING for s in before)


def _guard(job: dict[str, Any], stage: Stage, graph: ArchGraph) -> None:
    """Rules and interruptibility of a job that ships or follows one. GitLab takes
    ``when: manual`` from the rule once a job has rules."""
    manual = any(graph.stages[n].kind == "approval" for n in stage.needs if n in graph.stages)
    if not _ships(stage, graph):
        return
    rule: dict[str, Any] = {"if": GL_SHIP}
    if manual:
        rule["when"] = "manual"
        job["allow_failure"] = False
    job["rules"] = [rule]
    if str(stage.kind) in SHIPPING:
        job["interruptible"] = False


def _split_plan(
    stage: Stage, job: dict[str, Any], taken: set[str], env_dir: str | None, cloud: str
) -> dict[str, Any]:
    """A manual Terraform deploy (right after an approval) becomes a plan job that runs
    by itself and a manual apply of that plan (its artifact): whoever starts the apply
    has read the plan. The plan job prepares the environment (its variables, no
    deployment). Returns the plan job; ``job`` becomes the apply."""
    rules = job.get("rules", [{}])
    if "terraform" not in (stage.tool or "").lower() or rules[0].get("when") != "manual":
        return {}
    env, folder = stage.environment or "default", f"plan-{stage.id}"
    out = f'"$CI_PROJECT_DIR/{folder}"'
    name = f"{job_name(stage.id)}-plan"
    while name in taken:
        name += "-job"
    keys = ("stage", "image", "variables", "needs", "id_tokens", "before_script")
    plan = {key: job[key] for key in keys if key in job}
    plan |= {"environment": {"name": env, "action": "prepare"}, "rules": [{"if": GL_SHIP}]}
    plan["script"] = [
        *init(env_dir, env, cloud),
        f"mkdir -p {out}",
        f"terraform plan -input=false -var-file={env}.tfvars -out={out}/tfplan",
        f"cp .terraform.lock.hcl {out}/terraform.lock.hcl",
        f"terraform show -no-color {out}/tfplan",
    ]
    plan["artifacts"] = {"paths": [folder], "expire_in": "1 week"}
    job["needs"] = sorted([name, *job["needs"]])
    restore = f"cp {out}/terraform.lock.hcl .terraform.lock.hcl"
    *into, start = init(env_dir, env, cloud)
    job["script"] = [*into, restore, start, f"terraform apply -input=false {out}/tfplan"]
    return {name: plan}


def pipeline(graph: ArchGraph, ci: CiOptions = DEFAULT) -> dict[str, Any]:
    stages = graph.stages
    jobs = [s for s in stages.values() if s.kind != "approval"]
    depth = {sid: 0 for sid in stages}
    for sid in nx.topological_sort(graph.stage_graph):
        for succ in graph.stage_graph.successors(sid):
            depth[succ] = max(depth[succ], depth[sid] + (stages[sid].kind != "approval"))
    names = _phase_names(jobs, depth)
    unique("GitLab CI job", ((f"stage '{s.id}'", job_name(s.id)) for s in jobs))
    doc: dict[str, Any] = {
        "workflow": WORKFLOW,
        "variables": {"ARCHMODEL_OUT": ci.out_dir},
        "stages": list(names.values()),
        "default": {"interruptible": True},
    }
    for stage in sorted(jobs, key=lambda s: s.id):
        env_dir = terraform_dir(graph, stage)
        cloud = cloud_of(graph.environments.get(stage.environment or "default"))
        job: dict[str, Any] = {"stage": names[depth[stage.id]], **_script(stage, env_dir, cloud)}
        job["needs"] = [job_name(n) for n in effective_needs(stage, stages)]
        if stage.kind == "deploy" and "terraform" in (stage.tool or "").lower():
            _with_oidc(job, cloud)
        if stage.kind == "deploy":
            job["environment"] = {"name": stage.environment or "default"}
            job["resource_group"] = stage.environment or "default"
        if any(stages[n].kind == "approval" for n in stage.needs if n in stages) and not _ships(stage, graph):
            job["when"] = "manual"
            job["allow_failure"] = False
        _guard(job, stage, graph)
        doc[job_name(stage.id)] = job
        doc |= _split_plan(stage, job, {job_name(s.id) for s in jobs}, env_dir, cloud)
    return doc
