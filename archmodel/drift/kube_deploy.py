"""What the model says about a component's deployment against the workloads that realise
it: the image (AM511), the replicas (AM512) and the ports (AM513).

Each compares only what the model names: a component without an image, replicas or port
says nothing about them. A mismatch in the manifests is reported where the manifest
writes it (the image, ``replicas``, the HPA's bound); a fact of the model that the
manifests do not realise at all (a port nothing serves, autoscaling no HPA does) is
reported where the model says it, as AM509 reports a missing exposure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.kube_protocols import served
from archmodel.drift.kube_rules import IMAGE_MISMATCH, PORT_MISMATCH, REPLICA_MISMATCH, Placement
from archmodel.kube import Cluster
from archmodel.kube.images import ImageRef, parse_image
from archmodel.kube.objects import SCALED, Container, Workload
from archmodel.kube.scaling import Autoscaler
from archmodel.load.loader import Origin
from archmodel.model import Component, Environment, replica_bounds, replicas_in
from archmodel.project import Project


def deployment_drift(project: Project, placement: Placement) -> Iterator[Diagnostic]:
    """AM511-AM513 for every component of the model (of ``--env``'s view) that workloads realise."""
    env = _environment(project)
    for i, c in enumerate(project.model.components):
        if c.deploy is None or project.graph.components.get(c.id) is not c:
            continue
        origin = project.origins["components"][i]
        for w in placement.workloads(c.id):
            yield from image_drift(c, w)
            yield from replica_drift(c, w, placement.cluster, env, origin)
            yield from port_drift(c, w, placement.cluster, origin)


def _environment(project: Project) -> Environment | None:
    return next((e for e in project.model.environments if e.id == project.environment), None)


# Images


def image_drift(component: Component, w: Workload) -> Iterator[Diagnostic]:
    """The component's own image and each sidecar's, against the workload's containers."""
    deploy = component.deploy
    if deploy is None:
        return
    if deploy.image is not None:
        wanted = parse_image(deploy.image)
        if deploy.digest is not None and wanted.digest is None:
            wanted = ImageRef(wanted.repository, wanted.tag, deploy.digest)
        yield from _image(component, w, wanted, deploy.image, "")
    for sidecar in deploy.sidecars:
        what = f" (sidecar '{sidecar.name}')"
        yield from _image(component, w, parse_image(sidecar.image), sidecar.image, what)


def _image(
    component: Component, w: Workload, wanted: ImageRef, written: str, what: str
) -> Iterator[Diagnostic]:
    running = [(c, parse_image(c.image)) for c in w.containers if c.image is not None]
    if not running:
        return  # no container names its image: nothing to compare
    same = [(c, ref) for c, ref in running if ref.repository == wanted.repository]
    if not same:
        images = ", ".join(f"'{c.image}'" for c, _ in running)
        c = running[0][0]
        yield diag(
            IMAGE_MISMATCH,
            f"{w.address} runs {images}, not the image '{written}' the model gives '{component.id}'{what}",
            **_where(w, c),
        )
        return
    differing = [(c, why) for c, ref in same if (why := _differs(wanted, ref)) is not None]
    if len(differing) == len(same):
        c, why = differing[0]
        yield diag(
            IMAGE_MISMATCH,
            f"{w.address} runs '{c.image}', {why} the model gives '{component.id}'{what} ('{written}')",
            **_where(w, c),
        )


def _differs(wanted: ImageRef, running: ImageRef) -> str | None:
    """Why the running image is not the model's, or None: the digest decides when the
    model pins one; else the tag, when the model names one and the manifest does not
    pull by digest alone (which tag that digest is cannot be told here)."""
    if wanted.digest is not None:
        return None if running.digest == wanted.digest else f"not the digest {wanted.digest}"
    if wanted.tag is None or running.pulled_tag is None:
        return None
    return None if running.pulled_tag == wanted.tag else f"not the tag '{wanted.tag}'"


def _where(w: Workload, c: Container) -> dict[str, object]:
    return {"file": w.file, "line": c.line or w.line, "column": 1}


# Replicas


@dataclass(frozen=True)
class Counts:
    """The replica counts the model accepts for a component: its own, and the one the
    environment runs (``replicas_in``); None when the model names none."""

    floor: tuple[int, ...] | None
    ceiling: tuple[int, ...] | None

    def said(self, accepted: tuple[int, ...]) -> str:
        own, *other = accepted
        return f"{own}" + (f" ({other[0]} in this environment)" if other else "")


def counts(component: Component, env: Environment | None) -> Counts:
    deploy = component.deploy
    floor, ceiling = replica_bounds(component)
    here = replicas_in(component, env)
    floors = _distinct(floor, here) if deploy is not None and deploy.replicas is not None else None
    named = deploy is not None and deploy.max_replicas is not None and ceiling is not None
    ceilings = _distinct(ceiling, max(ceiling, here)) if named and ceiling is not None else None
    return Counts(floors, ceilings)


def _distinct(*values: int) -> tuple[int, ...]:
    return tuple(dict.fromkeys(values))


def replica_drift(
    component: Component, w: Workload, cluster: Cluster, env: Environment | None, origin: Origin
) -> Iterator[Diagnostic]:
    if w.kind not in SCALED:
        return  # a DaemonSet runs one pod per node, a Job until done, a Pod once
    wanted = counts(component, env)
    hpas = cluster.autoscalers_of(w)
    for hpa in hpas:
        yield from _bounds(component, w, hpa, wanted)
    if hpas:
        return  # the HPA sets the workload's replicas, whatever it writes
    floor, ceiling = replica_bounds(component)
    if wanted.ceiling is not None and ceiling is not None and ceiling > floor:
        yield diag(
            REPLICA_MISMATCH,
            f"the model scales '{component.id}' from {floor} to {ceiling} replicas, but no "
            f"HorizontalPodAutoscaler targets {w.address}",
            **origin.at("deploy", "max_replicas"),
        )
    elif wanted.floor is not None and w.replicas is not None and w.replicas not in wanted.floor:
        yield diag(
            REPLICA_MISMATCH,
            f"{w.address} runs {w.replicas} replicas, the model {wanted.said(wanted.floor)} "
            f"for '{component.id}'",
            file=w.file,
            line=w.replicas_line or w.line,
            column=1,
        )


def _bounds(component: Component, w: Workload, hpa: Autoscaler, wanted: Counts) -> Iterator[Diagnostic]:
    if wanted.floor is not None and hpa.min_replicas not in wanted.floor:
        yield diag(
            REPLICA_MISMATCH,
            f"{hpa.address} scales {w.address} from {hpa.min_replicas} replicas, the model from "
            f"{wanted.said(wanted.floor)} for '{component.id}'",
            file=hpa.file,
            line=hpa.min_line,
            column=1,
        )
    if wanted.ceiling is not None and hpa.max_replicas is not None and hpa.max_replicas not in wanted.ceiling:
        yield diag(
            REPLICA_MISMATCH,
            f"{hpa.address} scales {w.address} up to {hpa.max_replicas} replicas, the model up to "
            f"{wanted.said(wanted.ceiling)} for '{component.id}'",
            file=hpa.file,
            line=hpa.max_line,
            column=1,
        )


# Ports

Modelled = tuple[tuple[str | int, ...], int, str]  # (path below the component, port, what)


def modelled_ports(component: Component, fronted: bool) -> list[Modelled]:
    """The ports the model gives the component, each with where it says it; the Service
    port only when a Service stands in front (the generator writes none for a component
    nothing calls)."""
    deploy = component.deploy
    if deploy is None:
        return []
    out: list[Modelled] = []
    if deploy.port is not None:
        out.append((("deploy", "port"), deploy.port, "port"))
    if deploy.service_port is not None and fronted:
        out.append((("deploy", "service_port"), deploy.service_port, "service_port"))
    for i, p in enumerate(deploy.ports):
        out.append((("deploy", "ports", i, "port"), p.port, f"port '{p.name}'"))
    for j, s in enumerate(deploy.sidecars):
        for k, p in enumerate(s.ports):
            where = ("deploy", "sidecars", j, "ports", k, "port")
            out.append((where, p.port, f"sidecar '{s.name}' port '{p.name}'"))
    return out


def port_drift(component: Component, w: Workload, cluster: Cluster, origin: Origin) -> Iterator[Diagnostic]:
    services = served(cluster, w)
    serving = {p.port for p in w.ports} | {sp.port for sp, _ in services} | {to for _, to in services}
    if not serving:
        return  # no container port declared and no Service: nothing says where it listens
    for path, port, what in modelled_ports(component, bool(services)):
        if port not in serving:
            listed = ", ".join(str(p) for p in sorted(serving))
            yield diag(
                PORT_MISMATCH,
                f"the model's {what} {port} of '{component.id}' is served by no container or "
                f"Service port of {w.address} (it serves {listed})",
                **origin.at(*path),
            )
