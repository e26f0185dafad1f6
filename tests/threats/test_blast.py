"""Blast radius: data, credentials, calls and what credentials open, to a fixed point."""

from __future__ import annotations

from pathlib import Path

from archmodel.api import load_project
from archmodel.threats.blast import BlastRadius, blast_radii
from archmodel.threats.context import ThreatContext

HEAD = "archmodel: 1\nsystem: {name: T}\n"
DATA = """data:
  - {id: db-pass, name: DB password, classification: restricted, category: [credentials]}
  - {id: admin-key, name: Admin key, classification: restricted, category: [secrets]}
  - {id: orders, name: Orders, classification: confidential}
  - {id: audit, name: Audit, classification: internal}
  - {id: login, name: Login, classification: confidential, category: [credentials], owner: user}
"""


def _radii(tmp_path: Path, body: str) -> dict[str, BlastRadius]:
    (tmp_path / "archmodel.yaml").write_text(HEAD + DATA + body)
    project = load_project(tmp_path)
    assert not project.failed(), project.diagnostics
    ctx = ThreatContext(project, project.graph, project.model.policies)
    return {b.component: b for b in blast_radii(ctx)}


VAULT = """components:
  - {id: user, kind: web_client}
  - {id: vault, kind: secrets_store, stores: [db-pass]}
  - {id: api, kind: service}
  - {id: worker, kind: service}
  - {id: db, kind: database, stores: [orders, admin-key]}
  - {id: audit-db, kind: database, stores: [audit]}
flows:
  - {from: user, to: api, protocol: https, data: [login]}
  - {from: api, to: vault, protocol: https, returns: [db-pass]}
  - {from: api, to: db, protocol: postgresql}
  - {from: worker, to: audit-db, protocol: postgresql, data: [admin-key]}
"""


def test_owning_the_vault_opens_what_its_credentials_open(tmp_path: Path) -> None:
    radii = _radii(tmp_path, VAULT)
    vault = radii["vault"]
    # db-pass is fetched by 'api', which calls 'db': it opens 'db'; 'db' holds admin-key,
    # which is presented to 'audit-db': it opens that too (a fixed point over credentials).
    assert vault.opens == ("audit-db", "db")
    assert vault.credentials == ("admin-key", "db-pass")
    assert set(vault.data) == {"db-pass", "orders", "admin-key", "audit"}
    assert vault.calls == ()
    # Largest first: the API also reaches users' logins, so it outranks the vault.
    assert list(radii)[:2] == ["api", "vault"]


def test_least_privilege_scopes_a_holder_to_what_it_calls(tmp_path: Path) -> None:
    api = _radii(tmp_path, VAULT)["api"]
    assert api.opens == ("audit-db",)  # via admin-key read from 'db'
    scoped = _radii(
        tmp_path,
        VAULT.replace("{id: api, kind: service}", "{id: api, kind: service, controls: [least_privilege]}"),
    )
    assert scoped["api"].opens == ()
    assert "orders" in scoped["api"].data  # what it calls with its credential stays reached


def test_a_users_own_credentials_open_nothing(tmp_path: Path) -> None:
    api = _radii(tmp_path, VAULT)["api"]
    assert "login" in api.credentials and "login" in api.data
    assert "user" not in api.opens


def test_clients_are_not_owned_components(tmp_path: Path) -> None:
    assert "user" not in _radii(tmp_path, VAULT)
