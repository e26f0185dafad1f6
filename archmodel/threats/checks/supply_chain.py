"""The supply chain: which images run, how they reach production, and what builds them.

Facts read: ``deploy.image`` and sidecar images (their tag or digest), pipeline stage kinds
and a deploy stage's ``tool`` (looked up in a table of known tools by its first word; a
tool not in the table is not judged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from archmodel.model import WORKLOADS, Component, Ref, Runtime, StageKind, Tier
from archmodel.threats.checks.common import component_hit, label, quoted
from archmodel.threats.checks.pipeline import deploys, stage_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import ModelChange, Stride, ThreatSeverity

# Deploy tools that run in the pipeline and push into the target with its credentials.
PUSH_TOOLS = frozenset(
    {
        "ansible",
        "az",
        "aws",
        "cdk",
        "docker",
        "gcloud",
        "helm",
        "helmfile",
        "kubectl",
        "kustomize",
        "pulumi",
        "serverless",
        "skaffold",
        "terraform",
        "tofu",
        "opentofu",
    }
)
# (GitOps tools such as Argo CD and Flux run inside the target and pull: not listed.)


def image_reference(image: str) -> tuple[str | None, bool]:
    """(tag, pinned by digest) of an image reference: ``nginx`` has no tag,
    ``nginx:1.25`` the tag ``1.25``, ``nginx@sha256:…`` is pinned."""
    if "@" in image:
        return None, True
    name = image.rsplit("/", 1)[-1]
    return (name.split(":", 1)[1] if ":" in name else None), False


def _images(c: Component) -> list[str]:
    """The images a component runs, as pulled: its own by ``deploy.digest`` when given."""
    if c.deploy is None:
        return []
    return [i for i in (c.deploy.pulled_image, *(s.image for s in c.deploy.sidecars)) if i]


def _unversioned(image: str) -> bool:
    tag, pinned = image_reference(image)
    return not pinned and tag in (None, "latest")


def _by_tag(image: str) -> bool:
    tag, pinned = image_reference(image)
    return not pinned and tag not in (None, "latest")


@threat(
    "AMT240",
    "Container image without a version",
    way_in=False,
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    cwe=["CWE-1357", "CWE-494"],
    capec=["CAPEC-538"],
    fix="Design change: name every image by an immutable version, best by digest "
    "(`image: repo/app@sha256:…`), never `latest` or no tag.",
)
def unversioned_image(ctx: ThreatContext) -> Iterator[Hit]:
    """An image with no tag or with ``latest`` runs whatever was pushed last: a backdoored
    base image or a hijacked registry account reaches production at the next restart,
    and what runs cannot be traced to what was tested."""
    for c in ctx.components():
        loose = [i for i in _images(c) if _unversioned(i)]
        if loose:
            text = f"{label(c).capitalize()} runs {quoted(loose, 3)} without a fixed version."
            yield component_hit(ctx, c, text, exposed=False, changes=_pin(c, loose))


@threat(
    "AMT241",
    "Container image not pinned by digest",
    way_in=False,
    stride=[Stride.tampering],
    mitigations=[],
    layer="infrastructure",
    weight=-3,
    cwe=["CWE-494"],
    capec=["CAPEC-538"],
    fix="Design change: deploy images by digest (`repo/app:1.4@sha256:…`) or enforce signed "
    "images at admission (cosign, Notation).",
)
def unpinned_image(ctx: ThreatContext) -> Iterator[Hit]:
    """A tag is mutable: whoever can push to the registry (a stolen CI token, a compromised
    upstream for base images) replaces what a version means. Images without any version
    are AMT240's."""
    for c in ctx.components():
        tagged = [i for i in _images(c) if _by_tag(i)]
        if tagged:
            text = f"{label(c).capitalize()} runs {quoted(tagged, 3)} by a mutable tag."
            hit = component_hit(ctx, c, text, exposed=False, changes=_pin(c, tagged))
            yield replace(hit, severity=ThreatSeverity.low)


def _pin(c: Component, images: list[str]) -> tuple[ModelChange, ...]:
    """``deploy.digest``, when the images named are the component's own: the runtime then
    pulls that digest whatever the tag says. A sidecar's image has no digest field: it is
    pinned in its ``image`` (a design change the fix names)."""
    if c.deploy is None or images != [c.deploy.pulled_image]:
        return ()
    value = "the digest (sha256:…) of the image that was tested"
    return (ModelChange("deploy.digest", (), (Ref.component(c.id),), value),)


def _managed(c: Component) -> bool:
    return c.deploy is not None and c.deploy.runtime is Runtime.managed


def _tool(tool: str | None) -> str | None:
    """The first word of a stage's tool, lower case: ``Helm 3`` → ``helm``."""
    words = re.findall(r"[a-z0-9]+", (tool or "").lower())
    return words[0] if words else None


@threat(
    "AMT242",
    "Push deployment into production",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=[],
    layer="infrastructure",
    weight=-2,
    cwe=["CWE-1395"],
    capec=["CAPEC-439"],
    fix="Design change: deploy by pull (GitOps: Argo CD, Flux inside the cluster), so that "
    "the pipeline holds no production credentials; else scope the pipeline's credentials "
    "to the deploy and protect them as production secrets.",
)
def push_deployment(ctx: ThreatContext) -> Iterator[Hit]:
    """A pipeline that pushes into production (kubectl, Helm, Terraform from the CI runner)
    holds credentials for production: whoever compromises the CI system or a build step
    owns production. Read from the deploy stage's `tool`; an unknown tool is not judged."""
    for stage, _, stake in deploys(ctx):
        env = ctx.graph.environments.get(stage.environment or "")
        if env is not None and env.tier is Tier.prod and _tool(stage.tool) in PUSH_TOOLS:
            yield stage_hit(
                stage,
                f"Production deploy '{stage.id}' pushes with '{stage.tool}' from the pipeline, "
                "which so holds production credentials.",
                stake,
            )


@threat(
    "AMT243",
    "Workloads without a build pipeline",
    way_in=False,
    stride=[Stride.tampering, Stride.repudiation],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    cwe=["CWE-1395"],
    fix="Model the pipeline (`pipeline.stages` with build, test, scan, publish and deploy) "
    "that builds and ships the workloads, or build them through one.",
)
def missing_build_infrastructure(ctx: ThreatContext) -> Iterator[Hit]:
    """Workloads of our own code with no build stage in the model: they are built by hand
    (no traceability from source to what runs) or the pipeline is left out, and with it
    every supply-chain rule. Managed services are not counted. One finding for the model
    (its target the system, which a risk can name), shown at the first of the workloads."""
    stages = ctx.graph.stages.values()
    if any(s.kind is StageKind.build for s in stages):
        return
    ours = sorted(c.id for c in ctx.components(*WORKLOADS) if not _managed(c))
    if ours:
        yield Hit(
            target=Ref.system(ctx.loaded.model.system.ref_id),
            description=f"No pipeline stage builds workloads {quoted(ours)}.",
            severity=ThreatSeverity.low,
            where=("components", ours[0]),
        )


@threat(
    "AMT244",
    "Source repository without secret scanning",
    way_in=False,
    stride=[Stride.information_disclosure],
    mitigations=[],
    layer="data",
    weight=-1,
    cwe=["CWE-540", "CWE-798"],
    capec=["CAPEC-191"],
    fix="Design change: scan every push for secrets (a scan stage after the source, with "
    "push protection such as gitleaks or the host's secret scanning) and rotate any found.",
)
def unscanned_repository(ctx: ThreatContext) -> Iterator[Hit]:
    """A credential committed once stays in the repository's history and every clone,
    fork and CI log; without a scan after the source stage nobody notices until it is used.
    What is at stake is the most important environment the source deploys to."""
    deploy_stake = {stage.id: stake for stage, _, stake in deploys(ctx)}
    for stage in ctx.graph.stages.values():
        if stage.kind is not StageKind.source:
            continue
        after = ctx.graph.stages_after(stage.id)
        if not any(ctx.graph.stages[s].kind is StageKind.scan for s in after):
            stake = max((deploy_stake[s] for s in after if s in deploy_stake), default=1)
            yield stage_hit(stage, f"Nothing scans source '{stage.id}' for committed secrets.", stake)
