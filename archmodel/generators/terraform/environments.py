"""Terraform per environment, when environments deploy different things.

One root module with a ``<env>.tfvars`` per environment is what platform teams keep when
every environment runs the same components. When components, flows or controls are
limited to some environments (a load generator in dev only, a WAF in production only),
one module cannot be both: each environment then gets its own root module,
``terraform/<env>/``, generated from that environment's view of the model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from archmodel.model.view import has_topology
from archmodel.project import Project
from archmodel.runner import Files, NoOptions

Generate = Callable[[Project, NoOptions], Files]
# Root modules of clouds other than AWS, below ``terraform/``.
CLOUD_DIRS = frozenset({"gcp", "azure"})
# Files that belong to one environment: ``<env>.tfvars``, ``<env>.<backend>.tfbackend``.
PER_ENVIRONMENT = (".tfvars", ".tfbackend")


def per_environment(generate: Generate) -> Generate:
    """``generate`` run once for the model, or once per environment's view (under
    ``terraform/<env>/``) when environments differ in what they deploy."""

    def run(project: Project, options: NoOptions) -> Files:
        if project.environment is not None:
            return _own_files(generate(project, options), project.environment, project.environment_ids)
        if not has_topology(project.model):
            return generate(project, options)
        files: dict[PurePosixPath, bytes] = {}
        for env in project.environment_ids:
            own = _own_files(generate(project.for_environment(env), options), env, project.environment_ids)
            files.update({_under(path, env): content for path, content in own.items()})
        return dict(sorted(files.items()))

    return run


def _own_files(files: Files, env: str, envs: list[str]) -> Files:
    """Leave out the tfvars and backend files of the other environments."""
    others = {e for e in envs if e != env}
    return {p: c for p, c in files.items() if not _belongs_to(p.name, others)}


def _belongs_to(name: str, envs: set[str]) -> bool:
    return name.endswith(PER_ENVIRONMENT) and name.split(".", 1)[0] in envs


def _under(path: PurePosixPath, env: str) -> PurePosixPath:
    """``terraform/x`` (AWS) or ``terraform/<cloud>/x`` (GCP, Azure) becomes
    ``terraform/<env>/x``: an environment's view has one root module, its cloud's."""
    rest = path.parts[1:]
    if len(rest) > 1 and rest[0] in CLOUD_DIRS:
        rest = rest[1:]
    return PurePosixPath(path.parts[0], env, *rest)
