"""`archmodel diff`: element changes, security-relevant changes, git revisions."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

OLD = """archmodel: 1
system: {name: S}
zones: [{id: net, name: N, trust: untrusted}, {id: app, name: A, trust: internal}]
data: [{id: o, name: O, classification: internal}]
components:
  - {id: u, kind: actor, name: U, zone: net}
  - {id: api, kind: service, name: API, zone: app, controls: [authentication, rbac]}
flows: [{from: u, to: api, protocol: https}]
environments: [{id: prod, name: P, tier: prod}]
pipeline:
  stages:
    - {id: gate, kind: approval, name: Gate}
    - {id: d, kind: deploy, name: D, needs: [gate], environment: prod}
"""


def _write(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "archmodel.yaml").write_text(text)
    return root


def _diff(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args])
    return result.exit_code, result.stdout


def _security_kinds(old: Path, new: Path) -> list[str]:
    _, out = _diff(str(old), str(new), "--format", "json")
    return [s["kind"] for s in json.loads(out)["security"]]


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (lambda t: t.replace("zone: app, controls", "zone: app, public: true, controls"), "exposure"),
        (lambda t: t.replace("protocol: https", "protocol: http"), "plaintext"),
        (lambda t: t.replace("[authentication, rbac]", "[authentication]"), "control_removed"),
        (lambda t: t.replace("classification: internal", "classification: confidential"), "classification"),
        (
            lambda t: t.replace("    - {id: gate, kind: approval, name: Gate}\n", "").replace(
                "needs: [gate], ", ""
            ),
            "approval_dropped",
        ),
        (lambda t: t.replace("needs: [gate], ", ""), "approval_bypassed"),
        (
            lambda t: t.replace(
                "controls: [authentication, rbac]}", "controls: [authentication, rbac], out_of_scope: vendor}"
            ),
            "out_of_scope",
        ),
        (
            lambda t: t.replace("flows: [", "flows: [{from: u, to: db, protocol: https}, ").replace(
                "  - {id: u,", "  - {id: db, kind: service, name: DB, zone: app}\n  - {id: u,"
            ),
            "boundary",
        ),
    ],
)
def test_each_security_change_is_flagged(tmp_path: Path, edit: Callable[[str], str], kind: str) -> None:
    old = _write(tmp_path / "old", OLD)
    new = _write(tmp_path / "new", edit(OLD))
    assert kind in _security_kinds(old, new)
    assert _security_kinds(old, old) == []


def test_fail_on_security_and_formats(tmp_path: Path) -> None:
    old = _write(tmp_path / "old", OLD)
    new = _write(tmp_path / "new", OLD.replace("protocol: https", "protocol: http"))
    assert _diff(str(old), str(new))[0] == 0
    code, out = _diff(str(old), str(new), "--fail-on-security", "--format", "md")
    assert code == 1
    assert "`flow:u->api`" in out and "| changed | flows | `u->api` | protocol |" in out
    assert _diff(str(old), str(old), "--fail-on-security") == (0, "No architectural changes.\n")


def test_diff_against_a_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    model = _write(repo / "model", OLD)
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "model"], check=True)
    (model / "archmodel.yaml").write_text(OLD.replace("[authentication, rbac]", "[authentication]"))
    monkeypatch.chdir(repo)
    code, out = _diff("HEAD:model", "model")
    assert code == 0
    assert "control 'rbac' removed from component:api" in out
    assert _diff("HEAD:nope", "model")[0] == 2


POLICY = """x-policies:
  rules:
    - {id: ORG001, title: Services sit behind a WAF, stride: [tampering], severity: high,
       select: {kind: [service]}, require: [waf], fix: Put a WAF in front.}
"""


def test_git_side_keeps_its_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Identical content on both sides: the git side's x-policies rule must run too."""
    repo = tmp_path / "repo"
    _write(repo / "model", OLD + POLICY)
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "model"], check=True)
    monkeypatch.chdir(repo)
    code, out = _diff("HEAD:model", "model", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["threats_opened"] == [] and report["threats_closed"] == []


@pytest.mark.parametrize(
    "spec",
    ["HEAD:models/shop", "HEAD:./shop", "HEAD:shop", "HEAD:../models/shop"],
    ids=["from the top, as git reads it", "./ from here", "from here when the top has none", "../"],
)
def test_a_git_revision_from_a_subdirectory_reads_as_git_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str
) -> None:
    """Run in ``models/``: ``REV:models/shop`` is read from the repository's top, as git
    reads it; ``./`` and ``../`` from the working directory; and a path the top does not
    have (``HEAD:shop``) from the working directory rather than refused."""
    repo = tmp_path / "repo"
    model = _write(repo / "models" / "shop", OLD)
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "model"], check=True)
    (model / "archmodel.yaml").write_text(OLD.replace("[authentication, rbac]", "[authentication]"))
    monkeypatch.chdir(repo / "models")
    code, out = _diff(spec, "shop")
    assert code == 0, out
    assert "control 'rbac' removed from component:api" in out


def test_a_git_path_leaving_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    _write(repo / "model", OLD)
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "model"], check=True)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "HEAD:../outside", "model"])
    assert result.exit_code == 2 and "HEAD:../outside: outside the repository" in result.stderr
