"""Cells that are safe to open in a spreadsheet (OWASP: CSV injection).

Text a spreadsheet would run as a formula gets a leading apostrophe; numbers,
negative ones too, stay numbers. Used by every CSV a reader or staff member
downloads: the attendee list and the public figure downloads.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value) -> str:
    """A cell as text; formula-like text gets a leading apostrophe, a number (``-12.5``) stays as it is."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralised_csv(text: str, delimiter: str = ",") -> str:
    """A CSV document with every formula-like text cell neutralised; everything else unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
