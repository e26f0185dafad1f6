"""Translate an archmodel model into an OWASP pytm model script (``tm.py``).

Run with the project's interpreter; the script it writes runs with pytm's own venv::

    .venv/bin/python bench/pytm_compare/translate.py models/reference -o bench/pytm_compare/out/tm.py
    .venv/tools/pytm/bin/python bench/pytm_compare/out/tm.py --json out.json

Element names in the script are archmodel ids (flows: flow ids; a flow's ``returns`` become a
pytm response flow named ``<flow id> (response)``), so findings map back by name. Every
mapping decision is in the tables below (documented in README.md).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from archmodel.graph import ArchGraph
from archmodel.load import load
from archmodel.model import BUILTIN_CONTROLS, ZONE_MAY_HOLD, Component, Flow, Kind
from archmodel.threats.context import ThreatContext

# Component kind -> pytm element class.
KIND_CLASS: dict[Kind, str] = {
    Kind.actor: "Actor",
    Kind.web_client: "Actor",
    Kind.mobile_client: "Actor",
    Kind.external_system: "ExternalEntity",
    Kind.cdn: "Server",
    Kind.waf: "Server",
    Kind.load_balancer: "Server",
    Kind.api_gateway: "Server",
    Kind.identity_provider: "Server",
    Kind.monitoring: "Server",
    Kind.service: "Process",
    Kind.function: "Lambda",
    Kind.database: "Datastore",
    Kind.cache: "Datastore",
    Kind.queue: "Datastore",
    Kind.object_store: "Datastore",
    Kind.secrets_store: "Datastore",
}

# archmodel classification -> pytm Classification (pytm's scale is UNKNOWN < PUBLIC <
# RESTRICTED < SENSITIVE < SECRET < TOP_SECRET; pytm "RESTRICTED" means internal use).
CLASSIFICATION: dict[str, str] = {
    "public": "PUBLIC",
    "internal": "RESTRICTED",
    "confidential": "SENSITIVE",
    "restricted": "SECRET",
}

# archmodel control -> pytm ``controls.*`` attributes it sets. Applied to a component's
# effective controls (own, zone chain, kind-implied, production environment less
# OPERATOR_ACCESS) and to a flow's own controls. {} = pytm has no equivalent.
CONTROL_MAP: dict[str, dict[str, bool | str]] = {
    # 7 application
    "waf": {
        "implementsStrictHTTPValidation": True,
        "validatesHeaders": True,
        "validatesContentType": True,
        "invokesScriptFilters": True,
    },
    "input_validation": {
        "validatesInput": True,
        "sanitizesInput": True,
        "checksInputBounds": True,
        "implementsServerSideValidation": True,
    },
    "authentication": {"authenticatesSource": True, "implementsAuthenticationScheme": True},
    "rbac": {"hasAccessControl": True, "authorizesSource": True},
    # 6 api
    "api_gateway": {},
    "rate_limiting": {"handlesResourceConsumption": True},
    "oauth2": {"authenticatesSource": True, "implementsAuthenticationScheme": True, "authorizesSource": True},
    "jwt": {"authenticatesSource": True, "usesStrongSessionIdentifiers": True},
    # 5 network: pytm models no network-layer controls except VPN
    "firewall": {},
    "security_groups": {},
    "nacl": {},
    "ids_ips": {},
    "ddos_protection": {"isResilient": True, "handlesResourceConsumption": True},
    "vpn": {"usesVPN": True},
    "ip_allowlist": {},
    # 4 data
    "tls": {"isEncrypted": True},
    "mtls": {"isEncrypted": True, "authenticatesSource": True, "authenticatesDestination": True},
    "encryption_at_rest": {"isEncryptedAtRest": True},
    "kms": {"usesEncryptionAlgorithm": "AES"},
    "secrets_vault": {},
    "dlp": {"providesConfidentiality": True},
    "backup": {},
    # 3 infrastructure: pytm has no logging/monitoring/patching control
    "hardening": {"isHardened": True},
    "patching": {},
    "compliance": {},
    "monitoring": {},
    "logging": {},
    # 2 identity
    "iam": {"hasAccessControl": True},
    "mfa": {"usesMFA": True},
    "sso": {"implementsAuthenticationScheme": True},
    "zero_trust": {},
    "least_privilege": {"implementsPOLP": True},
    # 1 physical
    "data_center": {},
    "multi_az": {"isResilient": True},
    "multi_region": {"isResilient": True},
}
assert set(CONTROL_MAP) == set(BUILTIN_CONTROLS), "map every built-in control"

# Environment controls in archmodel apply to every component, but these describe how
# operators reach the account (archmodel's own auth checks ignore environment ``iam``), not
# what each element does to its callers; they are not copied onto pytm elements.
OPERATOR_ACCESS = frozenset({"iam", "sso", "mfa", "zero_trust"})

# Data held by these kinds is credentials (secrets, password hashes): pytm ``isCredentials``.
CREDENTIAL_HOLDERS = frozenset({Kind.secrets_store, Kind.identity_provider})

# pytm 1.4.0's TM.check() -> _apply_defaults() overwrites every flow's protocol, ports and
# controls.isEncrypted with its sink's (source's, for responses) defaults, so a modelled
# HTTPS flow into a Server with no default protocol becomes "" and unencrypted. The script
# keeps the values stated per flow.
PRELUDE = """\
import pytm.pytm as _pytm_impl
from pytm import (
    TM, Actor, Boundary, Classification, Data, Dataflow, Datastore, ExternalEntity, Lambda,
    Process, Server, TLSVersion,
)

_pytm_apply_defaults = _pytm_impl._apply_defaults


def _apply_defaults_keeping_flows(flows, data):
    saved = [(f, f.protocol, f.srcPort, f.dstPort, f.controls.model_copy()) for f in flows]
    _pytm_apply_defaults(flows, data)
    for f, protocol, src, dst, controls in saved:
        f.protocol, f.srcPort, f.dstPort, f.controls = protocol, src, dst, controls


_pytm_impl._apply_defaults = _apply_defaults_keeping_flows


def controls(element, **values):
    for name, value in values.items():
        setattr(element.controls, name, value)

"""


def var(prefix: str, ident: str) -> str:
    return f"{prefix}_{re.sub(r'[^a-z0-9]', '_', ident)}"


def pytm_controls(ids: set[str] | frozenset[str] | list[str]) -> dict[str, bool | str]:
    values: dict[str, bool | str] = {}
    for control in sorted(ids):
        values.update(CONTROL_MAP.get(control, {}))
    return values


def kwargs(values: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v if isinstance(v, Raw) else repr(v)}" for k, v in values.items())


class Raw(str):
    """A Python expression emitted as is (variable names, enum members)."""

    __slots__ = ()


def effective_controls(ctx: ThreatContext, component_id: str) -> frozenset[str]:
    """What archmodel's rules see on a component, less the environment's operator access."""
    return ctx.local_controls(component_id) | (ctx.environment_controls - OPERATOR_ACCESS)


def component_attrs(c: Component, ctx: ThreatContext) -> dict[str, object]:
    graph = ctx.graph
    zone = graph.zone_of(c.id)
    attrs: dict[str, object] = {"description": c.description}
    if zone is not None:
        attrs["inBoundary"] = Raw(var("z", zone.id))
        attrs["maxClassification"] = Raw(f"Classification.{CLASSIFICATION[ZONE_MAY_HOLD[zone.trust]]}")
    else:
        attrs["maxClassification"] = Raw("Classification.TOP_SECRET")
    if c.out_of_scope:
        attrs["inScope"] = False
    cls = KIND_CLASS[c.kind]
    present = effective_controls(ctx, c.id)
    if cls in ("Process", "Lambda"):
        attrs["implementsAPI"] = bool(list(graph.flows_into(c.id)))
    if cls == "Server":
        attrs["usesCache"] = any(
            graph.components[f.target].kind is Kind.cache for f in graph.flows_out_of(c.id)
        )
        attrs["usesVPN"] = "vpn" in present
    if cls == "Datastore":
        ranks = [CLASSIFICATION[str(graph.data[d].classification)] for d in c.stores if d in graph.data]
        writers = {f.source for f in graph.flows_into(c.id)}
        tech = (c.technology or "").lower()
        attrs["isSQL"] = c.kind is Kind.database and any(s in tech for s in ("sql", "postgres", "oracle"))
        attrs["isShared"] = len(writers) > 1
        attrs["hasWriteAccess"] = any(f.data for f in graph.flows_into(c.id))
        attrs["storesSensitiveData"] = any(r in ("SENSITIVE", "SECRET") for r in ranks)
    return attrs


def flow_lines(f: Flow, index: int, graph: ArchGraph) -> list[str]:
    values = pytm_controls(f.controls)
    encrypted = f.encrypted
    values["isEncrypted"] = encrypted
    if encrypted:  # TLS verifies the server certificate
        values["authenticatesDestination"] = True
    tls = Raw("TLSVersion.TLSv12" if encrypted else "TLSVersion.NONE")
    fwd = var("f", f.id)
    common: dict[str, object] = {
        "protocol": str(f.protocol).upper(),
        "tlsVersion": tls,
        "maxClassification": Raw("Classification.TOP_SECRET"),
        "usesVPN": "vpn" in f.controls,
    }
    data = Raw("[" + ", ".join(var("d", d) for d in f.data) + "]")
    src, dst = var("c", f.source), var("c", f.target)
    lines = [
        f"{fwd} = Dataflow({src}, {dst}, {f.id!r}, "
        + kwargs({**common, "dstPort": f.port or -1, "data": data, "order": index, "note": f.description})
        + ")",
        f"controls({fwd}, {kwargs(values)})",
    ]
    if f.returns:  # the response: the client authenticates no destination
        back = fwd + "_response"
        back_values = {k: v for k, v in values.items() if k != "authenticatesDestination"}
        data = Raw("[" + ", ".join(var("d", d) for d in f.returns) + "]")
        lines += [
            f"{back} = Dataflow({dst}, {src}, {f.id + ' (response)'!r}, "
            + kwargs({**common, "srcPort": f.port or -1, "data": data, "responseTo": Raw(fwd)})
            + ")",
            f"controls({back}, {kwargs(back_values)})",
        ]
    return lines


def translate(model: Path) -> str:
    loaded = load(model)
    errors = [d for d in loaded.diagnostics if str(d.severity) == "error"]
    if errors:
        raise SystemExit(f"{model}: invalid model ({len(errors)} errors); run archmodel validate")
    graph = ArchGraph(loaded.model)
    ctx = ThreatContext(loaded, graph, loaded.model.policies)
    m = loaded.model
    out = [
        "#!/usr/bin/env python3",
        f'"""pytm model generated by bench/pytm_compare/translate.py from {model}. Do not edit."""',
        "",
        PRELUDE,
        f"tm = TM({m.system.name!r}, description={(m.system.description or m.system.name)!r})",
        "",
        "# zones -> boundaries",
    ]
    for z in m.zones:
        parent = {"inBoundary": Raw(var("z", z.parent))} if z.parent else {}
        out.append(
            f"{var('z', z.id)} = Boundary({z.id!r}, {kwargs({**parent, 'description': z.description})})"
        )
    credentials = {d for c in m.components if c.kind in CREDENTIAL_HOLDERS for d in c.stores}
    stored = {d for c in m.components for d in c.stores}
    out += ["", "# data assets"]
    for d in m.data:
        attrs = {
            "description": d.description,
            "classification": Raw(f"Classification.{CLASSIFICATION[str(d.classification)]}"),
            "isStored": d.id in stored,
            "isCredentials": d.id in credentials,
        }
        out.append(f"{var('d', d.id)} = Data({d.id!r}, {kwargs(attrs)})")
    out += ["", "# components"]
    for c in m.components:
        name = var("c", c.id)
        out.append(f"{name} = {KIND_CLASS[c.kind]}({c.id!r}, {kwargs(component_attrs(c, ctx))})")
        values = pytm_controls(effective_controls(ctx, c.id))
        if values:
            out.append(f"controls({name}, {kwargs(values)})")
    out += ["", "# flows (returns -> response flows)"]
    for i, f in enumerate(m.flows):
        out += flow_lines(f, i, graph)
    out += ["", 'if __name__ == "__main__":', "    tm.process()", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="archmodel model (file or directory)")
    parser.add_argument("-o", "--output", type=Path, help="where to write tm.py (default: stdout)")
    args = parser.parse_args(argv)
    script = translate(args.model)
    if args.output is None:
        sys.stdout.write(script)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(script, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
