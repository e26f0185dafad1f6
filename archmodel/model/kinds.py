"""What each kind of component is: facts that rules, threats and generators share.

A kind's role (stores data, is a client, runs our code, sits at the edge) and the controls
it provides by being what it is are decided here once, so that a threat rule, a diagram
and an infrastructure skeleton never disagree about what a ``waf`` or a ``queue`` is.
"""

from __future__ import annotations

from archmodel.model.component import Component, Kind, Runtime
from archmodel.model.environment import Environment, Tier

# Hold data at rest (or in flight through a broker): encryption, backups, access.
DATA_STORES = frozenset({Kind.database, Kind.cache, Kind.queue, Kind.object_store})
# Stores that may hold data only while it passes through.
TRANSIT_STORES = frozenset({Kind.queue, Kind.cache})
# Outside the system: people, their devices and third-party systems.
CLIENTS = frozenset({Kind.actor, Kind.web_client, Kind.mobile_client, Kind.external_system})
# Clients driven by a person (who can be phished, who logs in).
HUMAN_CLIENTS = frozenset({Kind.actor, Kind.web_client, Kind.mobile_client})
# Run our own code as workloads (containers, functions).
WORKLOADS = frozenset({Kind.service, Kind.function})
# Process requests (our workloads and the gateway in front of them).
PROCESSING = frozenset({*WORKLOADS, Kind.api_gateway})
# Forward traffic without judging it: the network edge in front of the application.
PASS_THROUGH = frozenset({Kind.cdn, Kind.waf, Kind.load_balancer})
# Run at the provider's edge, in front of every network we deploy.
EDGE_SERVICES = frozenset({Kind.cdn, Kind.waf})
# What a cluster's exposing object (a LoadBalancer Service, an Ingress, a route) is when
# the model draws it as a component of its own: public and run by no workload, it stands
# for the exposure of what it forwards to. A CDN or WAF runs at the provider's edge instead.
CLUSTER_FRONTS = frozenset({Kind.load_balancer, Kind.api_gateway})
# May be the first component internet traffic reaches.
EDGE_CANDIDATES = frozenset({Kind.cdn, Kind.load_balancer, *PROCESSING})

# Controls a component provides by being what it is: a WAF filters, an IdP authenticates.
IMPLIED_CONTROLS: dict[Kind, frozenset[str]] = {
    Kind.waf: frozenset({"waf"}),
    Kind.api_gateway: frozenset({"api_gateway"}),
    Kind.identity_provider: frozenset({"authentication"}),
    Kind.secrets_store: frozenset({"secrets_vault"}),
    Kind.monitoring: frozenset({"monitoring"}),
}


# Kinds that run as containers we operate when the model does not say how they run.
CONTAINER_BY_DEFAULT = frozenset({Kind.service, Kind.api_gateway})
SELF_MANAGED_RUNTIMES = frozenset({Runtime.vm, Runtime.container})


def implied_controls(kind: Kind) -> frozenset[str]:
    return IMPLIED_CONTROLS.get(kind, frozenset())


def runs_in_container(component: Component) -> bool:
    """Deployed as a container: what gets a Helm chart and a container task."""
    return component.deploy is not None and component.deploy.runtime == Runtime.container


def self_managed(component: Component) -> bool:
    """Patched and hardened by us: VMs and containers (services default to containers)."""
    if component.deploy is not None and component.deploy.runtime is not None:
        return component.deploy.runtime in SELF_MANAGED_RUNTIMES
    return component.kind in CONTAINER_BY_DEFAULT


def operated_workload(component: Component) -> bool:
    """A component that serves requests with code we deploy: the processing kinds, and an
    identity provider we run ourselves (a container or VM: our own token service, a
    Keycloak), which holds database and signing credentials as any service does. A
    managed or external identity provider is the provider's to run."""
    return component.kind in PROCESSING or (
        component.kind is Kind.identity_provider and self_managed(component)
    )


def replica_bounds(component: Component) -> tuple[int, int | None]:
    """The fewest and the most replicas the component runs, as every deployment target
    sizes it: ``replicas`` (1 when not given), and ``max_replicas`` as the ceiling (no
    higher than ``replicas``: not autoscaled); None when the model gives no ceiling and
    the target's default applies. A store runs exactly ``replicas``: its pods (or
    instances) hold different data, and load is no reason to start another, empty one;
    its ``max_replicas`` is not used (AM314 says so)."""
    deploy = component.deploy
    floor = deploy.replicas if deploy and deploy.replicas is not None else 1
    if component.kind in DATA_STORES:
        return floor, floor
    if deploy is None or deploy.max_replicas is None:
        return floor, None
    return floor, max(deploy.max_replicas, floor)


def replicas_in(component: Component, env: Environment | None) -> int:
    """The replicas an environment runs of the component: dev one, other tiers at least
    one per availability zone (a zone lost takes no service down), a store exactly its
    ``replicas`` everywhere (more pods would be more databases, not copies). One rule
    for the Helm generator, which writes it, and drift, which accepts it."""
    floor, _ = replica_bounds(component)
    if env is None or component.kind in DATA_STORES:
        return floor
    if env.tier == Tier.dev:
        return 1
    return max(floor, env.availability_zones)
