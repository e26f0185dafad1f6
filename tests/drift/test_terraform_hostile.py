"""`drift --terraform` reads infrastructure code it does not control: a FIFO or a link to a
device is reported by name and never read, and a broken file names itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"


def _drift(tf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archmodel.cli", "drift", str(REFERENCE), "--terraform", str(tf)],
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
    run = _drift(tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "main.tf" in run.stderr
