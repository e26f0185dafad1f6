"""Threagile's 42 built-in risk rules and the archmodel rules that cover them.

The mapping is data (``bench/threagile_rules.yaml``). This script prints it as the table of
docs/reference/threagile.md, checks that every code it names is a rule of
``archmodel rules --format json``, and counts how many of Threagile's rules are covered.
``--check FILE`` also fails when FILE does not contain the table as printed.

Run: ``.venv/bin/python bench/threagile_compare.py [--check docs/reference/threagile.md]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
MAPPING = HERE / "threagile_rules.yaml"
STATUS = {"covered": "covered", "partial": "partly", "not_expressible": "not expressible"}


def mapping() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    return rows


def archmodel_rules() -> dict[str, str]:
    """Rule code → title, as the installed CLI lists them."""
    exe = Path(sys.executable).with_name("archmodel")
    out = subprocess.run([str(exe), "rules", "--format", "json"], check=True, capture_output=True, text=True)
    return {r["code"]: r["title"] for r in json.loads(out.stdout)}


def table(rows: list[dict[str, Any]], titles: dict[str, str]) -> str:
    lines = ["| Threagile rule | archmodel | status | what archmodel reads |", "|---|---|---|---|"]
    for row in rows:
        codes = ", ".join(f"{c} {titles.get(c, '(missing)')}" for c in row["codes"]) or "—"
        note = " ".join(str(row["note"]).split()).replace("|", "\\|")
        lines.append(f"| `{row['id']}` | {codes} | {STATUS[row['status']]} | {note} |")
    return "\n".join(lines) + "\n"


def problems(rows: list[dict[str, Any]], titles: dict[str, str]) -> list[str]:
    found = [f"{r['id']}: {c} is not an archmodel rule" for r in rows for c in r["codes"] if c not in titles]
    found += [
        f"{r['id']}: status {r['status']} names no rule"
        for r in rows
        if r["status"] != "not_expressible" and not r["codes"]
    ]
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        found.append("a Threagile rule is listed twice")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", type=Path, help="a page that must contain the table")
    args = parser.parse_args(argv)
    rows, titles = mapping(), archmodel_rules()
    text = table(rows, titles)
    print(text)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS}
    print(
        f"{len(rows)} Threagile rules: {counts['covered']} covered, {counts['partial']} partly, "
        f"{counts['not_expressible']} not expressible"
    )
    errors = problems(rows, titles)
    if args.check is not None and text not in args.check.read_text(encoding="utf-8"):
        errors.append(f"{args.check} does not contain the table printed above")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
