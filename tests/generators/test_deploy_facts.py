"""What the model says of a container reaches every cloud as written: the image by its
``deploy.digest`` when pinned, the size from ``deploy.resources`` (limits, else
requests), and the docs page shows both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel.api import valid_project
from archmodel.generators.docs import site_files
from archmodel.generators.terraform import generate
from archmodel.model import Deploy
from archmodel.runner import NoOptions

DIGEST = "sha256:" + "0123456789abcdef" * 4
MODEL = f"""\
archmodel: 1
system: {{name: Bank}}
environments:
  - {{id: prod, name: Prod, tier: prod, cloud: CLOUD, regions: [REGION]}}
components:
  - {{id: user, kind: web_client}}
  - id: frontend
    kind: service
    public: true
    deploy:
      image: "registry.local:5000/bank/frontend:v0.6"
      digest: "{DIGEST}"
      port: 8080
      resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{cpu: "2", memory: 2Gi}}}}
flows:
  - {{from: user, to: frontend, protocol: https}}
"""
REGIONS = {"aws": "eu-west-1", "gcp": "us-central1", "azure": "westeurope"}


@pytest.mark.parametrize(
    ("image", "digest", "pulled"),
    [
        ("registry.local:5000/bank/frontend:v0.6", DIGEST, f"registry.local:5000/bank/frontend@{DIGEST}"),
        ("frontend", DIGEST, f"frontend@{DIGEST}"),
        (f"frontend:1@{DIGEST}", DIGEST, f"frontend:1@{DIGEST}"),
        ("frontend:1", None, "frontend:1"),
    ],
)
def test_the_pulled_image_is_the_digest_when_pinned(image: str, digest: str | None, pulled: str) -> None:
    assert Deploy(image=image, digest=digest).pulled_image == pulled


def test_the_size_is_the_limits_else_the_requests() -> None:
    both = Deploy.model_validate({"resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}}})
    assert (both.size.cpu, both.size.memory) == ("1", "1Gi")
    assert (Deploy(cpu="250m").size.cpu, Deploy().size.memory) == ("250m", None)


@pytest.mark.parametrize("cloud", sorted(REGIONS))
def test_every_cloud_pulls_by_digest_and_sizes_by_the_limits(
    cloud: str, write_model: Callable[..., Path]
) -> None:
    model = write_model(MODEL.replace("CLOUD", cloud).replace("REGION", REGIONS[cloud]))
    text = "".join(b.decode() for b in generate(valid_project(model), NoOptions()).values())
    assert f'"registry.local:5000/bank/frontend@{DIGEST}"' in text
    assert "bank/frontend:v0.6" not in text
    expected = {
        "aws": ('cpu = "2048"', 'memory = "4096"'),  # Fargate's smallest size holding 2 vCPU and 2 GiB
        "gcp": ('cpu = "2"', 'memory = "2048Mi"'),
        "azure": ("cpu = 2", 'memory = "4Gi"'),
    }[cloud]
    flat = " ".join(text.split())
    assert all(" ".join(part.split()) in flat for part in expected), expected


def test_the_component_page_shows_the_pinned_image_and_the_resources(
    write_model: Callable[..., Path],
) -> None:
    model = write_model(MODEL.replace("CLOUD", "aws").replace("REGION", "eu-west-1"))
    pages = site_files(valid_project(model), {})
    page = next(v.decode() for k, v in pages.items() if k.endswith("frontend.md"))
    assert f"frontend@{DIGEST}" in page
    assert "100m, limit 2" in page and "64Mi, limit 2Gi" in page


LB_MODEL = """\
archmodel: 1
system: {name: Shop}
environments: [{id: prod, name: Prod, tier: prod, cloud: gcp, regions: [us-central1]}]
components:
  - {id: user, kind: web_client}
  - {id: lb, kind: load_balancer, public: true}
  - {id: web, kind: service, deploy: {image: "web:1", port: 8080}}
flows:
  - {from: user, to: lb, protocol: PROTOCOL}
  - {from: lb, to: web, protocol: https}
"""


@pytest.mark.parametrize("protocol", ["http", "https"])
def test_the_gcp_load_balancer_says_it_serves_https_only_when_the_model_draws_http(
    protocol: str, write_model: Callable[..., Path]
) -> None:
    model = write_model(LB_MODEL.replace("PROTOCOL", protocol))
    files = generate(valid_project(model), NoOptions())
    text = next(v.decode() for k, v in files.items() if str(k).endswith("/lb.gen.tf"))
    said = "# NOTE: the model sends flow user->lb into it in clear" in text
    assert said == (protocol == "http")
