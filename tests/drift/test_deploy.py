"""Images, replicas and ports of the model against the workloads that realise them
(AM511, AM512, AM513): what each says, where it points, and what it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli
from archmodel.kube import read_cluster
from archmodel.kube.images import ImageRef, parse_image

HEADER = "archmodel: 1\nsystem: {name: T}\n"


def drift(tmp_path: Path, model: str, manifests: str, *args: str) -> list[tuple[str, str, str, int]]:
    """(code, message, file name, line) of each finding."""
    (tmp_path / "archmodel.yaml").write_text(HEADER + model)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(manifests)
    args = ("drift", str(tmp_path), "--k8s", str(tmp_path / "k8s"), "--format", "json", *args)
    result = CliRunner().invoke(cli, list(args))
    return [
        (d["code"], d["message"], Path(d["file"]).name, d["line"])
        for d in findings(result.stdout)
        if d["code"] in ("AM511", "AM512", "AM513")
    ]


def deployment(image: str, *, replicas: int | None = None, ports: str = "[8080]", name: str = "web") -> str:
    count = f"  replicas: {replicas}\n" if replicas is not None else ""
    listed = ", ".join(f"{{containerPort: {p}}}" for p in ports.strip("[]").split(",") if p)
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n{count}"
        f"  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n"
        f"        - name: {name}\n          image: {image}\n          ports: [{listed}]\n"
    )


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("mongo", ImageRef("docker.io/library/mongo", None, None)),
        ("docker.io/library/mongo:4.4", ImageRef("docker.io/library/mongo", "4.4", None)),
        ("index.docker.io/bitnami/redis:7", ImageRef("docker.io/bitnami/redis", "7", None)),
        ("registry:5000/app", ImageRef("registry:5000/app", None, None)),
        ("localhost/app:1", ImageRef("localhost/app", "1", None)),
        ("ghcr.io/a/b:1.2@sha256:ab", ImageRef("ghcr.io/a/b", "1.2", "sha256:ab")),
        ("weaveworksdemos/carts:0.4.8", ImageRef("docker.io/weaveworksdemos/carts", "0.4.8", None)),
    ],
)
def test_image_references_name_one_repository_however_written(text: str, ref: ImageRef) -> None:
    assert parse_image(text) == ref


def test_an_untagged_image_is_pulled_as_latest_unless_a_digest_decides() -> None:
    assert parse_image("mongo").pulled_tag == "latest"
    assert parse_image("mongo@sha256:ab").pulled_tag is None


def test_a_tag_mismatch_points_at_the_image_line(tmp_path: Path) -> None:
    model = (
        "components:\n  - {id: web, kind: service, name: Web, deploy: {image: 'acme/web:1.4', port: 8080}}\n"
    )
    found = drift(tmp_path, model, deployment("acme/web:1.3"))
    assert found == [
        (
            "AM511",
            "Deployment/web runs 'acme/web:1.3', not the tag '1.4' the model gives 'web' ('acme/web:1.4')",
            "app.yaml",
            10,
        )
    ]


def test_an_untagged_manifest_image_is_latest_against_a_tagged_model(tmp_path: Path) -> None:
    model = (
        "components:\n  - {id: db, kind: database, name: DB, deploy: {image: 'mongo:4.4.0', port: 8080}}\n"
    )
    found = drift(tmp_path, model, deployment("mongo", name="db"))
    assert [(c, m) for c, m, _, _ in found] == [
        ("AM511", "Deployment/db runs 'mongo', not the tag '4.4.0' the model gives 'db' ('mongo:4.4.0')")
    ]


def test_replicas_point_at_the_replicas_line(tmp_path: Path) -> None:
    model = "components:\n  - {id: web, kind: service, name: Web, deploy: {image: web, replicas: 3, port: 8080}}\n"
    found = drift(tmp_path, model, deployment("web", replicas=2))
    assert found == [("AM512", "Deployment/web runs 2 replicas, the model 3 for 'web'", "app.yaml", 5)]


ENVIRONMENTS = """environments:
  - {id: dev, name: Dev, tier: dev, controls: []}
  - {id: prod, name: Prod, tier: prod, availability_zones: 3, controls: []}
components:
  - {id: web, kind: service, name: Web, deploy: {image: web, replicas: 2, port: 8080}}
"""


@pytest.mark.parametrize(
    ("env", "replicas", "reported"),
    [
        (None, 2, False),
        (None, 3, True),
        ("prod", 3, False),  # one per availability zone, as generate writes it
        ("prod", 2, False),  # the model's own count
        ("prod", 4, True),
        ("dev", 1, False),
        ("dev", 3, True),
    ],
)
def test_an_environment_may_run_what_generate_writes_for_it(
    tmp_path: Path, env: str | None, replicas: int, reported: bool
) -> None:
    found = drift(
        tmp_path, ENVIRONMENTS, deployment("web", replicas=replicas), *(["--env", env] if env else [])
    )
    assert bool(found) is reported, found
    if reported and env == "prod":
        assert found[0][1] == "Deployment/web runs 4 replicas, the model 2 (3 in this environment) for 'web'"


HPA = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
"""


def test_an_hpa_is_compared_with_the_models_bounds_not_the_deployments_replicas(tmp_path: Path) -> None:
    model = (
        "components:\n  - {id: web, kind: service, name: Web, "
        "deploy: {image: web, replicas: 2, max_replicas: 6, port: 8080}}\n"
    )
    found = drift(tmp_path, model, deployment("web", replicas=7) + HPA)
    assert found == [
        (
            "AM512",
            "HorizontalPodAutoscaler/default/web scales Deployment/web from 1 replicas, the model from 2 for 'web'",
            "app.yaml",
            19,
        ),
        (
            "AM512",
            "HorizontalPodAutoscaler/default/web scales Deployment/web up to 10 replicas, the model up to 6 "
            "for 'web'",
            "app.yaml",
            20,
        ),
    ]


def test_autoscaling_without_an_hpa_points_at_max_replicas(tmp_path: Path) -> None:
    model = (
        "components:\n  - id: web\n    kind: service\n    name: Web\n"
        "    deploy: {image: web, replicas: 2, max_replicas: 6, port: 8080}\n"
    )
    found = drift(tmp_path, model, deployment("web", replicas=2))
    assert found == [
        (
            "AM512",
            "the model scales 'web' from 2 to 6 replicas, but no HorizontalPodAutoscaler targets Deployment/web",
            "archmodel.yaml",
            7,
        )
    ]


def test_a_port_nothing_serves_points_at_the_models_port(tmp_path: Path) -> None:
    model = (
        "components:\n  - id: web\n    kind: service\n    name: Web\n"
        "    deploy:\n      image: web\n      port: 8080\n      ports: [{name: metrics, port: 9090}]\n"
    )
    found = drift(tmp_path, model, deployment("web", ports="[8080]"))
    assert found == [
        (
            "AM513",
            "the model's port 'metrics' 9090 of 'web' is served by no container or Service port of "
            "Deployment/web (it serves 8080)",
            "archmodel.yaml",
            10,
        )
    ]


def test_an_hpa_whose_target_is_missing_is_noted(tmp_path: Path) -> None:
    (tmp_path / "hpa.yaml").write_text(HPA.replace("Deployment, name: web", "Deployment, name: cart"))
    assert read_cluster(tmp_path).notes == [
        f"{tmp_path / 'hpa.yaml'}:2: HorizontalPodAutoscaler/default/web targets Deployment/cart, "
        "which the manifests do not hold: it scales nothing here"
    ]
