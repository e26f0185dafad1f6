"""A warning a generator raises reaches the user of the console script as one line of
its own, like every other message: not Python's display of the generator's source."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODEL = """\
archmodel: 1
system: {name: Shop}
environments:
  - {id: lab, name: Lab, tier: dev, cloud: onprem}
  - {id: prod, name: Prod, tier: prod, cloud: aws}
components:
  - {id: users, kind: actor, name: Users}
  - {id: api, kind: service, name: API, deploy: {runtime: container, image: "api:1"}}
flows:
  - {from: users, to: api, protocol: https}
"""


def test_a_generator_warning_is_one_line_without_source(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(MODEL, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from archmodel.cli.entry import main; main()",
            "generate",
            str(tmp_path),
            "-o",
            str(tmp_path / "out"),
            "--only",
            "terraform",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    warned = [line for line in lines if line.startswith("warning: ")]
    assert len(warned) == 1 and "'lab' is on onprem" in warned[0]
    assert ".py:" not in done.stderr and "return generate(" not in done.stderr
    assert all(line.startswith(("warning: ", str(tmp_path))) for line in lines), lines
