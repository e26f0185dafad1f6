"""Issue 15: what drift did not analyse is in every report, never silently dropped.
Text and GitHub print it after the findings; JSON ends with one ``summary`` record;
SARIF carries it as run properties and tool-execution notifications (never as results,
which code scanning would turn into alerts). Real fixtures: tf-gcp (Terraform: 22
resources of 17 types, a module call, ``count``, the implicit default network) and
acs-security-demos (Kubernetes: 9 objects of 4 kinds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads(
    (Path(__file__).parents[1] / "findings" / "schema" / "sarif-schema-2.1.0.json").read_text(
        encoding="utf-8"
    )
)
TF_GCP = ["drift", str(FIXTURES / "tf-gcp"), "--terraform", str(FIXTURES / "tf-gcp" / "terraform")]
ACS = ["drift", str(FIXTURES / "acs-security-demos"), "--k8s", str(FIXTURES / "acs-security-demos" / "k8s")]
TF_TYPES = 17
KUBE_KINDS = {"ClusterRoleBinding": 1, "ConfigMap": 4, "RoleBinding": 1, "ServiceAccount": 3}


def run(args: list[str], fmt: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--format", fmt])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def text_lines(args: list[str]) -> list[str]:
    _, _, err = run(args, "text")
    return err.splitlines()


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_text_and_github_list_what_was_not_analysed(fmt: str) -> None:
    _, _, err = run(TF_GCP, fmt)
    assert "22 resources of 17 types not analysed: 1 google_compute_forwarding_rule," in err
    assert "1 module calls not read (their resources are not analysed): 1 module.project-services" in err
    assert "`count`/`for_each` not evaluated" in err and "network 'default'" in err
    _, _, err = run(ACS, fmt)
    assert "9 resources of 4 kinds not analysed: 1 ClusterRoleBinding, 4 ConfigMap" in err


def summary_of(args: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    code, out, _ = run(args, "json")
    records = json.loads(out)
    *found, last = records
    assert code == (1 if found else 0)
    return found, last


def test_json_ends_with_one_summary_record_and_keeps_the_findings_shape() -> None:
    found, summary = summary_of(TF_GCP)
    assert len(found) == 4 and all(
        set(d) == {"file", "line", "column", "severity", "code", "message", "hint"} for d in found
    )
    assert summary["kind"] == "summary" and summary["code"] is None and summary["severity"] == "info"
    assert {"file", "line", "column", "severity", "code", "message", "hint"} <= set(summary)
    assert summary["message"] == "4 drift finding(s); 9 resources, 1 rules, 0 NetworkPolicies"
    terraform = summary["not_analysed"]["terraform"]
    assert len(terraform) == TF_TYPES and sum(terraform.values()) == 22
    assert terraform["google_container_node_pool"] == 3 and summary["not_analysed"]["kubernetes"] == {}
    # the same sentences as the text report, in its order
    assert summary["notes"] == text_lines(TF_GCP)[1:]
    _, kube = summary_of(ACS)
    assert kube["not_analysed"] == {"terraform": {}, "kubernetes": KUBE_KINDS}
    assert kube["network_policies"] == 14


def test_json_summary_is_there_when_nothing_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("# no objects\n", encoding="utf-8")
    found, summary = summary_of(["drift", str(FIXTURES / "model"), "--k8s", str(tmp_path)])
    assert summary["not_analysed"] == {"terraform": {}, "kubernetes": {}} and summary["notes"] == []
    assert summary["findings"] == len(found)


def test_json_summary_names_refused_gateway_references() -> None:
    _, summary = summary_of(
        ["drift", str(FIXTURES / "model"), "--k8s", str(FIXTURES / "gateway-api-reference-grant" / "k8s")]
    )
    refused = [n for n in summary["notes"] if "RefNotPermitted" in n]
    assert len(refused) == 2 and "payments/api" in refused[1]


@pytest.mark.parametrize("args", [TF_GCP, ACS], ids=["tf-gcp", "acs-security-demos"])
def test_sarif_carries_the_summary_as_run_facts_not_results(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).parents[2])
    _, out, _ = run(args, "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    (sarif_run,) = log["runs"]
    _, summary = summary_of(args)
    facts = sarif_run["properties"]["archmodel/drift"]
    assert facts["not_analysed"] == summary["not_analysed"] and facts["notes"] == summary["notes"]
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == summary["notes"] and notes
    assert {n["level"] for n in notes} == {"note"}
    assert all(r["ruleId"].startswith("AM5") for r in sarif_run["results"])
    assert len(sarif_run["results"]) == summary["findings"]


def test_other_commands_sarif_is_unchanged() -> None:
    _, out, _ = run(["validate", str(FIXTURES / "model")], "sarif")
    (sarif_run,) = json.loads(out)["runs"]
    assert "properties" not in sarif_run and "invocations" not in sarif_run
