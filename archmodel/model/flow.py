"""Directed data flows between components."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict, StringConstraints, model_validator

from archmodel.model.base import Element, Id, IdList, Int, Text
from archmodel.model.protocols import ENCRYPTED_PROTOCOLS, Protocol

ENCRYPTING_CONTROLS = frozenset({"tls", "mtls"})


_NAME = r"[a-z][a-z0-9_-]{0,62}"
# Explicit ids follow the usual pattern; default ids are ``<from>-><to>``.
_ENDPOINT = re.compile(rf"^{_NAME}$")
FlowId = Annotated[str, Strict(), StringConstraints(pattern=rf"^{_NAME}(->{_NAME})?$")]


class Mode(StrEnum):
    sync = "sync"
    async_ = "async"


class Authentication(StrEnum):
    """How the caller of a flow proves who it is; ``none`` is a fact, ``unknown`` is not."""

    none = "none"
    password = "password"
    api_key = "api_key"
    session_cookie = "session_cookie"
    token = "token"
    oauth2 = "oauth2"
    client_certificate = "client_certificate"
    unknown = "unknown"


# Ways of authenticating that tell the target who is calling.
AUTHENTICATING = frozenset(Authentication) - {Authentication.none, Authentication.unknown}


class Flow(Element):
    """A directed flow; its id defaults to ``<from>-><to>``."""

    id: FlowId = Field(default="", description="Defaults to `<from>-><to>`.")
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    protocol: Protocol | None = Field(
        default=None, description="Leave out when the source does not say: encryption is then unknown."
    )
    port: Int | None = Field(default=None, ge=1, le=65535)
    data: IdList
    returns: IdList
    controls: IdList
    mode: Mode = Mode.sync
    authentication: Authentication | None = Field(
        default=None, description="How the caller authenticates; left out, it is unknown."
    )
    description: Text = ""
    environments: IdList = Field(
        default_factory=list,
        description="Exists only in these environments; left out, wherever both ends are deployed.",
    )

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
    def encrypted(self) -> bool | None:
        """True when the protocol encrypts or a TLS control is applied; False when the
        protocol is named and sends in clear; None (unknown) when no protocol is named."""
        if not ENCRYPTING_CONTROLS.isdisjoint(self.controls):
            return True
        if self.protocol is None:
            return None
        return self.protocol in ENCRYPTED_PROTOCOLS

    @property
    def plaintext(self) -> bool:
        """Known to send in clear (an unknown protocol is not plaintext, nor encrypted)."""
        return self.encrypted is False

    @property
    def protocol_label(self) -> str:
        """The protocol for labels and messages; ``unknown protocol`` when none is named."""
        return self.protocol.value if self.protocol is not None else "unknown protocol"

    @property
    def authenticated(self) -> bool | None:
        """Whether the flow's own authentication identifies the caller; None when unsaid."""
        if self.authentication is None or self.authentication is Authentication.unknown:
            return None
        return self.authentication in AUTHENTICATING
