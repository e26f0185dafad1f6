"""Injection into what our code talks to: query languages, directories, URLs, file paths,
and the browser sessions that call it.

Each rule reads facts only: a flow's protocol, the kind of its target, the formats a
component ``accepts`` and how a browser authenticates. The finding is on the component
that builds the query (the caller), since that is where parameterising or validating
closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from archmodel.model import (
    AUTH_CONTROLS,
    OPAQUE_PROTOCOLS,
    PASS_THROUGH,
    PROCESSING,
    URL_PROTOCOLS,
    WORKLOADS,
    Authentication,
    Component,
    DataFormat,
    Flow,
    Kind,
    Protocol,
)
from archmodel.threats.checks.common import component_hit, label, quoted
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import Stride

# Wire protocols of query-language databases (SQL and NoSQL).
QUERY_PROTOCOLS = frozenset(
    {
        Protocol.sql,
        Protocol.mysql,
        Protocol.postgresql,
        Protocol.mssql,
        Protocol.oracle,
        Protocol.mongodb,
        Protocol.cassandra,
    }
)
DIRECTORY_PROTOCOLS = frozenset({Protocol.ldap, Protocol.ldaps})
SEARCH_PROTOCOLS = frozenset({Protocol.elasticsearch})
FILE_PROTOCOLS = frozenset({Protocol.nfs, Protocol.smb, Protocol.ftp, Protocol.sftp})
REGISTRY_PROTOCOLS = frozenset({Protocol.consul, Protocol.zookeeper})


def may_fetch_url(f: Flow) -> bool:
    """Whether a flow may be a fetch of a URL its caller was handed: a protocol reached by
    URL, one that names only the transport, or none named (unknown is not ruled out)."""
    return f.protocol is None or f.protocol in URL_PROTOCOLS or f.protocol in OPAQUE_PROTOCOLS


def _callers(ctx: ThreatContext, reaches: Callable[[Flow], bool]) -> list[tuple[Component, list[str]]]:
    """In-scope components of ours that process requests, with the sorted targets of their
    flows that ``reaches`` selects, in model order: one pass over the flows."""
    comps = ctx.graph.components
    found: dict[str, set[str]] = {}
    for f in ctx.flows():
        if not reaches(f):
            continue
        source = comps[f.source]
        if source.kind in PROCESSING and source.out_of_scope is None:
            found.setdefault(f.source, set()).add(f.target)
    return [(comps[s], sorted(found[s])) for s in comps if s in found]


def _queries(
    ctx: ThreatContext, reaches: Callable[[Flow], bool], what: str, stake_floor: int = 0
) -> Iterator[Hit]:
    """One hit per calling component of ours whose outbound flows ``reaches`` selects."""
    comps = ctx.graph.components
    for c, targets in _callers(ctx, reaches):
        stake = max(
            reach_stake(ctx, c), stake_floor, *(ctx.stake(comps[t], stored_only=True) for t in targets)
        )
        yield component_hit(
            ctx,
            c,
            f"{label(c).capitalize()} builds {what} for {quoted(targets)} from what its callers send.",
            stake=stake,
        )


@threat(
    "AMT220",
    "SQL/NoSQL injection",
    stride=[Stride.tampering, Stride.information_disclosure, Stride.elevation_of_privilege],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-89", "CWE-943"],
    capec=["CAPEC-66", "CAPEC-676"],
    fix="Use parameterised queries or an ORM's bound parameters for every query (never "
    "concatenate input), validate input against a schema, and add `input_validation`.",
)
def query_injection(ctx: ThreatContext) -> Iterator[Hit]:
    """A component that queries a database over a query-language protocol (SQL, MongoDB,
    Cassandra…) can be made to run the attacker's query when input reaches the query text.
    Read from the flow's protocol; a flow to a database that names none counts too."""
    comps = ctx.graph.components

    def reaches(f: Flow) -> bool:
        return f.protocol in QUERY_PROTOCOLS or (f.protocol is None and comps[f.target].kind is Kind.database)

    yield from _queries(ctx, reaches, "database queries")


@threat(
    "AMT221",
    "LDAP injection",
    stride=[Stride.tampering, Stride.information_disclosure, Stride.spoofing],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-90"],
    capec=["CAPEC-136"],
    fix="Escape every value put into an LDAP filter or DN (RFC 4515 escaping, the "
    "library's filter builder), validate input, and add `input_validation`.",
)
def ldap_injection(ctx: ThreatContext) -> Iterator[Hit]:
    """A component that searches a directory over LDAP can be made to match every entry
    (a login bypass) when input reaches the filter text."""
    yield from _queries(ctx, lambda f: f.protocol in DIRECTORY_PROTOCOLS, "LDAP filters", stake_floor=2)


@threat(
    "AMT222",
    "Search query injection",
    stride=[Stride.tampering, Stride.information_disclosure],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-74"],
    capec=["CAPEC-676"],
    fix="Build search queries with the client's query DSL objects (never query strings "
    "from input), disable scripting in queries, and add `input_validation`.",
)
def search_injection(ctx: ThreatContext) -> Iterator[Hit]:
    """Search engines (Elasticsearch, OpenSearch) accept query strings and scripts that
    read other indexes or run code when input is pasted into them."""
    yield from _queries(ctx, lambda f: f.protocol in SEARCH_PROTOCOLS, "search queries")


@threat(
    "AMT223",
    "Server-side request forgery",
    stride=[Stride.information_disclosure, Stride.spoofing],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-918"],
    capec=["CAPEC-664"],
    fix="Never fetch a URL taken from a request; if needed, resolve it against an "
    "allow-list of hosts, block internal ranges and the cloud metadata address, and add "
    "`input_validation`.",
)
def server_side_request_forgery(ctx: ThreatContext) -> Iterator[Hit]:
    """An internet-facing workload that fetches from outside (a partner API, a webhook, a
    URL on the internet) can be made to fetch internal addresses instead (the cloud
    metadata service, admin endpoints) for the attacker. Reported on services and
    functions reachable from the untrusted side with flows to an external system or the
    untrusted zone that may fetch a URL: over a protocol clients reach by URL (HTTP,
    WebSocket, FTP, LDAP, SMB…), over a bare transport (TCP, TLS, ``other``) that may
    carry one, or over a protocol the model does not name. Database, broker and RPC
    protocols connect to configured addresses and are not counted; nor are calls between
    our own services, nor gateways, whose upstreams are configuration. Being reachable
    from the internet is what makes it likely, as for the other injections (weight -1)."""
    comps = ctx.graph.components

    def fetches(f: Flow) -> bool:
        if not may_fetch_url(f) or comps[f.source].kind not in WORKLOADS:
            return False
        return f.target in ctx.untrusted or comps[f.target].kind is Kind.external_system

    for c, targets in _callers(ctx, fetches):
        if ctx.exposed(c.id):
            yield component_hit(
                ctx,
                c,
                f"Internet-facing {label(c)} fetches from {quoted(targets)}; a URL slipped into "
                "its input makes it fetch from inside instead.",
                exposed=True,
            )


@threat(
    "AMT224",
    "Path traversal",
    stride=[Stride.information_disclosure, Stride.tampering],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-22"],
    capec=["CAPEC-126"],
    fix="Never build a file path or object key from input: map names to generated ids, "
    "canonicalise and check the result stays under its base directory, and add "
    "`input_validation`.",
)
def path_traversal(ctx: ThreatContext) -> Iterator[Hit]:
    """A component that reaches a file share (NFS, SMB, FTP, SFTP), or that accepts file
    uploads and writes to an object store, reads or overwrites other files when a name
    from the request (``../``) becomes part of the path."""
    comps = ctx.graph.components

    def reaches(f: Flow) -> bool:
        uploads = DataFormat.files in comps[f.source].accepts
        return f.protocol in FILE_PROTOCOLS or (uploads and comps[f.target].kind is Kind.object_store)

    for c, targets in _callers(ctx, reaches):
        yield component_hit(
            ctx,
            c,
            f"{label(c).capitalize()} builds file paths on {quoted(targets)} from what its callers send.",
            stake=max(reach_stake(ctx, c), *(ctx.stake(comps[t], stored_only=True) for t in targets)),
        )


@threat(
    "AMT225",
    "Cross-site request forgery",
    stride=[Stride.spoofing, Stride.tampering],
    mitigations=[],
    layer="application",
    weight=-1,
    cwe=["CWE-352"],
    capec=["CAPEC-62"],
    fix="Design change: send a token the browser must attach (`authentication: token`, e.g. "
    "a bearer token), or keep the cookie and require anti-CSRF tokens with SameSite=strict "
    "cookies; then record the decision as a risk.",
)
def cross_site_request_forgery(ctx: ThreatContext) -> Iterator[Hit]:
    """A browser sends its session cookie with every request to the site, including those
    another site makes it send: any page the user visits can act in their name. Read from
    flows from a web client whose ``authentication`` is ``session_cookie``, to one of our
    applications directly or through the load balancers, CDNs and WAFs in front of it."""
    comps = ctx.graph.components
    for f in ctx.flows_from(Kind.web_client):
        if (
            f.authentication is not Authentication.session_cookie
            or comps[f.source].kind is not Kind.web_client
        ):
            continue
        apps = _serving(ctx, f.target)
        if apps:
            via = "" if apps == [f.target] else f" (through {label(comps[f.target])})"
            yield flow_hit(
                ctx,
                f,
                f"Browser '{f.source}' authenticates to {quoted(apps)}{via} with a session cookie "
                f"over flow '{f.id}'; other sites can make it send requests.",
                stake=max(max(reach_stake(ctx, comps[a]) for a in apps), ctx.flow_stake(f)),
            )


def _behind(ctx: ThreatContext, cid: str, keep: Callable[[Component], bool]) -> list[str]:
    """The components that answer what a browser sends to ``cid`` and that ``keep``
    selects: ``cid`` itself, and what the load balancers, CDNs and WAFs in front pass the
    request (and its cookie) on to (``ThreatContext.passed_to``)."""
    comps = ctx.graph.components
    reached = ctx.passed_to(cid) if comps[cid].kind in PASS_THROUGH else frozenset()
    return sorted(a for a in {cid, *reached} if keep(comps[a]))


def _serving(ctx: ThreatContext, cid: str) -> list[str]:
    """The applications that serve what a browser sends to a component."""
    return _behind(ctx, cid, lambda c: c.kind in PROCESSING)


def renders_html(c: Component) -> bool:
    """Whether a component answers a browser with pages built from input: an identity
    provider (its login and consent pages), or a service or function that takes HTML
    forms or does not say what it takes. One that names only data formats (JSON,
    protobuf…) is an API: the browser's own script renders what it returns. A gateway
    forwards and renders nothing."""
    if c.kind is Kind.identity_provider:
        return True
    return c.kind in WORKLOADS and (not c.accepts or DataFormat.html_form in c.accepts)


def _pages_behind(ctx: ThreatContext, cid: str) -> list[str]:
    """What renders the pages a browser gets from a component (``renders_html``)."""
    return _behind(ctx, cid, lambda c: renders_html(c) and ctx.in_scope(c.id))


@threat(
    "AMT226",
    "Cross-site scripting",
    stride=[Stride.tampering, Stride.information_disclosure],
    mitigations=[],
    layer="application",
    weight=-1,
    cwe=["CWE-79"],
    capec=["CAPEC-63"],
    fix="Design change: encode every value for its output context (templates that "
    "auto-escape), set a strict Content-Security-Policy, and validate input; then record "
    "the decision as a risk.",
    via_victim=True,
)
def cross_site_scripting(ctx: ThreatContext) -> Iterator[Hit]:
    """A component that renders pages for a browser can return input (its own or other
    users') as script: session theft and actions in the user's name. Reported on what
    renders HTML (an identity provider's login pages, a web front end that takes HTML
    forms or does not say what it takes) that browsers reach, directly or through the
    load balancers, CDNs and WAFs in front, which forward and render nothing; an API
    gateway and an API that takes only data formats render no pages. The script
    runs with the victim's login: authentication on the way in does not lower the
    likelihood; a browser on the untrusted side makes it internet-facing."""
    comps = ctx.graph.components
    served: dict[str, set[str]] = {}
    for f in ctx.flows_from(Kind.web_client):
        if comps[f.source].kind is Kind.web_client:
            for app in _pages_behind(ctx, f.target):
                served.setdefault(app, set()).add(f.source)
    for cid in sorted(served):
        c = comps[cid]
        browsers = served[cid]
        text = f"{label(c).capitalize()} renders pages for browser {quoted(browsers)}."
        facing = ctx.exposed(cid) or not ctx.untrusted.isdisjoint(browsers)
        yield component_hit(ctx, c, text, exposed=facing)


@threat(
    "AMT227",
    "Service registry poisoning",
    stride=[Stride.spoofing, Stride.tampering],
    mitigations=["authentication", "mtls"],
    weight=-1,
    cwe=["CWE-693"],
    capec=["CAPEC-141"],
    fix="Require authentication (ACL tokens, mTLS) for every registration and "
    "configuration write to the registry, and add `authentication` or `mtls`.",
)
def registry_poisoning(ctx: ThreatContext) -> Iterator[Hit]:
    """A service registry (reached over Consul or ZooKeeper) that accepts unauthenticated
    clients lets any foothold register itself as another service and receive its traffic.
    What is at stake is what the registry's clients handle."""
    comps = ctx.graph.components
    registries: dict[str, list[Flow]] = {}
    for f in ctx.flows():
        if f.protocol in REGISTRY_PROTOCOLS:
            registries.setdefault(f.target, []).append(f)
    for rid in sorted(registries):
        flows = registries[rid]
        present = ctx.controls(rid)
        open_flows = [f for f in flows if AUTH_CONTROLS.isdisjoint(ctx.flow_auth(f))]
        if not open_flows:
            continue
        yield component_hit(
            ctx,
            comps[rid],
            f"Service registry {label(comps[rid])} accepts {quoted(f.source for f in open_flows)} "
            "without authenticating them.",
            stake=max(reach_stake(ctx, comps[s]) for s in {f.source for f in flows}),
            present=present,
        )
