"""``ci/gitlab-ci.yml``: the same pipeline stages as a GitLab CI pipeline.

GitLab runs ``stages:`` as phases and ``needs:`` as a DAG inside them, so each stage of
the model becomes a job in the phase of its depth in the stage graph, with ``needs``
from the model. An approval stage is not a job: the jobs right after it are
``when: manual`` (GitLab's approval; their dependents wait for them), and deploy jobs
bind to their ``environment``. Scripts are built from ids and constants only; model
text reaches nothing GitLab evaluates.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from archmodel.graph import ArchGraph
from archmodel.model import Stage
from archmodel.naming import unique

IMAGE = "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
DOCKER = {"image": "docker:27", "services": ["docker:27-dind"]}


def _script(stage: Stage) -> dict[str, Any]:
    """Image and script of one job, by stage kind and tool."""
    kind, tool, env = str(stage.kind), (stage.tool or "").lower(), stage.environment or "default"
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
            'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY'
        )
        return {**DOCKER, "script": [login, f"docker build -t {IMAGE} .", f"docker push {IMAGE}"]}
    if kind == "deploy":
        if "terraform" in tool:
            return {
                "script": [
                    "cd terraform",
                    "terraform init -input=false",
                    f"terraform apply -input=false -auto-approve -var-file={env}.tfvars",
                ]
            }
        if "helm" in tool:
            return {
                "script": [
                    f'for c in helm/*/; do helm upgrade --install "$(basename "$c")" "$c" '
                    f'-f "${{c}}values-{env}.yaml" --atomic --wait; done'
                ]
            }
        return {"script": [f"kubectl apply -f k8s/{env}/"]}
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


def pipeline(graph: ArchGraph) -> dict[str, Any]:
    stages = graph.stages
    jobs = [s for s in stages.values() if s.kind != "approval"]
    depth = {sid: 0 for sid in stages}
    for sid in nx.topological_sort(graph.stage_graph):
        for succ in graph.stage_graph.successors(sid):
            depth[succ] = max(depth[succ], depth[sid] + (stages[sid].kind != "approval"))
    names = _phase_names(jobs, depth)
    unique("GitLab CI job", ((f"stage '{s.id}'", job_name(s.id)) for s in jobs))
    doc: dict[str, Any] = {"stages": list(names.values()), "default": {"interruptible": True}}
    for stage in sorted(jobs, key=lambda s: s.id):
        job: dict[str, Any] = {"stage": names[depth[stage.id]], **_script(stage)}
        job["needs"] = [job_name(n) for n in effective_needs(stage, stages)]
        if stage.kind == "deploy":
            job["environment"] = {"name": stage.environment or "default"}
            job["resource_group"] = stage.environment or "default"
        if any(stages[n].kind == "approval" for n in stage.needs if n in stages):
            job["when"] = "manual"
            job["allow_failure"] = False
        doc[job_name(stage.id)] = job
    return doc
