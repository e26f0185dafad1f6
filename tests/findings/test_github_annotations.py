"""``--format github`` of validate, threats and drift: one escaped workflow command per
finding, so that no model text, file name or infrastructure name can forge another
annotation (GitHub reads every output line that starts with ``::`` as a command)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archmodel.cli.main import cli
from archmodel.findings import escape_data, escape_property

HEADER = "archmodel: 1\nsystem: {name: T}\n"
COMMANDS = ("::error ", "::warning ", "::notice ")


def github(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--format", "github"])


def annotations(output: str, count: int) -> list[str]:
    """Every line is one annotation, and there are exactly ``count`` of them."""
    lines = output.split("\n")
    assert lines[-1] == "" and "\r" not in output
    lines = lines[:-1]
    assert all(line.startswith(COMMANDS) for line in lines), lines
    assert len(lines) == count, lines
    return lines


def no_commands(stderr: str) -> None:
    """What is printed to stderr next to the annotations carries no command either."""
    assert "\r" not in stderr
    assert not [line for line in stderr.splitlines() if line.lstrip().startswith("::")]


def test_escaping_rules() -> None:
    assert escape_data("50%\r\n::error::x") == "50%25%0D%0A::error::x"
    assert escape_property("a,line=9:b\n") == "a%2Cline=9%3Ab%0A"


def test_risk_threat_with_a_newline_cannot_forge_an_annotation(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        HEADER
        + "components: [{id: s, kind: service, name: S, tags: [entry_point]}]\n"
        + 'risks:\n  - {threat: "AMT9\\n::error file=x,line=1::forged", status: accepted, justification: j}\n'
    )
    result = github("threats", str(tmp_path))
    lines = annotations(result.stdout, len(result.stdout.splitlines()))
    stale = [line for line in lines if "AMT001" in line]
    assert len(stale) == 1 and "%0A::error file=x,line=1::forged" in stale[0]
    no_commands(result.stderr)


def test_carriage_return_in_a_yaml_key(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        HEADER + 'components:\n  - {id: a, kind: service, name: A, "zone\\r::error::forged": z}\n'
    )
    result = github("validate", str(tmp_path))
    (line,) = annotations(result.stdout, 1)
    assert line.startswith("::error file=archmodel.yaml,line=4,") or line.startswith("::error file=")
    assert "%0D::error::forged" in line
    no_commands(result.stderr)


@pytest.mark.parametrize("name", ["odd\n::error file=x::forged.yaml", "m,line=999,title=X.yaml"])
def test_model_file_names_are_escaped(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(HEADER + "components:\n  - {id: a, kind: service, name: A, zonee: z}\n")
    result = github("validate", name)
    (line,) = annotations(result.stdout, 1)
    file_property = line.split(" ", 1)[1].split(",line=")[0]
    assert file_property == f"file={escape_property(name)}"
    assert ",line=4," in line and "line=999" not in line.replace("%2Cline=999", "")
    no_commands(result.stderr)


def test_invalid_model_refused_in_github_mode_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = "bad\n::error::forged.yaml"
    (tmp_path / name).write_text(HEADER + "components: [{id: a, kind: service, name: A, zonee: z}]\n")
    result = github("threats", name)
    assert result.exit_code == 1 and result.stdout == ""
    annotations(result.stderr.split("\n", 1)[0] + "\n", 1)
    assert "%0A::error::forged" in result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("::error::")]


def test_network_policy_name_cannot_forge_a_drift_annotation(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        HEADER
        + "components:\n"
        + "  - {id: orders, kind: service, name: O, deploy: {runtime: container, port: 8080}}\n"
        + "  - {id: billing, kind: service, name: B, deploy: {runtime: container, port: 8080}}\n"
        + "flows:\n  - {from: orders, to: billing, protocol: https, port: 8080}\n"
    )
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    (k8s / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders}\n"
        "spec: {template: {metadata: {labels: {app: orders}}}}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: billing}\n"
        "spec: {template: {metadata: {labels: {app: billing}}}}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        'metadata: {name: "x\\r::error::forged\\n::warning::again"}\n'
        "spec:\n  podSelector: {matchLabels: {app: orders}}\n  policyTypes: [Ingress]\n"
        "  ingress:\n    - from: [{podSelector: {matchLabels: {app: billing}}}]\n"
        "      ports: [{port: 8080}]\n"
    )
    result = github("drift", str(tmp_path), "--k8s", str(k8s))
    lines = annotations(result.stdout, 2)  # AM503 on the policy, AM505: billing is not isolated
    line = next(line for line in lines if "AM503" in line)
    assert line.startswith("::error ")
    assert "x%0D::error::forged%0A::warning::again" in line
    no_commands(result.stderr)


def test_missing_model_path_is_escaped_in_github_mode(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone\n::error::forged")
    result = github("validate", missing)
    assert result.exit_code == 2
    assert "%0A::error::forged" in result.stderr
    no_commands(result.stderr)


def test_bad_baseline_error_is_escaped_in_github_mode(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(HEADER)
    baseline = tmp_path / "base\n::error::forged.json"
    baseline.write_text('{"findings": 1}')
    result = github("threats", str(tmp_path), "--baseline", str(baseline))
    assert result.exit_code == 2 and "%0A::error::forged" in result.stderr
    no_commands(result.stderr)


def test_each_file_is_made_relative_once_per_rendering(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Thousands of findings share the few files of a model: resolving each file's path
    (system calls) once per rendering writes what resolving it per finding writes."""
    import archmodel.findings.github as gh
    from archmodel.catalog import Severity
    from archmodel.diagnostics import diag
    from archmodel.rules.registry import RuleInfo

    monkeypatch.chdir(tmp_path)
    files = [str(tmp_path / "a.yaml"), "b.yaml", str(tmp_path / "out" / "c,d.yaml"), None]
    items = [
        diag(RuleInfo("AM900", Severity.warning, "t", "d"), f"finding {i}", file=files[i % 4], line=i + 1)
        for i in range(40)
    ]
    calls: list[str | None] = []
    real = gh.shown_path

    def counted(file: str | None, base: Path | None) -> str | None:
        calls.append(file)
        return real(file, base)

    monkeypatch.setattr(gh, "shown_path", counted)
    rendered = gh.render_github(items)
    assert sorted(calls, key=str) == sorted(files, key=str)
    assert rendered == "".join(gh.annotation(item, None, {}) + "\n" for item in items)
    assert "file=a.yaml," in rendered and "file=out/c%2Cd.yaml," in rendered
