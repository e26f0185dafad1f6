"""The docs generator: a MkDocs site describing the model, for ``generate -o OUT``.

``generate`` returns ``docs/mkdocs.yml`` and ``docs/docs/**`` (Markdown pages and the
diagram SVGs). The diagrams are the diagrams generator's files of the same run, handed
in by the runner through ``DocsOptions.diagrams``: this package never draws. The same
pages feed the MkDocs plugin (``plugin.py``), so a site built either way matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archmodel.files import FileMap
from archmodel.generators.docs.pages import Diagrams, build_pages
from archmodel.generators.docs.render import STYLESHEET, TEMPLATES
from archmodel.generators.docs.site import mkdocs_yml
from archmodel.generators.docs.threat_source import attack_items, threat_findings
from archmodel.runner import Files, Generator

if TYPE_CHECKING:
    from archmodel.project import Project

__all__ = ["GENERATOR", "Diagrams", "DocsOptions", "build_pages", "generate", "site_files"]


@dataclass(frozen=True)
class DocsOptions:
    """The diagrams generator's files of this run (filled in by the runner); they are
    an input, not a setting, so they stay out of the options' repr and fingerprint."""

    diagrams: Files = field(default_factory=dict, repr=False, compare=False)


def site_files(project: Project, diagrams: Files) -> dict[str, bytes]:
    """Pages and diagram SVGs by path below the docs dir (what the plugin serves)."""
    shown = Diagrams({str(p): b for p, b in diagrams.items()})
    pages = build_pages(project.graph, threat_findings(project), shown, attack_items(project))
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files.update(shown.svgs())
    files[STYLESHEET] = (TEMPLATES / STYLESHEET).read_bytes()
    return dict(sorted(files.items()))


def generate(project: Project, options: DocsOptions) -> Files:
    """``docs/mkdocs.yml`` and ``docs/docs/...``: a site that builds with ``mkdocs build --strict``."""
    files = site_files(project, options.diagrams)
    pages = {p: b.decode("utf-8") for p, b in files.items() if p.endswith(".md")}
    out = {f"docs/docs/{path}": content for path, content in files.items()}
    out["docs/mkdocs.yml"] = mkdocs_yml(project.model, pages).encode("utf-8")
    return FileMap({p: out[p] for p in sorted(out)})


GENERATOR = Generator(
    "docs", DocsOptions, generate, needs=("diagrams",), prepare=threat_findings, roots=("docs",)
)
