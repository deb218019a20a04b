"""A published figure as an Excel workbook for people: headings in the reader's language, numbers as numbers.

The CSV and JSON downloads keep the data contract (comma, dot, the contract's column
names) for machines. The workbook is for a reader who opens it in Excel or LibreOffice:
the figure's title, summary, source and Stand above the table, the columns headed as on
the page, numbers stored as numbers with a number format (``#,##0.00`` shows as
``1.234,56`` in a German spreadsheet), years without a thousands separator. Text cells are
always stored as text, so a label such as ``=HYPERLINK(…)`` can never become a formula.
"""

from __future__ import annotations

import io
import math

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from portal.engine.i18n import engine_translator
from portal.plan.identity import site_identity

from .blocks import is_year_column

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel's limit for a sheet's name
SHEET_NAME_LENGTH = 31


def number_format(column: str, values: list) -> str | None:
    """The cell format of a column of numbers: ``0`` for years, ``#,##0`` for whole numbers, else ``#,##0.00``;
    None for a column that holds text."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    if is_year_column(column):
        return "0"
    if all(isinstance(v, int) or (not math.isnan(v) and float(v).is_integer()) for v in numbers):
        return "#,##0"
    return "#,##0.00"


def _text(cell, value: str) -> None:
    """``value`` stored as text, whatever it begins with (openpyxl would read ``=…`` as a formula)."""
    cell.value = value
    cell.data_type = "s"


def figure_workbook(snapshot, cycle, language: str) -> bytes:
    """The workbook of one published figure; ``snapshot`` already in ``language`` (``in_language``)."""
    tr = engine_translator(snapshot.language)
    labels = getattr(snapshot, "value_labels", {}) or {}
    regeneration = snapshot.regeneration
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (snapshot.key.split(".", 1)[-1] or "Daten")[:SHEET_NAME_LENGTH]

    stand = formats.date_format(regeneration.finished, _("j. F Y")) if regeneration.finished else "–"
    source = _("Quelle: %(plan)s, Zyklus %(cycle)s, Datensatz Version %(version)s") % {
        "plan": site_identity(language).name,
        "cycle": cycle.name,
        "version": regeneration.dataset_version.pk,
    }
    lines = [
        (snapshot.title, Font(bold=True, size=14)),
        (snapshot.summary, None),
        (source, None),
        (_("Stand: %(date)s") % {"date": stand}, None),
    ]
    if regeneration.dataset_version.synthetic:
        lines.append((_("Beispieldaten: Diese Abbildung beruht auf synthetischen Beispieldaten, nicht auf den Planungsdaten der Stadt."), Font(bold=True)))
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        _text(cell, text)
        if font is not None:
            cell.font = font

    header_row = len(lines) + 2
    columns = list(snapshot.columns)
    for index, header in enumerate(snapshot.headers, start=1):
        cell = sheet.cell(row=header_row, column=index)
        _text(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats_by_column = {c: number_format(c, [r.get(c) for r in snapshot.data]) for c in columns}
    for offset, record in enumerate(snapshot.data, start=1):
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=header_row + offset, column=index)
            value = record.get(column)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue  # an empty cell, not a text "–" in a column of numbers
            if isinstance(value, bool):
                _text(cell, tr.yes_no(value))
            elif isinstance(value, int | float):
                cell.value = value
                cell.number_format = formats_by_column[column] or "General"
            else:
                _text(cell, labels.get(value, str(value)))
    for index, (column, header) in enumerate(zip(columns, snapshot.headers, strict=True), start=1):
        longest = max([len(header), *(len(str(r.get(column, ""))) + 3 for r in snapshot.data)], default=10)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 10), 50)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    workbook.properties.title = snapshot.title
    workbook.properties.creator = site_identity(language).name
    workbook.properties.language = language
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
