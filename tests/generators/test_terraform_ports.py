"""Terraform opens the container port (`deploy.port`), not the Kubernetes Service port,
and a flow to a database reaches the wire protocol's default port."""

from __future__ import annotations

import re
from pathlib import Path

from archmodel.generation import GenerateOptions
from archmodel.generators.terraform import generate
from archmodel.load import load
from archmodel.project import Project

MODEL = """archmodel: 1
system: {name: Shop}
zones: [{id: app, trust: internal}]
components:
  - {id: web, kind: service, zone: app, tags: [entry_point], deploy: {image: "web:1", port: 8000}}
  - {id: email, kind: service, zone: app, deploy: {image: "email:1", port: 8080, service_port: 5000}}
  - {id: store, kind: database, zone: app, technology: mongodb}
flows:
  - {from: web, to: email, protocol: grpc}
  - {from: web, to: store, protocol: mongodb}
"""


def test_container_port_and_protocol_default_port(tmp_path: Path) -> None:
    root = tmp_path / "archmodel.yaml"
    root.write_text(MODEL, encoding="utf-8")
    files = generate(Project.from_loaded(load(root)), GenerateOptions())
    email, store = files["terraform/email.gen.tf"].decode(), files["terraform/store.gen.tf"].decode()
    assert re.search(r"containerPort = 8080\b", email)
    assert re.search(r"from_port +\= 8080\n", email) and "5000" not in email
    assert re.search(r"from_port +\= 27017\n", store)
