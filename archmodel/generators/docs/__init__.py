"""The docs generator: a MkDocs site describing the model, for ``generate -o OUT``.

``generate`` returns ``docs/mkdocs.yml`` and ``docs/docs/**`` (Markdown pages and the
diagram SVGs drawn by the diagrams generator, which is called, not re-implemented). The
same pages feed the MkDocs plugin (``plugin.py``), so a site built either way matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archmodel.generation import GenerateOptions
from archmodel.generators.docs.pages import Diagrams, build_pages
from archmodel.generators.docs.site import mkdocs_yml
from archmodel.generators.docs.threat_source import threat_findings

if TYPE_CHECKING:
    from archmodel.project import Project

__all__ = ["Diagrams", "build_pages", "generate", "site_files"]


def site_files(project: Project, options: GenerateOptions) -> dict[str, bytes]:
    """Pages and diagram SVGs by path below the docs dir (what the plugin serves)."""
    from archmodel.generators.diagrams import generate as generate_diagrams

    diagrams = Diagrams(generate_diagrams(project, GenerateOptions(max_nodes=options.max_nodes)))
    pages = build_pages(project.graph, threat_findings(project), diagrams)
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files.update(diagrams.svgs())
    return dict(sorted(files.items()))


def generate(project: Project, options: GenerateOptions) -> dict[str, bytes]:
    """``docs/mkdocs.yml`` and ``docs/docs/...``: a site that builds with ``mkdocs build --strict``."""
    files = site_files(project, options)
    pages = {p: b.decode("utf-8") for p, b in files.items() if p.endswith(".md")}
    out = {f"docs/docs/{path}": content for path, content in files.items()}
    out["docs/mkdocs.yml"] = mkdocs_yml(project.model, pages).encode("utf-8")
    return dict(sorted(out.items()))
