"""``archmodel paths``: grouped text, JSON, filters, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archmodel.cli.main import cli

MODELS = Path(__file__).resolve().parents[2] / "models"
DSB = str(MODELS / "examples/deathstarbench-hotel-reservation")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["paths", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_groups_by_entry_and_missing_layers() -> None:
    code, out, err = _run(DSB)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "unzoned entry 'client': lacks network security, data security, identity & access (3)"
    assert "unzoned entry 'client': lacks network security, identity & access (1)" in lines
    assert "      > user via frontend->user: layers none; controls none" in lines
    assert "7 attack path(s), 7 lacking a required layer" in err


def test_json_has_every_hop() -> None:
    code, out, _ = _run(DSB, "--format", "json", "--to", "mongodb-user")
    assert code == 0
    (group,) = json.loads(out)["groups"]
    (path,) = group["paths"]
    assert path["path"] == ["client", "frontend", "user", "mongodb-user"]
    assert [h["flows"] for h in path["hops"]] == [
        [],
        ["client->frontend"],
        ["frontend->user"],
        ["user->mongodb-user"],
    ]
    assert path["hops"][1]["controls"] == ["authentication"]  # the password on the first flow
    assert path["missing"] == ["network", "data", "identity"]


def test_filters_by_kind_and_class() -> None:
    code, out, _ = _run(str(MODELS / "reference"), "--from", "insider", "--to", "admin")
    assert code == 0
    assert (
        out.splitlines()[0]
        == "insider entry 'operators' in zone 'corporate': every required layer present (1)"
    )
    code, out, _ = _run(str(MODELS / "reference"), "--weak")
    assert code == 0 and out == ""


def test_unknown_filter_is_a_usage_error() -> None:
    code, _, err = _run(DSB, "--from", "mallory")
    assert code == 2
    assert "--from 'mallory' matches no attack path; known: client, unzoned" in err


def test_invalid_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text("archmodel: 1\nsystem: {name: T}\ncomponents: [{id: a}]\n")
    code, out, err = _run(str(tmp_path))
    assert code == 1 and out == ""
    assert "invalid model; no path analysis" in err


def test_diagram_highlights_the_one_selected_path() -> None:
    code, out, _ = _run(str(MODELS / "examples/bookinfo"), "--diagram", "mermaid")
    assert code == 0
    assert out.startswith("%% Istio Bookinfo: data flow: user to restricted credentials in productpage")
    assert "class n_user,n_istio_hingressgateway,n_productpage k0" in out
    assert "classDef k0 fill:#ffffff,stroke:#c0392b,color:#1b2631,stroke-width:4px" in out
    assert "linkStyle 0,1 stroke:#c0392b,stroke-width:4px" in out  # the two hops, nothing else
    code, out, _ = _run(str(MODELS / "examples/bookinfo"), "--diagram", "dot")
    assert code == 0 and out.startswith("digraph") and out.count("penwidth=4") == 5


def test_diagram_needs_exactly_one_path() -> None:
    code, _, err = _run(DSB, "--diagram", "mermaid", "--to", "data")
    assert code == 2
    assert "--diagram draws one path; 3 selected: --from client --to frontend;" in err


def test_diagram_suggestions_each_select_one_path() -> None:
    """``api`` is the target of a credentials path and a data path from ``users``: the
    suggestions name the class too, and each selects exactly one path to draw."""
    reference = str(MODELS / "reference")
    code, _, err = _run(reference, "--diagram", "mermaid", "--from", "users", "--to", "api")
    assert code == 2
    hint = err.split("2 selected: ")[1].split("\n")[0]
    assert hint == "--from users --to api:credentials; --from users --to api:data"
    for choice in hint.split("; "):
        code, out, err = _run(reference, "--diagram", "mermaid", *choice.split())
        assert code == 0, err
        assert f"users to confidential {choice.split(':')[1]}" in out.splitlines()[0]
    code, _, err = _run(reference, "--to", "api:admin")
    assert code == 2 and "api:credentials, api:data" in err


def test_a_hop_passed_with_a_held_login_says_so() -> None:
    """'service-a' fetches the workload credentials it logs in to the database with: on
    the hop into 'db' the database's authentication is not counted, and the hop says
    which login the attacker holds."""
    code, out, _ = _run(str(MODELS / "reference"), "--to", "db", "--format", "json")
    assert code == 0
    (group,) = json.loads(out)["groups"]
    (path,) = group["paths"]
    db = path["hops"][-1]
    assert (db["component"], db["held_credentials"]) == ("db", ["service_credentials"])
    assert "authentication" not in db["controls"] and "application" not in db["layers"]
    _, text, _ = _run(str(MODELS / "reference"), "--to", "db")
    assert text.rstrip().endswith("logs in with held service_credentials")
