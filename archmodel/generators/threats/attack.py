"""Attack paths and blast radius as text, JSON and register sections.

Paths are grouped by entry point, then by the layers they lack (a path appears once,
under the exact set of layers missing on it), so a reviewer reads "from the internet,
these targets are reached without network security" as one block. Ids in the model
match ``[a-z][a-z0-9_-]*``; in Markdown they still go through the kit as code spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import groupby

from archmodel.formats.markdown import md_code, md_escape
from archmodel.model import LAYER_TITLE, Layer
from archmodel.threats.attack_paths import AttackPath, Entry, EntryKind
from archmodel.threats.blast import BlastRadius

# Register sections stay readable on large models: the rest is one command away.
REGISTER_PATHS = 40
REGISTER_BLAST = 15


def _layers(layers: Iterable[Layer]) -> str:
    return ", ".join(LAYER_TITLE[x].lower() for x in layers) or "none"


def _group_key(p: AttackPath) -> tuple[str, int, tuple[Layer, ...]]:
    return (p.entry.id, -len(p.missing), p.missing)


def grouped(paths: Sequence[AttackPath]) -> list[tuple[Entry, tuple[Layer, ...], list[AttackPath]]]:
    """(entry, missing layers, paths) blocks: by entry id, most layers missing first."""
    ordered = sorted(paths, key=lambda p: (*_group_key(p), p.target.id, str(p.target.cls)))
    return [
        (items[0].entry, items[0].missing, items)
        for _, group in groupby(ordered, key=_group_key)
        for items in [list(group)]
    ]


def _hop_text(p: AttackPath) -> list[str]:
    lines = []
    for i, h in enumerate(p.hops):
        via = f" via {', '.join(h.flows)}" if h.flows else ""
        controls = ", ".join(h.controls) or "none"
        layers = ", ".join(h.layers) or "none"
        held = f"; logs in with held {', '.join(h.held)}" if h.held else ""
        lines.append(
            f"      {'> ' if i else '  '}{h.component}{via}: layers {layers}; controls {controls}{held}"
        )
    return lines


def paths_text(paths: Sequence[AttackPath]) -> str:
    """Every path with its hops, grouped by entry point and the layers it lacks."""
    lines: list[str] = []
    for entry, missing, items in grouped(paths):
        head = f"lacks {_layers(missing)}" if missing else "every required layer present"
        lines.append(f"{entry.label}: {head} ({len(items)})")
        for p in items:
            lines.append(f"  to {p.target.label} (needs {_layers(p.required)}):")
            lines += _hop_text(p)
    return "".join(line + "\n" for line in lines)


def paths_json(paths: Sequence[AttackPath]) -> str:
    groups = [
        {
            "entry": entry.id,
            "entry_kind": str(entry.kind),
            "missing": [str(x) for x in missing],
            "paths": [p.as_dict() for p in items],
        }
        for entry, missing, items in grouped(paths)
    ]
    return json.dumps({"groups": groups}, indent=2, ensure_ascii=False) + "\n"


def _path_cell(p: AttackPath) -> str:
    return " → ".join(md_code(c) for c in p.components)


def _entry_md(entry: Entry) -> str:
    zone = f" in zone {md_code(entry.zone)}" if entry.zone and entry.kind is EntryKind.insider else ""
    return f"{entry.kind} entry {md_code(entry.id)}{zone}"


def _target_md(p: AttackPath) -> str:
    held = f" {', '.join(md_code(d) for d in p.target.data[:3])}" if p.target.data else ""
    return f"{p.target.what}{held} in {md_code(p.target.id)}"


def paths_md(paths: Sequence[AttackPath]) -> list[str]:
    """The register's attack path section: paths that lack a layer, grouped."""
    weak = [p for p in paths if p.missing]
    lines = ["## Attack paths", ""]
    if not paths:
        return [*lines, "No entry point reaches a sensitive target.", ""]
    lines += [
        f"{len(paths)} weakest path(s) from entry points to sensitive targets; "
        f"{len(weak)} lack a layer their target requires.",
        "",
    ]
    shown = 0
    for entry, missing, items in grouped(weak):
        if shown >= REGISTER_PATHS:
            break
        lines += [f"### From {_entry_md(entry)}: no {md_escape(_layers(missing))}", ""]
        lines += ["| target | path |", "|---|---|"]
        for p in items[: REGISTER_PATHS - shown]:
            lines.append(f"| {_target_md(p)} | {_path_cell(p)} |")
        shown += len(items)
        lines.append("")
    if len(weak) > REGISTER_PATHS:
        lines += [f"{len(weak) - REGISTER_PATHS} more: run `archmodel paths` for all of them.", ""]
    return lines


def blast_md(radii: Sequence[BlastRadius]) -> list[str]:
    """The register's blast radius table: the components whose compromise costs most."""
    lines = ["## Blast radius", ""]
    if not radii:
        return [*lines, "No component of ours to own.", ""]
    lines += [
        "What an attacker who owns each component reaches: its data, its credentials, what "
        "it calls and what those credentials open. Largest first.",
        "",
        "| component | kind | top data | sensitive data | credentials | calls | opens through credentials |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in radii[:REGISTER_BLAST]:
        creds = ", ".join(md_code(c) for c in b.credentials) or "—"
        opens = ", ".join(md_code(c) for c in b.opens) or "—"
        lines.append(
            f"| {md_code(b.component)} | {md_escape(b.kind)} | {b.classification} | {b.sensitive} | "
            f"{creds} | {len(b.calls)} | {opens} |"
        )
    if len(radii) > REGISTER_BLAST:
        lines.append(f"\n{len(radii) - REGISTER_BLAST} more component(s) reach less.")
    return [*lines, ""]


__all__ = ["blast_md", "grouped", "paths_json", "paths_md", "paths_text"]
