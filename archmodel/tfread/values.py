"""Argument values as python-hcl2 and Terraform JSON give them: one value or a list,
nested blocks as dicts or lists of dicts, references inside ``${...}``, address ranges
and port ranges."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from archmodel.inventory import is_open
from archmodel.tfread.files import Configuration, expression

__all__ = ["is_open"]

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def one(value: Any) -> Any:
    """python-hcl2 versions differ: some wrap every attribute in a one-element list."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def many(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return list(value[0])
    return list(value) if isinstance(value, list) else [value]


def blocks(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Nested blocks (``ingress { }``) as a list of dicts, in either syntax."""
    value = body.get(key)
    items = value if isinstance(value, list) else [value]
    return [b for b in items if isinstance(b, dict)]


def refs(value: Any, rtype: str) -> list[str]:
    """The names of every ``rtype.NAME`` a value refers to, in order, once each."""
    found = re.findall(rf"(?<![A-Za-z0-9_.]){re.escape(rtype)}\.([A-Za-z0-9_-]+)", str(value))
    return list(dict.fromkeys(found))


def text(value: Any) -> str:
    value = one(value)
    return "" if value is None else str(value)


def cidr(config: Configuration, value: Any) -> str:
    """An address range: a literal, a variable's default, or an attribute of a resource
    written as a literal (``aws_vpc.main.cidr_block``); otherwise the expression as written."""
    written = expression(text(value))
    if written.startswith("var."):
        default = config.variables.get(written[4:])
        return str(one(default)) if isinstance(one(default), str) else written
    parts = written.split(".")
    if len(parts) == 3 and (block := config.find(parts[0], parts[1])) is not None:
        attribute = one(block.body.get(parts[2]))
        return attribute if isinstance(attribute, str) and network(attribute) else written
    return written


def network(written: str) -> Net | None:
    try:
        return ipaddress.ip_network(written, strict=False)
    except ValueError:
        return None


def within(inner: str, outer: str) -> bool:
    a, b = network(inner), network(outer)
    return a is not None and b is not None and a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def port_range(low: Any, high: Any, protocol: Any = "tcp") -> tuple[int, int] | None:
    """(low, high) of a rule; None for every port (protocol -1/all, 0-65535, 1-65535)."""
    proto = text(protocol).lower()
    if proto in ("-1", "all", "*"):
        return None
    lo, hi = one(low), one(high)
    try:
        lo_n, hi_n = int(lo), int(hi)
    except (TypeError, ValueError):
        return None if proto in ("", "tcp", "udp", "6", "17") and lo is None and hi is None else (0, 0)
    if lo_n <= 1 and hi_n >= 65535:
        return None
    return (lo_n, hi_n)


def parse_ports(written: str) -> tuple[int, int] | None:
    """``"80"``, ``"8000-9000"``, ``"*"`` -> a range; None for every port."""
    written = written.strip()
    if written in ("*", "", "0-65535", "1-65535"):
        return None
    low, _, high = written.partition("-")
    try:
        return (int(low), int(high or low))
    except ValueError:
        return (0, 0)  # an expression: some ports, not known here


def single(ports: tuple[int, int] | None) -> int | None:
    """The one port of a range, for comparison with flows (None: a range, any port)."""
    return ports[0] if ports and ports[0] == ports[1] and ports[0] > 0 else None


def slug(name: str) -> str:
    """A resource name as a model id (``web_app`` -> ``web-app``)."""
    ident = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return (ident if ident[:1].isalpha() else f"r-{ident}")[:63].rstrip("-") or "resource"
