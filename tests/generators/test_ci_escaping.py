"""Hostile stage and system names survive the CI generator and cannot become GitHub
expressions (``${{`` is turned into an expression that yields ``${{``)."""

from __future__ import annotations

from pathlib import PurePosixPath

import yaml
from hypothesis import given
from test_terraform_escaping import SETTINGS, hostile, hostile_graph

from archmodel.generators.ci import generate
from archmodel.generators.ci.options import CiOptions
from archmodel.generators.ci.steps import gh_text


@SETTINGS
@given(name=hostile, technology=hostile)
def test_ci_survives_hostile_text(name: str, technology: str) -> None:
    project = hostile_graph(name, "", technology, "img")
    workflow = yaml.safe_load(generate(project, CiOptions())[PurePosixPath("ci/github-actions.yml")])
    assert workflow["jobs"]["build"]["name"] == gh_text(name)
    assert workflow["name"] == gh_text(f"{name} pipeline")


def test_gh_text_neutralises_expressions() -> None:
    assert gh_text("a ${{ secrets.X }}") == "a ${{ '${{' }} secrets.X }}"
