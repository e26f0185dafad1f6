"""Directed data flows between components."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict, StringConstraints, model_validator

from archmodel.model.base import Element, Id, IdList, Int, Text


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
    other = "other"


ENCRYPTED_PROTOCOLS = frozenset(
    {
        Protocol.https,
        Protocol.grpcs,
        Protocol.tls,
        Protocol.wss,
        Protocol.ldaps,
        Protocol.sftp,
        Protocol.ssh,
    }
)
ENCRYPTING_CONTROLS = frozenset({"tls", "mtls"})


_NAME = r"[a-z][a-z0-9_-]{0,62}"
# Explicit ids follow the usual pattern; default ids are ``<from>-><to>``.
_ENDPOINT = re.compile(rf"^{_NAME}$")
FlowId = Annotated[str, Strict(), StringConstraints(pattern=rf"^{_NAME}(->{_NAME})?$")]


class Mode(StrEnum):
    sync = "sync"
    async_ = "async"


class Flow(Element):
    """A directed flow; its id defaults to ``<from>-><to>``."""

    id: FlowId = Field(default="", description="Defaults to `<from>-><to>`.")
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    protocol: Protocol
    port: Int | None = Field(default=None, ge=1, le=65535)
    data: IdList
    returns: IdList
    controls: IdList
    mode: Mode = Mode.sync
    description: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: object) -> object:
        if isinstance(data, dict) and "id" not in data:
            src, dst = data.get("from"), data.get("to")
            if isinstance(src, str) and isinstance(dst, str):
                # Broken endpoints are reported on `from`/`to`; do not report the id too.
                valid = _ENDPOINT.fullmatch(src) and _ENDPOINT.fullmatch(dst)
                return {**data, "id": f"{src}->{dst}" if valid else "invalid-endpoints"}
        return data

    @property
    def encrypted(self) -> bool:
        """True when the protocol encrypts or a TLS control is applied to the flow."""
        return self.protocol in ENCRYPTED_PROTOCOLS or not ENCRYPTING_CONTROLS.isdisjoint(self.controls)
