"""Every CSV file the app writes: UTF-8 with a byte-order mark (Excel then shows Vietnamese
correctly), CRLF line ends, every cell quoted and formula cells made inert.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some of them skip) as a formula: a document title such as
``=HYPERLINK("http://…")`` or ``=cmd|' /C calc'!A0`` would act when the official opens the
export. OWASP's rule: such a cell, also after leading spaces, gets a leading apostrophe, and
every cell is quoted, so the apostrophe and what follows stay text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Skipped by spreadsheets before the first character they look at.
LEADING_BLANKS = " \u00a0"


def neutralise(value: object) -> str:
    """The cell as text (NFC), with an apostrophe in front if a spreadsheet would run it."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    if text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def neutralise_reversibly(value: str) -> str:
    """:func:`neutralise`, and a cell that already starts with an apostrophe gets one more, so
    that taking one leading apostrophe off any cell gives back the exact text (the audit
    trail's rows must hash to what the application hashed)."""
    return "'" + value if value.startswith("'") else neutralise(value)


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """The rows as a CSV file, each cell through :func:`neutralise`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
