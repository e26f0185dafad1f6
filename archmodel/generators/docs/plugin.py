"""``archmodel`` MkDocs plugin: an existing site gets the model's pages at build time.

    plugins:
      - search
      - archmodel:
          model: architecture/archmodel.yaml   # relative to mkdocs.yml
          prefix: architecture                 # where the pages appear in the site

The pages are the docs generator's own (run through the runner, which hands it the
diagrams), added in ``on_files`` as
in-memory files, so nothing is written into the user's docs directory and the site can
never show stale architecture pages. An invalid model fails the build with the
compiler-style diagnostics of ``archmodel validate``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

log = get_plugin_logger(__name__)


class _PrefixOption(c.Type[str]):
    """A folder inside the docs dir: relative, POSIX, no ``..``; errors name the key."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).strip("/")
        parts = PurePosixPath(text).parts
        if not parts or any(p in ("..", ".") for p in parts) or "\\" in text:
            raise base.ValidationError(
                f"must be a folder inside docs_dir, such as 'architecture', not {value!r}"
            )
        return "/".join(parts)


class ArchmodelPluginConfig(base.Config):  # type: ignore[no-untyped-call,unused-ignore]
    model = c.FilesystemObject(exists=True)
    prefix = _PrefixOption(default="architecture")


class ArchmodelPlugin(BasePlugin[ArchmodelPluginConfig]):  # type: ignore[no-untyped-call,unused-ignore]
    """Adds ``<prefix>/index.md`` (overview) and the rest of the model's pages."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """The pages' stylesheet (diagrams at their own size) joins the site's own."""
        from archmodel.generators.docs.render import STYLESHEET

        config.extra_css.append(f"{self.config.prefix}/{STYLESHEET}")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        prefix = self.config.prefix
        generated = self._site_files()
        for path, content in generated.items():
            uri = f"{prefix}/{path}"
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"archmodel: '{uri}' exists in docs_dir; choose another 'prefix'")
            files.append(File.generated(config, uri, content=content))
        log.info("added %d pages and images under '%s/' from %s", len(generated), prefix, self.config.model)
        return files

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """``mkdocs serve`` rebuilds when a model file changes."""
        model = Path(self.config.model)
        server.watch(str(model if model.is_dir() else model.parent))
        return server

    def _site_files(self) -> dict[str, bytes]:
        from archmodel.api import InvalidModel, valid_project
        from archmodel.diagnostics import format_text
        from archmodel.load import ModelNotFound
        from archmodel.runner import GeneratorFailed, run_kinds

        try:
            project = valid_project(Path(self.config.model))
        except ModelNotFound as exc:
            raise PluginError(f"archmodel: {exc}") from exc
        except InvalidModel as exc:
            errors = [format_text(d) for d in exc.errors]
            raise PluginError("archmodel: invalid model:\n" + "\n".join(errors)) from exc
        try:
            files = run_kinds(project, ["docs"])
        except GeneratorFailed as exc:  # a tool the site's images need is missing
            raise PluginError(f"archmodel: {exc}") from exc
        root = PurePosixPath("docs/docs")
        return {p.relative_to(root).as_posix(): b for p, b in files.items() if p.is_relative_to(root)}
