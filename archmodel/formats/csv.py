"""The CSV kit: cells that a spreadsheet cannot run.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or tab or carriage return, which
some spreadsheets skip before reading a formula) is a formula in Excel, LibreOffice and
Google Sheets: a model description such as ``=HYPERLINK("http://evil", "x")`` would run
when the register is opened. Following the OWASP CSV-injection guidance such cells get a
leading ``'``, which spreadsheets show as text; the csv module quotes separators,
quotes and line breaks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# ASCII triggers, their full-width forms (some spreadsheets fold them), tab and CR.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def cell(value: object) -> str:
    """Text for one cell: ``None`` is empty, numbers as they are, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str):
        return str(value)
    stripped = value.lstrip(" ")
    return "'" + value if stripped[:1] in FORMULA_START else value


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV document (``\\n`` line ends), every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()
