"""What each kind of component is: facts that rules, threats and generators share.

A kind's role (stores data, is a client, runs our code, sits at the edge) and the controls
it provides by being what it is are decided here once, so that a threat rule, a diagram
and an infrastructure skeleton never disagree about what a ``waf`` or a ``queue`` is.
"""

from __future__ import annotations

from archmodel.model.component import Kind

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


def implied_controls(kind: Kind) -> frozenset[str]:
    return IMPLIED_CONTROLS.get(kind, frozenset())
