"""The Helm generator: a chart per container component, and the same objects rendered.

One chart per component (``helm/<name>/``) rather than an umbrella chart: each service
is released, rolled back and scaled on its own, and charts do not depend on each other
because NetworkPolicies select peers by the ``archmodel.io/component`` label. As no helm
binary may be at hand, ``k8s/<env>/<component>.yaml`` holds the manifests each
environment gets, rendered from the very structure the templates are dumped from.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.files import FileMap
from archmodel.generators.helm.manifests import (
    external_name,
    external_service,
    headless_name,
    k8s_name,
    manifests,
    namespace,
    namespace_object,
    peers_of,
)
from archmodel.generators.helm.network import COMPONENT_LABEL
from archmodel.generators.helm.render import Template, ValuesText, dump
from archmodel.generators.helm.storage import stateful
from archmodel.generators.helm.values import (
    DEFAULT_ENV,
    ENVIRONMENT_KEYS,
    chart_values,
    for_environment,
    values_schema_text,
)
from archmodel.graph import ArchGraph
from archmodel.model import Component, Environment, runs_in_container
from archmodel.model.view import has_topology
from archmodel.naming import unique
from archmodel.project import Project
from archmodel.runner import Files, Generator, NoOptions

__all__ = ["GENERATOR", "charted_components", "generate"]

CHART_VERSION = "0.1.0"
NAMESPACE_ANNOTATION = "archmodel.io/namespace"
# Beside the component files; ids start with a letter, so no component is called so,
# and ``kubectl apply -f`` reads it before them (files in name order).
NAMESPACES_FILE = "_namespaces.yaml"


def charted_components(graph: ArchGraph) -> list[Component]:
    """Container components that are in scope, in id order."""
    return [c for _, c in sorted(graph.components.items()) if runs_in_container(c) and not c.out_of_scope]


def chart_yaml(graph: ArchGraph, component: Component) -> dict[str, object]:
    """Chart metadata; annotations name the component and the namespace to install in."""
    image = component.deploy.image if component.deploy and component.deploy.image else ""
    tail = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return {
        "apiVersion": "v2",
        "name": k8s_name(component.id),
        "description": component.description or component.name,
        "type": "application",
        "version": CHART_VERSION,
        "appVersion": tail.rsplit(":", 1)[1] if ":" in tail else "latest",
        "annotations": {COMPONENT_LABEL: component.id, NAMESPACE_ANNOTATION: namespace(graph, component)},
    }


def generated_names(graph: ArchGraph, components: list[Component]) -> Iterator[tuple[str, str]]:
    """(element, Kubernetes name) of every chart, every store's headless Service and
    every LoadBalancer Service: a component called ``db-headless`` beside a database
    ``db`` would share a Service, as ``web-external`` beside an exposed ``web``."""
    charted = {c.id for c in components}
    for c in components:
        yield f"component '{c.id}'", k8s_name(c.id)
        if stateful(c):
            yield f"the headless Service of component '{c.id}'", headless_name(c)
        if external_service(graph, c, charted) is not None:
            yield f"the LoadBalancer Service of component '{c.id}'", external_name(c)


def _environments(project: Project) -> list[Environment | None]:
    """The environments to render: the one in view, else every one (None: no environments)."""
    envs = sorted(project.graph.environments.items())
    return [e for i, e in envs if project.environment in (None, i)] or [None]


def _views(project: Project, envs: list[Environment | None]) -> dict[str, ArchGraph]:
    """Each environment's graph, when environments differ in what they deploy; otherwise
    every environment renders from the model's own graph."""
    if project.environment is not None or not has_topology(project.model):
        return {}
    return {e.id: project.for_environment(e.id).graph for e in envs if e is not None}


def generate(project: Project, options: NoOptions) -> Files:
    """``helm/<chart>/...`` for every container component and ``k8s/<env>/<id>.yaml``: an
    environment gets the components deployed there, with the flows that exist there."""
    graph = project.graph
    components = charted_components(graph)
    unique("Kubernetes", generated_names(graph, components))
    charted = {c.id for c in components}
    envs = _environments(project)
    views = _views(project, envs)
    files: dict[str, bytes] = {}
    for component in components:
        chart = f"helm/{k8s_name(component.id)}"
        templates = {stem: Template(obj) for stem, obj in manifests(graph, component, charted).items()}
        peers = peers_of(graph, component, charted)
        defaults = chart_values(graph, component, None, peers)
        values_text = ValuesText(defaults, ENVIRONMENT_KEYS)
        files[f"{chart}/Chart.yaml"] = dump(chart_yaml(graph, component)).encode()
        files[f"{chart}/values.yaml"] = values_text.dump(defaults).encode()
        files[f"{chart}/values.schema.json"] = values_schema_text(defaults).encode()
        for stem, tmpl in templates.items():
            files[f"{chart}/templates/{stem}.yaml"] = tmpl.helm().encode()
        for env in envs:
            env_id = env.id if env else DEFAULT_ENV
            here, env_templates, values = graph, templates, defaults
            if env_id in views:
                here = views[env_id]
                if component.id not in here.components:
                    continue  # not deployed in this environment
                deployed = charted & set(here.components)
                objects = manifests(here, here.components[component.id], deployed)
                env_templates = {stem: Template(obj) for stem, obj in objects.items()}
                values = chart_values(here, component, env, peers_of(here, component, deployed))
            elif env is not None:
                values = for_environment(defaults, graph, component, env)
            if env is not None:
                text = values_text.dump(values) if here is graph else dump(values)
                files[f"{chart}/values-{env_id}.yaml"] = text.encode()
            written: dict[tuple[str, ...], str] = {}
            rendered = "---\n".join(t.render(values, written) for t in env_templates.values())
            files[f"k8s/{env_id}/{component.id}.yaml"] = rendered.encode()
    names = sorted({namespace(graph, c) for c in components})
    for env in envs if components else []:
        env_id = env.id if env else DEFAULT_ENV
        docs = "---\n".join(dump(namespace_object(name, env_id)) for name in names)
        files[f"k8s/{env_id}/{NAMESPACES_FILE}"] = docs.encode()
    return FileMap({p: files[p] for p in sorted(files)})


GENERATOR = Generator("helm", NoOptions, generate, roots=("helm", "k8s"))
