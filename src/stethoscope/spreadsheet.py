"""CSV written for people, who open it in a spreadsheet: every CSV file Stethoscope writes
(`export`, `scores --format csv`, `GET /api/export?format=csv`, an import's rejects file)
goes through ``write_csv``, so that no cell runs as a formula.

A spreadsheet takes a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: an account named ``=HYPERLINK("http://evil", "Acme")``
becomes a link, ``@SUM(...)`` or ``+cmd|...`` may run). As OWASP recommends, such a text cell
is written with a single quote before it (a spreadsheet shows the text, quote hidden), and
every text cell is written between double quotes (a quoted ``;`` cannot start a new cell
in a spreadsheet set to split on it). A number stays a number: a numeric value, or text
that is a plain number such as ``-12.5``, is not escaped. docs/concepts/security.md says
the same to users.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell(value: Any) -> str:
    """``value`` as one CSV field: empty for None, a number as written, text escaped (see
    the module) and quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header line and a line per row, each field written by ``cell``."""
    out.write(",".join(cell(h) for h in header) + "\n")
    for row in rows:
        out.write(",".join(cell(v) for v in row) + "\n")
