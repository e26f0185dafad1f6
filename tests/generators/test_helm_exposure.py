"""A chart is reachable from where the model says its component is reached: a public
load balancer that no chart runs (the cloud's, in front of the cluster) is realised as
a LoadBalancer Service of the component it forwards to, on the ports its clients dial,
and ``archmodel drift`` reads it back as that load balancer.

The model is the Sock Shop fixture's with the cloud load balancer drawn in front of the
front end (shoppers dial it on 80; it forwards to the front end's Service port 80,
which is container port 8079)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from archmodel.cli.main import cli

FIXTURE = Path(__file__).resolve().parents[1] / "drift" / "fixtures" / "sock-shop" / "archmodel.yaml"
LB = {"id": "shop-lb", "kind": "load_balancer", "name": "Cloud load balancer", "zone": "shop", "public": True}


def sock_shop_behind_a_load_balancer(directory: Path, **lb: Any) -> Path:
    model = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    model["system"]["id"] = "sock-shop"
    front = next(c for c in model["components"] if c["id"] == "front-end")
    del front["public"]
    model["components"].append({**LB, **lb})
    entry = next(f for f in model["flows"] if f["to"] == "front-end")
    entry["to"] = "shop-lb"
    model["flows"].append({"from": "shop-lb", "to": "front-end", "protocol": "http", "port": 80})
    path = directory / "archmodel.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    return path


def generate(model: Path) -> Path:
    out = model.parent / "out"
    result = CliRunner().invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"])
    assert result.exit_code == 0, result.output
    return out


def services(out: Path, cid: str) -> dict[str, dict[str, Any]]:
    docs = yaml.safe_load_all((out / "k8s" / "default" / f"{cid}.yaml").read_text(encoding="utf-8"))
    return {d["spec"]["type"]: d for d in docs if d["kind"] == "Service"}


def drift_codes(model: Path, k8s: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["drift", str(model), "--k8s", str(k8s), "--format", "json"])
    return [r["code"] for r in yaml.safe_load(result.stdout) if "kind" not in r]  # the last is the summary


def test_the_component_behind_a_public_load_balancer_gets_a_load_balancer_service(tmp_path: Path) -> None:
    out = generate(sock_shop_behind_a_load_balancer(tmp_path))
    front = services(out, "front-end")
    external = front["LoadBalancer"]
    assert external["metadata"]["name"] == "front-end-external"
    assert external["metadata"]["namespace"] == "sock-shop"
    assert external["spec"]["selector"] == {"archmodel.io/component": "front-end"}
    # the listener: what the shoppers dial, sent to the container port the load balancer reaches
    assert external["spec"]["ports"] == [
        {"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}
    ]
    container = yaml.safe_load_all((out / "k8s/default/front-end.yaml").read_text(encoding="utf-8"))
    deployment = next(d for d in container if d["kind"] == "Deployment")
    ports = deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert {"name": "http", "containerPort": 8079, "protocol": "TCP"} in ports
    assert front["ClusterIP"]["metadata"]["name"] == "front-end"  # callers inside keep theirs
    # nothing else is exposed: the load balancer forwards to the front end only
    exposed = [
        path.name
        for path in (out / "k8s" / "default").glob("*.yaml")
        for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if d["kind"] == "Service" and d["spec"].get("type") == "LoadBalancer"
    ]
    assert exposed == ["front-end.yaml"]
    kv = pytest.importorskip("kubernetes_validate")
    kv.validate(external, "1.30", strict=True)


def test_drift_reads_the_service_back_as_the_load_balancer(tmp_path: Path) -> None:
    """Drift of the model against what was generated finds nothing; without the Service,
    the front end that the model has behind a public load balancer is reached by nobody
    outside, which drift reports (AM509)."""
    model = sock_shop_behind_a_load_balancer(tmp_path)
    out = generate(model)
    assert drift_codes(model, out / "k8s" / "default") == []
    rendered = out / "k8s" / "default" / "front-end.yaml"
    docs = yaml.safe_load_all(rendered.read_text(encoding="utf-8"))
    kept = [d for d in docs if not (d["kind"] == "Service" and d["spec"]["type"] == "LoadBalancer")]
    rendered.write_text(yaml.safe_dump_all(kept), encoding="utf-8")
    assert drift_codes(model, out / "k8s" / "default") == ["AM509"]


def test_a_load_balancer_that_runs_in_the_cluster_exposes_itself_not_what_it_forwards_to(
    tmp_path: Path,
) -> None:
    """A load balancer with a chart of its own (an nginx) is the pod outside traffic
    reaches: it gets the LoadBalancer Service, and the front end behind it does not."""
    model = sock_shop_behind_a_load_balancer(
        tmp_path, public=True, deploy={"runtime": "container", "image": "nginx:1.27", "port": 8080}
    )
    out = generate(model)
    assert "LoadBalancer" not in services(out, "front-end")
    # no flow reaches the load balancer from outside but the shoppers' 80
    assert [p["port"] for p in services(out, "shop-lb")["LoadBalancer"]["spec"]["ports"]] == [80]
