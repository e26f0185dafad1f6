"""The shortcuts of the Helm generator give what the long way gives: values files dumped
key by key, an environment's values from the chart's defaults, templates filled at
placeholders that no model string can fake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_terraform_escaping import NASTY

from archmodel.api import valid_project
from archmodel.formats.yaml import dump
from archmodel.generators.helm import charted_components
from archmodel.generators.helm.manifests import Value, peers_of
from archmodel.generators.helm.render import Template, ValuesText
from archmodel.generators.helm.values import chart_values, for_environment

BOUTIQUE = Path(__file__).parents[2] / "models" / "examples" / "online-boutique"

text = st.text() | st.sampled_from(NASTY)
leaves = st.none() | st.booleans() | st.integers() | text
data = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(text, data, min_size=1, max_size=6), st.data())
def test_values_dumped_in_runs_of_keys_are_the_whole_dump(
    defaults: dict[str, Any], draw: st.DataObject
) -> None:
    varying = draw.draw(st.sets(st.sampled_from(sorted(defaults))))
    changed = {**defaults, **{key: draw.draw(data) for key in varying}}
    values_text = ValuesText(defaults, varying)
    assert values_text.dump(defaults) == dump(defaults)
    assert values_text.dump(changed) == dump(changed)
    other = {**changed, "another key": 1}
    assert values_text.dump(other) == dump(other)


def test_environment_values_from_the_defaults_equal_those_worked_out_anew() -> None:
    project = valid_project(BOUTIQUE)
    graph = project.graph
    envs = list(graph.environments.values())
    assert envs
    for component in charted_components(graph):
        peers = peers_of(graph, component, {c.id for c in charted_components(graph)})
        defaults = chart_values(graph, component, None, peers)
        for env in envs:
            assert for_environment(defaults, graph, component, env) == chart_values(
                graph, component, env, peers
            )


def test_model_strings_that_look_like_placeholders_stay_as_they_are() -> None:
    doc = {
        "nul": "a\x00b",
        "old": "__archmodel_value_0__",
        "value": Value(("v",)),
        "list": [Value(("w", "x"))],
    }
    template = Template(doc)
    rendered = yaml.safe_load(template.render({"v": {"k": "x\x00"}, "w": {"x": [1, "two"]}}))
    assert rendered == {
        "nul": "a\x00b",
        "old": "__archmodel_value_0__",
        "value": {"k": "x\x00"},
        "list": [[1, "two"]],
    }
    helm = template.helm()
    assert '{{ index .Values "v" | toJson }}' in helm
    assert '- {{ index .Values "w" "x" | toJson }}' in helm
    assert "__archmodel_value_0__" in helm
