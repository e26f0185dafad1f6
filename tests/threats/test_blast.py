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


# An OIDC client secret, an API token and a database login, each logging in to a
# different kind of component.
# It goes on from DATA (which has 'db-pass').
LOGINS = """  - {id: signing-key, name: Signing key, classification: restricted, category: [secrets]}
  - {id: web-secret, name: Web client secret, classification: confidential, category: [credentials]}
  - {id: web-token, name: Web token, classification: confidential, category: [credentials]}
  - {id: jobs-secret, name: Jobs client secret, classification: confidential, category: [credentials]}
  - {id: jobs-token, name: Jobs token, classification: confidential, category: [credentials]}
  - {id: reports, name: Reports, classification: confidential}
  - {id: all-reports, name: All reports, classification: restricted}
  - {id: users, name: User store, classification: restricted}
  - {id: vault-token, name: Vault token, classification: confidential, category: [credentials]}
  - {id: api-key, name: Partner API key, classification: confidential, category: [secrets]}
components:
  - {id: user, kind: web_client}
  - {id: web, kind: service}
  - {id: jobs, kind: service}
  - {id: idp, kind: identity_provider, stores: [users, signing-key]}
  - {id: reports-api, kind: service, stores: [all-reports]}
  - {id: store, kind: database, stores: [all-reports]}
  - {id: deployer, kind: service}
  - {id: kv, kind: secrets_store, stores: [api-key]}
flows:
  - {from: web, to: idp, protocol: https, authentication: password, data: [web-secret], returns: [web-token]}
  - {from: web, to: reports-api, protocol: https, authentication: token, data: [web-token], returns: [reports]}
  - {from: web, to: store, protocol: postgresql}
  - {from: jobs, to: idp, protocol: https, authentication: password, data: [jobs-secret], returns: [jobs-token]}
  - {from: jobs, to: reports-api, protocol: https, authentication: token, data: [jobs-token], returns: [all-reports]}
  - {from: reports-api, to: store, protocol: postgresql, authentication: password, data: [db-pass], returns: [all-reports]}
  - {from: deployer, to: kv, protocol: https, authentication: token, data: [vault-token]}
"""


def _logins(tmp_path: Path) -> dict[str, BlastRadius]:
    return _radii(tmp_path, LOGINS)


def test_a_credential_presented_to_a_service_gets_its_answers_not_its_ownership(tmp_path: Path) -> None:
    """The web app's client secret gets from the identity provider its own token, not the
    provider's signing key, its user store or the token it issues to 'jobs' (which
    would open what 'jobs' reads); that token gets the API's answers to 'web', not what
    the API answers 'jobs' nor its store or its database login."""
    web = _logins(tmp_path)["web"]
    assert web.credentials == ("web-secret", "web-token")
    assert not {"signing-key", "users", "jobs-token", "all-reports", "db-pass"} & set(web.data)
    assert "reports" in web.data
    assert web.opens == ()


def test_a_stores_own_login_reads_all_of_it(tmp_path: Path) -> None:
    """A database password reads the database; a vault token reads the vault."""
    radii = _logins(tmp_path)
    assert "db-pass" in radii["reports-api"].credentials and "store" in radii["reports-api"].calls
    assert "all-reports" in radii["reports-api"].data
    assert radii["deployer"].credentials == ("api-key", "vault-token")
    assert "api-key" in radii["deployer"].data


def test_a_token_an_identity_provider_issues_is_not_a_store_login(tmp_path: Path) -> None:
    """A password fetched from a vault logs in to the stores its fetcher calls; a token
    the identity provider issues to 'web' does not log in to the database 'web' calls."""
    idp = _logins(tmp_path)["idp"]
    assert "web-token" in idp.credentials  # it issues it
    assert "store" not in idp.opens


def test_telemetry_carrying_a_secret_logs_in_to_nothing(tmp_path: Path) -> None:
    radii = _radii(
        tmp_path,
        VAULT.replace("  - {id: audit-db,", "  - {id: grafana, kind: monitoring}\n  - {id: audit-db,")
        + "  - {from: api, to: grafana, protocol: https, data: [admin-key]}\n",
    )
    assert "grafana" not in radii["vault"].opens and "grafana" not in radii["api"].opens


RECORDS = """components:
  - {id: user, kind: web_client}
  - {id: api, kind: service}
  - {id: db, kind: database, stores: [admin-key, orders]}
  - {id: audit-db, kind: database, stores: [audit]}
flows:
  - {from: api, to: db, protocol: postgresql, returns: [admin-key]}
  - {from: api, to: audit-db, protocol: postgresql}
"""


def test_a_credential_a_database_returns_is_a_record_not_a_login(tmp_path: Path) -> None:
    """A webhook's secret or an API key kept on file and read back is no password for
    the other stores its reader calls: it logs in only where the model presents it."""
    radii = _radii(tmp_path, RECORDS)
    assert "admin-key" in radii["api"].credentials
    assert radii["api"].opens == () and "audit" not in radii["api"].data
    assert "audit-db" not in radii["db"].opens


FETCHED = """components:
  - {id: user, kind: web_client}
  - {id: api, kind: service}
  - {id: vault, kind: secrets_store, stores: [admin-key]}
  - {id: partner, kind: external_system}
  - {id: audit-db, kind: database, stores: [audit]}
flows:
  - {from: api, to: vault, protocol: https, returns: [admin-key]}
  - {from: api, to: partner, protocol: https, data: [admin-key]}
  - {from: api, to: audit-db, protocol: postgresql}
"""


def test_a_fetched_credential_whose_use_is_shown_logs_in_only_there(tmp_path: Path) -> None:
    """The partner's API key, fetched from the vault and sent to the partner, is not
    the password of the database its fetcher also calls; a fetched password whose use
    the model does not show still is (``VAULT``)."""
    vault = _radii(tmp_path, FETCHED)["vault"]
    assert vault.opens == ("partner",)
    assert "audit" not in vault.data
