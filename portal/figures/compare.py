"""One figure of two cycles, row by row: what changed between them. Reads snapshots only."""

from __future__ import annotations

from dataclasses import dataclass

from portal.engine.i18n import SOURCE_LANGUAGE, engine_translator

from .blocks import format_cell, is_year_column, text_cell
from .models import FigureSnapshot


@dataclass
class Difference:
    """One number of one row in both cycles."""

    row: list[str]  # the row's identifying cells, e.g. ["2027"] or ["Grundschule"]
    column: str  # header of the number, in the snapshot's language
    a: str
    b: str
    difference: str
    change: str  # per cent, or "–" when A is zero


def numeric_columns(snapshot: FigureSnapshot) -> list[str]:
    """Columns holding numbers (not years, not flags) in every row that has a value."""
    columns = []
    for column in snapshot.columns:
        values = [row.get(column) for row in snapshot.data if row.get(column) is not None]
        if values and not is_year_column(column) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            columns.append(column)
    return columns


def identifying_columns(snapshot: FigureSnapshot) -> list[str]:
    """The columns that say which row is which: years, names, keys."""
    numbers = set(numeric_columns(snapshot))
    return [column for column in snapshot.columns if column not in numbers]


def _row_key(snapshot: FigureSnapshot, row: dict, columns: list[str]) -> tuple:
    return tuple(row.get(column) for column in columns)


def compare(a: FigureSnapshot, b: FigureSnapshot, language: str = SOURCE_LANGUAGE) -> tuple[list[str], list[Difference]]:
    """Headers of the identifying columns and one :class:`Difference` per shared row and number.

    Rows are matched by their identifying columns; a figure of one row each
    (a key figure) is compared as it stands, even if its years moved on.
    Numbers are written for ``language``; headers are ``a``'s (see ``FigureSnapshot.in_language``).
    """
    tr = engine_translator(language)
    ident = [column for column in identifying_columns(a) if column in identifying_columns(b)]
    numbers = [column for column in numeric_columns(a) if column in numeric_columns(b)]
    if len(a.data) == 1 and len(b.data) == 1:
        pairs = [(a.data[0], b.data[0])]
        ident = [column for column in ident if a.data[0].get(column) == b.data[0].get(column)]
    else:
        rows_b = {_row_key(b, row, ident): row for row in b.data}
        pairs = [(row, rows_b[key]) for row in a.data if (key := _row_key(a, row, ident)) in rows_b]
    labels = dict(zip(a.columns, a.headers, strict=True))
    differences = []
    for row_a, row_b in pairs:
        words = a.value_labels if a.language == language else {}
        cells = [
            text_cell(value, words, language) if isinstance(value, str) else format_cell(column, value, tr)
            for column in ident
            for value in (row_a.get(column),)
        ]
        for column in numbers:
            value_a, value_b = row_a.get(column), row_b.get(column)
            differences.append(
                Difference(
                    row=cells,
                    column=labels[column],
                    a=format_cell(column, value_a, tr),
                    b=format_cell(column, value_b, tr),
                    difference=_signed_difference(value_a, value_b, tr),
                    change=_change(value_a, value_b, tr),
                )
            )
    return [labels[column] for column in ident], differences


def _signed_difference(a, b, tr) -> str:
    if a is None or b is None:
        return "–"
    delta = b - a
    decimals = 0 if float(delta).is_integer() else 2
    text = tr.number(abs(delta), decimals)
    return "±0" if text.strip("0,.") == "" else ("+" if delta > 0 else "−") + text


def _change(a, b, tr) -> str:
    if a is None or b is None or a == 0:
        return "–"
    pct = (b - a) / abs(a) * 100
    text = tr.pct(abs(pct), 1)
    if text == tr.pct(0, 1):
        return "±" + text
    return ("+" if pct > 0 else "−") + text
