"""What archmodel generates for a model has no drift against that model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli

MODELS = Path(__file__).resolve().parents[2] / "models"


EXAMPLES = ("b2b-api", "bookinfo", "online-boutique", "spring-petclinic-microservices")


@pytest.mark.filterwarnings("ignore::archmodel.generators.terraform.common.OtherCloud")
@pytest.mark.parametrize(
    "model", [MODELS / "reference", *(MODELS / "examples" / e for e in EXAMPLES)], ids=lambda p: p.name
)
def test_generated_infrastructure_matches_the_model(model: Path, tmp_path: Path) -> None:
    """Once the operator has said where the peers outside the cluster are (the chart's
    ``peers`` values; drift stands for any public address with 203.0.113.10), nothing
    drifts; before that, drift names only flows to or from those peers as blocked."""
    runner = CliRunner()
    out = tmp_path / "out"
    assert (
        runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform,helm"]).exit_code
        == 0
    )
    args = ["drift", str(model)]
    if (out / "terraform" / "versions.gen.tf").is_file():  # none for an Azure-only model
        args += ["--terraform", str(out / "terraform")]
    if not (out / "k8s" / "prod").is_dir():
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.stdout
        return
    as_generated = runner.invoke(cli, [*args, "--k8s", str(out / "k8s" / "prod"), "--env", "prod"])
    errors = re.findall(r": error (AM\d+): flow '([^']+)'|: error (AM\d+)", as_generated.stdout)
    assert {e[0] or e[2] for e in errors} <= {"AM504"}, as_generated.stdout
    peers_given = tmp_path / "k8s-prod"
    render_with_peers(out / "helm", "prod", {"cidr": "203.0.113.0/24"}, peers_given)
    result = runner.invoke(cli, [*args, "--k8s", str(peers_given), "--env", "prod"])
    assert result.exit_code == 0, result.stdout


DEPLOYMENT_RULES = {"AM511", "AM512", "AM513"}
EVERY_MODEL = [MODELS / "reference", *sorted(p for p in (MODELS / "examples").iterdir() if p.is_dir())]


@pytest.mark.filterwarnings("ignore::archmodel.generators.terraform.common.OtherCloud")
@pytest.mark.parametrize("model", EVERY_MODEL, ids=lambda p: p.name)
def test_generated_charts_run_the_models_images_replicas_and_ports(model: Path, tmp_path: Path) -> None:
    """In every environment the charts are written for (``default`` for a model without
    environments), the images, replicas, HPA bounds and ports are the model's."""
    runner, out = CliRunner(), tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"]).exit_code == 0
    rendered = sorted((out / "k8s").iterdir()) if (out / "k8s").is_dir() else []
    for env in rendered:
        scope = ["--env", env.name] if env.name != "default" else []
        args = ["drift", str(model), "--k8s", str(env), "--format", "json", *scope]
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1) and result.stdout.strip(), result.output
        found = [d for d in findings(result.stdout) if d["code"] in DEPLOYMENT_RULES]
        assert found == [], (env.name, found)
    assert rendered or not (out / "helm").is_dir()


# What the examples leave out: an autoscaling ceiling, a digest, sidecars with ports, a
# Service port apart from the container's, a store, and tiers that change the replicas.
SCALING_MODEL = """archmodel: 1
system: {name: Shop}
environments:
  - {id: dev, name: Dev, tier: dev, controls: []}
  - {id: prod, name: Prod, tier: prod, availability_zones: 3, controls: []}
components:
  - {id: shoppers, kind: actor, name: Shoppers}
  - id: web
    kind: service
    name: Web
    public: true
    deploy:
      image: ghcr.io/acme/web:1.4
      digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"
      replicas: 2
      max_replicas: 8
      port: 8080
      service_port: 80
      ports: [{name: metrics, port: 9102}]
      sidecars: [{name: proxy, image: "envoyproxy/envoy:v1.31.0", ports: [{name: admin, port: 9901}]}]
  - {id: worker, kind: service, name: Worker, deploy: {image: "acme/worker:3", replicas: 4, max_replicas: 2}}
  - {id: db, kind: database, name: DB, deploy: {image: "postgres:16", replicas: 1, port: 5432}}
flows:
  - {from: shoppers, to: web, protocol: https, port: 443}
  - {from: web, to: db, protocol: postgresql, port: 5432}
  - {from: worker, to: db, protocol: postgresql, port: 5432}
"""


def test_generated_autoscaling_digests_and_sidecars_match_the_model(tmp_path: Path) -> None:
    """Each environment's charts carry the model's deployment; changing a tag, an HPA
    bound or a container port in them is reported by the rule for it."""
    model, out, runner = tmp_path / "model", tmp_path / "out", CliRunner()
    model.mkdir()
    (model / "archmodel.yaml").write_text(SCALING_MODEL)
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"]).exit_code == 0
    for env in ("dev", "prod"):
        codes = _deployment_codes(runner, model, out / "k8s" / env, env)
        assert codes == [], (env, codes)
    web = out / "k8s" / "prod" / "web.yaml"
    text = web.read_text()
    for before, after, code in (
        ("sha256:1111", "sha256:2222", "AM511"),
        ("maxReplicas: 8", "maxReplicas: 20", "AM512"),
        ("containerPort: 9102", "containerPort: 9103", "AM513"),
    ):
        assert before in text, before
        web.write_text(text.replace(before, after))
        assert _deployment_codes(runner, model, out / "k8s" / "prod", "prod") == [code]
    web.write_text(text)


def _deployment_codes(runner: CliRunner, model: Path, k8s: Path, env: str) -> list[str]:
    result = runner.invoke(cli, ["drift", str(model), "--k8s", str(k8s), "--env", env, "--format", "json"])
    assert result.stdout.strip(), result.output
    return [d["code"] for d in findings(result.stdout) if d["code"] in DEPLOYMENT_RULES]


_EXPRESSION = re.compile(r"\{\{ index \.Values ((?:\"[^\"]*\" ?)+) \| toJson \}\}")


def render_with_peers(charts: Path, env: str, block: dict[str, str], into: Path) -> None:
    """What `helm template -f values-<env>.yaml --set peers.<id>=...` writes for every
    chart deployed there (the templates use one construct only: ``index .Values ... | toJson``)."""
    into.mkdir()
    for chart in sorted(p for p in charts.iterdir() if (p / f"values-{env}.yaml").is_file()):
        values = yaml.safe_load((chart / f"values-{env}.yaml").read_text())
        values["peers"] = {peer: [{"ipBlock": block}] for peer in values["peers"]}
        docs = [_fill(t.read_text(), values) for t in sorted((chart / "templates").iterdir())]
        (into / f"{chart.name}.yaml").write_text("---\n".join(docs))


def _fill(template: str, values: dict[str, Any]) -> str:
    def lookup(match: re.Match[str]) -> str:
        found: Any = values
        for key in json.loads("[" + match.group(1).strip().replace('" "', '", "') + "]"):
            found = found[key]
        return json.dumps(found)

    return _EXPRESSION.sub(lookup, template)


def test_a_cidr_input_is_its_source_component_not_the_internet(tmp_path: Path) -> None:
    """Generated rules from `var.cidr_decoder` are the decoder's flows, not open paths
    (the functions and gateway themselves are not generated yet: AM501 only)."""
    runner = CliRunner()
    model, out = MODELS / "examples" / "event-ingestion", tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "terraform"]).exit_code == 0
    assert "var.cidr_decoder" in (out / "terraform" / "registry.gen.tf").read_text()
    result = runner.invoke(cli, ["drift", str(model), "--terraform", str(out / "terraform")])
    codes = set(re.findall(r": error (AM\d+):", result.stdout))
    assert codes == {"AM501"}


# Each cloud's root module as generate writes it (``terraform/``, ``terraform/gcp/``, or
# ``terraform/<env>/`` when environments deploy different things), and the components it
# has no resource for because the generator has no mapping for them there (it warns).
ROOT_MODULES = [
    ("reference", "terraform", None, set()),
    ("examples/online-boutique", "terraform/gcp", None, set()),
    ("examples/b2b-api", "terraform/prod", "prod", {"apim", "entra-id", "broker"}),
]


@pytest.mark.filterwarnings("ignore::archmodel.generators.terraform.common.NoMapping")
@pytest.mark.parametrize(
    ("model", "root", "env", "unmapped"), ROOT_MODULES, ids=[r[1].split("/")[-1] for r in ROOT_MODULES]
)
def test_each_clouds_generated_terraform_matches_the_model(
    model: str, root: str, env: str | None, unmapped: set[str], tmp_path: Path
) -> None:
    """AWS, GCP and Azure alike: no flow, rule or exposure drift on what generate wrote."""
    runner, out = CliRunner(), tmp_path / "out"
    path = MODELS / model
    assert runner.invoke(cli, ["generate", str(path), "-o", str(out), "--only", "terraform"]).exit_code == 0
    args = ["drift", str(path), "--terraform", str(out / root), "--format", "json"]
    result = runner.invoke(cli, [*args, *(["--env", env] if env else [])])
    found = json.loads(result.stdout)[:-1]
    assert {(d["code"], d["message"].split("'")[1]) for d in found} == {("AM501", c) for c in unmapped}
