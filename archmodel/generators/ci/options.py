"""The CI generator's typed options (the runner hands them in) and the conditions its
publish and deploy jobs run under."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Only publish and deploy on a push to the default branch or a tag: a pull request
# (possibly from a fork) must never reach registry or cluster credentials.
GH_SHIP = (
    "github.event_name == 'push' && (github.ref == format('refs/heads/{0}', "
    "github.event.repository.default_branch) || startsWith(github.ref, 'refs/tags/'))"
)
GL_SHIP = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG"


@dataclass(frozen=True)
class CiOptions:
    """``out_dir``: where the generated output is committed, relative to the repository
    root; deploy steps find ``terraform/``, ``helm/`` and ``k8s/`` there through the
    ``ARCHMODEL_OUT`` variable, not relative to wherever the runner starts."""

    out_dir: str = "."

    def __post_init__(self) -> None:
        if not SAFE_DIR.fullmatch(self.out_dir) or ".." in self.out_dir.split("/"):
            raise ValueError(f"output directory {self.out_dir!r} cannot be named in the workflow")


# Relative, without '..', and plain enough for a YAML value and a quoted shell word.
SAFE_DIR = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]{0,199}")
DEFAULT = CiOptions()
