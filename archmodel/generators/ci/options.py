"""Options of the CI generator, kept here until the generator contract carries typed
per-generator options."""

from __future__ import annotations

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


DEFAULT = CiOptions()
