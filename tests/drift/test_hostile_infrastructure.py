"""`drift` reads infrastructure code it does not control: a FIFO or a link to a
device is reported by name and never read, and a broken file names itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"


def _drift(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archmodel.cli", "drift", str(REFERENCE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("kind", ["fifo", "zero", "syntax", "binary"])
def test_unreadable_terraform_is_an_error_naming_the_file(tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "main.tf"
    if kind == "fifo":
        os.mkfifo(bad)
    elif kind == "zero":
        bad.symlink_to("/dev/zero")
    elif kind == "syntax":
        bad.write_text('resource "aws_security_group" "x" {\n  name = \n')
    else:
        bad.write_bytes(b"\xff\xfe\x00")
    run = _drift("--terraform", str(tmp_path))
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "main.tf" in run.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "outside"])
def test_unreadable_manifests_are_errors_naming_the_file(tmp_path: Path, kind: str) -> None:
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    bad = k8s / "policy.yaml"
    if kind == "fifo":
        os.mkfifo(bad)
    elif kind == "zero":
        bad.symlink_to("/dev/zero")
    else:
        secret = tmp_path / "secret.yaml"
        secret.write_text("kind: Secret\n")
        bad.symlink_to(secret)
    run = _drift("--k8s", str(k8s))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "policy.yaml" in run.stderr and "not read" in run.stderr


def test_a_link_to_a_manifest_inside_the_directory_is_read(tmp_path: Path) -> None:
    k8s = tmp_path / "k8s"
    (k8s / "base").mkdir(parents=True)
    (k8s / "base" / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    (k8s / "ns.yaml").symlink_to(k8s / "base" / "ns.yaml")
    run = _drift("--k8s", str(k8s))
    assert "not read" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "syntax", "array"])
def test_unreadable_terraform_json_is_an_error_naming_the_file(tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "main.tf.json"
    if kind == "fifo":
        os.mkfifo(bad)
    elif kind == "zero":
        bad.symlink_to("/dev/zero")
    elif kind == "syntax":
        bad.write_text('{"resource": {"aws_security_group": ')
    else:
        bad.write_text("[1, 2]")
    run = _drift("--terraform", str(tmp_path))
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "main.tf.json" in run.stderr


def test_terraform_nested_too_deep_is_refused_by_name(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(f"d{i}" for i in range(14)))
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    run = _drift("--terraform", str(tmp_path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "deeper than" in run.stderr and "d11" in run.stderr


def test_downloaded_modules_are_not_read(tmp_path: Path) -> None:
    modules = tmp_path / ".terraform" / "modules" / "x"
    modules.mkdir(parents=True)
    (modules / "main.tf").write_text("this is { not HCL\n")
    run = _drift("--terraform", str(tmp_path))
    assert "Traceback" not in run.stderr and "not valid HCL" not in run.stderr


def test_a_link_to_terraform_inside_the_directory_is_read_one_outside_is_not(tmp_path: Path) -> None:
    tf = tmp_path / "tf"
    (tf / "shared").mkdir(parents=True)
    (tf / "shared" / "locals.tf").write_text("locals {\n  x = 1\n}\n")
    (tf / "locals.tf").symlink_to(tf / "shared" / "locals.tf")
    run = _drift("--terraform", str(tf))
    assert "not read" not in run.stderr and "Traceback" not in run.stderr
    secret = tmp_path / "secret.tf"
    secret.write_text('resource "aws_s3_bucket" "b" {}\n')
    (tf / "outside.tf").symlink_to(secret)
    run = _drift("--terraform", str(tf))
    assert run.returncode == 1 and "outside.tf" in run.stderr and "not read" in run.stderr
