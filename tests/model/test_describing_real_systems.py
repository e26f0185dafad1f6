"""What a real system's description needs: few required keys, unknown kept unknown, and
the vocabulary (protocols, authentication, data categories, formats, deploy details)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.model import PROTOCOLS, Component, DataAsset, Flow, Protocol, Zone, default_port
from archmodel.schema import json_schema

HEADER = "archmodel: 1\nsystem: {name: T}\n"


def _diagnostics(write_model: Callable[..., Path], body: str) -> list[tuple[str, str, str | None]]:
    project = load_project(write_model(HEADER + body))
    return [(d.code, d.message, d.hint) for d in project.diagnostics]


def test_only_id_and_kind_are_required(write_model: Callable[..., Path]) -> None:
    body = (
        "zones: [{id: app_zone, trust: internal}]\n"
        "data: [{id: order-lines, classification: confidential}]\n"
        "components: [{id: orders-api, kind: service, zone: app_zone, tags: [entry_point]}]\n"
    )
    assert _diagnostics(write_model, body) == []
    project = load_project(write_model(HEADER + body))
    assert project.model.components[0].name == "Orders Api"
    assert project.model.zones[0].name == "App Zone"
    assert project.model.data[0].name == "Order Lines"


def test_written_name_wins() -> None:
    c = Component.model_validate({"id": "a", "kind": "service", "name": "Orders API"})
    assert c.name == "Orders API"
    assert Zone.model_validate({"id": "z", "trust": "dmz"}).name == "Z"
    assert DataAsset.model_validate({"id": "d", "classification": "public"}).name == "D"


def test_encryption_is_known_or_unknown() -> None:
    def flow(**extra: object) -> Flow:
        return Flow.model_validate({"from": "a", "to": "b", **extra})

    assert flow().encrypted is None and not flow().plaintext
    assert flow(protocol="http").encrypted is False and flow(protocol="http").plaintext
    assert flow(protocol="https").encrypted is True
    assert flow(controls=["tls"]).encrypted is True
    assert flow(protocol="postgresql", controls=["mtls"]).encrypted is True
    assert flow().protocol_label == "unknown protocol"


def test_runtime_is_inferred_from_an_image() -> None:
    with_image = Component.model_validate({"id": "a", "kind": "service", "deploy": {"image": "x:1"}})
    port_only = Component.model_validate({"id": "a", "kind": "service", "deploy": {"port": 8080}})
    assert with_image.deploy is not None and with_image.deploy.runtime == "container"
    assert port_only.deploy is not None and port_only.deploy.runtime is None


def test_requests_and_limits() -> None:
    old = Component.model_validate(
        {"id": "a", "kind": "service", "deploy": {"cpu": "100m", "memory": "64Mi"}}
    )
    new = Component.model_validate(
        {
            "id": "a",
            "kind": "service",
            "deploy": {"resources": {"requests": {"cpu": "200m"}, "limits": {"cpu": "1", "memory": "1Gi"}}},
        }
    )
    assert old.deploy is not None and (old.deploy.requests.cpu, old.deploy.requests.memory) == (
        "100m",
        "64Mi",
    )
    assert new.deploy is not None and new.deploy.requests.cpu == "200m"
    assert new.deploy.limits is not None and new.deploy.limits.memory == "1Gi"


def test_every_protocol_has_facts_and_database_protocols_are_cleartext() -> None:
    assert set(PROTOCOLS) == set(Protocol)
    assert default_port(Protocol.mongodb) == 27017
    assert default_port(Protocol.postgresql) == 5432
    assert default_port(None) is None
    assert not PROTOCOLS[Protocol.mysql].encrypted and PROTOCOLS[Protocol.https].encrypted


@pytest.mark.parametrize(
    ("line", "key", "hint"),
    [
        ("flows: [{from: a, to: b, protocol: postgress}]", "protocol", "did you mean 'postgresql'?"),
        ("flows: [{from: a, to: b, authentication: oauth}]", "authentication", "did you mean 'oauth2'?"),
        ("data: [{id: d, classification: public, category: [credential]}]", "category", "did you mean"),
        ("components: [{id: c, kind: service, accepts: [jsn]}]", "accepts", "did you mean 'json'?"),
    ],
)
def test_wrong_values_are_located_with_a_suggestion(
    write_model: Callable[..., Path], line: str, key: str, hint: str
) -> None:
    body = "components: [{id: a, kind: actor}, {id: b, kind: service}]\n" if "flows" in line else ""
    found = [d for d in _diagnostics(write_model, body + line + "\n") if d[0] == "AM102"]
    assert len(found) == 1
    assert f"'{key}'" in found[0][1]
    assert (found[0][2] or "").startswith(hint)


def test_far_off_value_lists_the_allowed_ones(write_model: Callable[..., Path]) -> None:
    body = "components: [{id: a, kind: actor}, {id: b, kind: service}]\nflows: [{from: a, to: b, protocol: zzz}]\n"
    (found,) = [d for d in _diagnostics(write_model, body) if d[0] == "AM102"]
    assert "mongodb" in (found[2] or "") and "nats" in (found[2] or "")


def test_data_owner_must_name_a_component(write_model: Callable[..., Path]) -> None:
    body = (
        "components: [{id: customer, kind: actor}]\ndata: [{id: d, classification: public, owner: custmer}]\n"
    )
    found = [d for d in _diagnostics(write_model, body) if d[0] == "AM203"]
    assert found and found[0][2] == "did you mean 'customer'?"


def test_a_consumer_that_only_initiates_is_alive(write_model: Callable[..., Path]) -> None:
    body = (
        "components: [{id: u, kind: actor}, {id: api, kind: service}, {id: q, kind: queue},"
        " {id: worker, kind: service}, {id: lost, kind: service}]\n"
        "flows: [{from: u, to: api}, {from: api, to: q}, {from: worker, to: q}]\n"
    )
    unreachable = [d[1] for d in _diagnostics(write_model, body) if d[0] == "AM304"]
    assert unreachable == ["component 'lost' has no flow to or from it"]


def test_schema_lists_the_vocabulary() -> None:
    defs = json_schema()["$defs"]
    assert "mongodb" in defs["Protocol"]["enum"] and "27017" in defs["Protocol"]["description"]
    assert "client_certificate" in defs["Authentication"]["enum"]
    assert "payment_card" in defs["DataCategory"]["enum"]
    assert "serialized_objects" in defs["DataFormat"]["enum"]
    assert {"service_port", "ports", "resources", "sidecars"} <= set(defs["Deploy"]["properties"])
    assert defs["Component"]["required"] == ["id", "kind"]
