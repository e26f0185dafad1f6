"""Protocols a flow may name, with what is known about each: default port and encryption.

One table, so that the threat rules ("is this flow encrypted?"), the generators ("which
port does it reach?") and the docs agree. ``encrypted`` is what the protocol does on the
wire by default; a flow with a ``tls``/``mtls`` control is encrypted whatever it names.
Database and broker wire protocols (``postgresql``, ``mongodb``…) count as cleartext:
TLS is optional on all of them and off unless configured, which the model says with
``controls: [tls]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Protocol(StrEnum):
    https = "https"
    http = "http"
    grpc = "grpc"
    grpcs = "grpcs"
    tcp = "tcp"
    tls = "tls"
    ws = "ws"
    wss = "wss"
    sql = "sql"
    redis = "redis"
    kafka = "kafka"
    amqp = "amqp"
    mqtt = "mqtt"
    ldap = "ldap"
    ldaps = "ldaps"
    nfs = "nfs"
    smb = "smb"
    ftp = "ftp"
    sftp = "sftp"
    ssh = "ssh"
    smtp = "smtp"
    dns = "dns"
    mongodb = "mongodb"
    mysql = "mysql"
    postgresql = "postgresql"
    cassandra = "cassandra"
    memcached = "memcached"
    nats = "nats"
    mssql = "mssql"
    oracle = "oracle"
    elasticsearch = "elasticsearch"
    zookeeper = "zookeeper"
    consul = "consul"
    thrift = "thrift"
    other = "other"


@dataclass(frozen=True)
class ProtocolFacts:
    default_port: int | None
    encrypted: bool
    # Clients reach the server by a URL they may be handed at run time (``https://…``,
    # ``ftp://…``, an ``ldap://`` name given to a JNDI lookup, a UNC path to an SMB
    # share): a URL slipped into a request can point them elsewhere (SSRF). Database,
    # broker and RPC clients connect to the address they were configured with.
    by_url: bool = False


PROTOCOLS: dict[Protocol, ProtocolFacts] = {
    Protocol.https: ProtocolFacts(443, True, by_url=True),
    Protocol.http: ProtocolFacts(80, False, by_url=True),
    Protocol.grpc: ProtocolFacts(None, False),
    Protocol.grpcs: ProtocolFacts(None, True),
    Protocol.tcp: ProtocolFacts(None, False),
    Protocol.tls: ProtocolFacts(None, True),
    Protocol.ws: ProtocolFacts(80, False, by_url=True),
    Protocol.wss: ProtocolFacts(443, True, by_url=True),
    Protocol.sql: ProtocolFacts(5432, False),
    Protocol.redis: ProtocolFacts(6379, False),
    Protocol.kafka: ProtocolFacts(9092, False),
    Protocol.amqp: ProtocolFacts(5672, False),
    Protocol.mqtt: ProtocolFacts(1883, False),
    Protocol.ldap: ProtocolFacts(389, False, by_url=True),
    Protocol.ldaps: ProtocolFacts(636, True, by_url=True),
    Protocol.nfs: ProtocolFacts(2049, False),
    Protocol.smb: ProtocolFacts(445, False, by_url=True),
    Protocol.ftp: ProtocolFacts(21, False, by_url=True),
    Protocol.sftp: ProtocolFacts(22, True, by_url=True),
    Protocol.ssh: ProtocolFacts(22, True),
    Protocol.smtp: ProtocolFacts(25, False),
    Protocol.dns: ProtocolFacts(53, False),
    Protocol.mongodb: ProtocolFacts(27017, False),
    Protocol.mysql: ProtocolFacts(3306, False),
    Protocol.postgresql: ProtocolFacts(5432, False),
    Protocol.cassandra: ProtocolFacts(9042, False),
    Protocol.memcached: ProtocolFacts(11211, False),
    Protocol.nats: ProtocolFacts(4222, False),
    Protocol.mssql: ProtocolFacts(1433, False),
    Protocol.oracle: ProtocolFacts(1521, False),
    Protocol.elasticsearch: ProtocolFacts(9200, False),
    Protocol.zookeeper: ProtocolFacts(2181, False),
    Protocol.consul: ProtocolFacts(8500, False),
    Protocol.thrift: ProtocolFacts(None, False),
    Protocol.other: ProtocolFacts(None, False),
}

ENCRYPTED_PROTOCOLS = frozenset(p for p, facts in PROTOCOLS.items() if facts.encrypted)
URL_PROTOCOLS = frozenset(p for p, facts in PROTOCOLS.items() if facts.by_url)
# Name a transport or nothing, not what runs over it: HTTP may run over any of them.
OPAQUE_PROTOCOLS = frozenset({Protocol.tcp, Protocol.tls, Protocol.other})


def default_port(protocol: Protocol | None) -> int | None:
    """The port a protocol listens on unless configured otherwise; None when unknown."""
    return PROTOCOLS[protocol].default_port if protocol is not None else None


def _describe() -> str:
    facts = ", ".join(
        f"`{p.value}` ({f.default_port or 'no default port'}{', encrypted' if f.encrypted else ''})"
        for p, f in PROTOCOLS.items()
    )
    return (
        "The flow's protocol, with its default port and whether it encrypts on the wire: "
        f"{facts}. Database and broker protocols count as cleartext unless the flow has `tls`."
    )


Protocol.__doc__ = _describe()
