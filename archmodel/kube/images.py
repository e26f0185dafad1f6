"""Container image references as a runtime reads them: which repository, which tag,
which digest.

The same image is written many ways: ``mongo``, ``docker.io/library/mongo`` and
``index.docker.io/library/mongo`` name one repository (Docker Hub's default registry
and its ``library/`` namespace for official images). A tag is after the last colon of
the last path part (a colon before a slash is a registry's port); a digest after ``@``
decides what is pulled, whatever the tag says. An image written with neither is pulled
as ``latest``.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCKER_HUB = "docker.io"
HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
LATEST = "latest"


@dataclass(frozen=True)
class ImageRef:
    repository: str  # with its registry: ``docker.io/library/mongo``, ``ghcr.io/acme/web``
    tag: str | None  # as written; None when the reference gives none
    digest: str | None  # ``sha256:…``, or None

    @property
    def pulled_tag(self) -> str | None:
        """The tag a runtime pulls: the written one, ``latest`` when neither tag nor digest
        is written, None when a digest alone decides."""
        if self.tag is not None:
            return self.tag
        return None if self.digest is not None else LATEST


def parse_image(text: str) -> ImageRef:
    """``mongo:4.4`` -> (docker.io/library/mongo, 4.4, None)."""
    name, _, digest = text.strip().partition("@")
    head, slash, last = name.rpartition("/")
    base, colon, tag = last.partition(":")
    return ImageRef(_repository(f"{head}{slash}{base}"), tag if colon else None, digest or None)


def _repository(name: str) -> str:
    """The repository with its registry named: a first part with a dot, a port or
    ``localhost`` is a registry, else the image is on Docker Hub."""
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry = DOCKER_HUB if first.lower() in HUB_ALIASES else first.lower()
        path = rest
    else:
        registry, path = DOCKER_HUB, name
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return f"{registry}/{path}"
