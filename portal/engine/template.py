"""The planner's template: one workbook sheet per declared table, made from the same specs the engine checks with.

Row 1 of each sheet holds the column names (the contract's header); each
header cell carries a comment with the column's German description, type and
rule, and Excel's data validation enforces what a rule allows (choices,
true/false, ranges, years, dates, references to another sheet's keys). Row 2
is an example row, marked in the column :data:`~portal.engine.specs.EXAMPLE_COLUMN`;
the engine refuses a data set while such a row is left in it. A sheet
"Hinweise" explains the columns; the engine reads only declared sheets, so it is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portal.engine.describe import DeclaredTable, declared_tables, description, example_value, rule_text, type_label
from portal.engine.plan_toml import EXAMPLE_PLAN
from portal.engine.specs import EXAMPLE_COLUMN, EXAMPLE_MARK, YEAR_MAX, YEAR_MIN, Column

if TYPE_CHECKING:
    import pluggy
    from openpyxl import Workbook

NOTES_SHEET = "Hinweise"
LISTS_SHEET = "Auswahllisten"
VALIDATED_ROWS = 5000  # data validation covers this many rows below the header
HEADER_FILL = "DDEBF7"
EXAMPLE_FILL = "FFF2CC"

STEPS = (
    "Zyklus anlegen (Admin → Zyklen) und seine Einstellungen eintragen (plan.toml oder Formular „Einstellungen“).",
    "Diese Vorlage holen: im Admin unter „Planungsdaten“ → „Vorlage herunterladen“, oder mit mep template.",
    "Je Tabellenblatt die eigenen Zeilen eintragen; die gelb markierte Beispielzeile löschen.",
    "Die Arbeitsmappe als .xlsx speichern und unter „Planungsdaten“ hochladen.",
    "Den Prüfbericht lesen: jedes Problem nennt Tabellenblatt, Zeile und Spalte.",
    "Die Neuberechnung ansehen (Vorschau).",
    "Veröffentlichen.",
)


def template_workbook(tables: Sequence[DeclaredTable]) -> Workbook:
    """The template for ``tables`` (see :func:`portal.engine.describe.declared_tables`)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    notes = book.create_sheet(NOTES_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    examples = _key_examples(tables)
    list_column = 0
    for table in tables:
        sheet = book.create_sheet(table.name)
        columns = table.spec.columns
        sheet.append([column.name for column in columns] + [EXAMPLE_COLUMN])
        sheet.append([_excel_value(column, example_value(column, examples)) for column in columns] + [EXAMPLE_MARK])
        for index, column in enumerate(columns, start=1):
            list_column = _describe_column(book, sheet, lists, index, column, list_column)
        _style(sheet, len(columns) + 1)
    _write_notes(notes, tables)
    book.active = book.index(notes)
    return book


def write_template(out: str | Path, pm: pluggy.PluginManager | None) -> tuple[Path, Path | None]:
    """Write the template workbook to ``out`` and, unless one is there already, an example ``plan.toml`` beside it.

    Returns the workbook's path and the plan's (None when an existing plan.toml was kept).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    template_workbook(declared_tables(pm)).save(out)
    plan = out.parent / "plan.toml"
    if plan.exists():
        return out, None
    plan.write_text(EXAMPLE_PLAN, encoding="utf-8")
    return out, plan


def _key_examples(tables: Sequence[DeclaredTable]) -> dict[tuple[str, str], str]:
    """Every column's own example, so a reference can take the example of what it refers to."""
    return {
        (table.name, column.name): example_value(column, {})
        for table in tables
        for column in table.spec.columns
        if column.references is None
    }


def _excel_value(column: Column, text: str):
    """The example as Excel would hold it: numbers and booleans typed, so they look as a planner's would."""
    if text == "":
        return None
    try:
        if column.type in ("int", "year"):
            return int(text)
        if column.type == "decimal":
            return float(text)
    except ValueError:
        return text
    if column.type == "bool":
        return text.lower() in ("true", "wahr", "ja", "1")
    return text


def _describe_column(book, sheet, lists, index: int, column: Column, list_column: int) -> int:
    """Comment the header cell and add the column's data validation; returns the lists sheet's columns used."""
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(index)
    text = f"{description(column)}\nTyp: {type_label(column)}\nRegel: {rule_text(column)}"
    comment = Comment(text, "Planungsmaschine")
    comment.width, comment.height = 320, 160
    sheet.cell(row=1, column=index).comment = comment
    validation = None
    if column.choices:
        list_column += 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=f"{sheet.title}.{column.name}")
        for row, choice in enumerate(column.choices, start=2):
            lists.cell(row=row, column=list_column, value=choice)
        source = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(column.choices) + 1}"
        validation = DataValidation(type="list", formula1=source)
    elif column.type == "bool":
        validation = DataValidation(type="list", formula1='"true,false"')
    elif column.references is not None and column.references[0] in book.sheetnames:
        target_sheet = book[column.references[0]]
        headers = [cell.value for cell in target_sheet[1]]
        if column.references[1] in headers:
            target = get_column_letter(headers.index(column.references[1]) + 1)
            source = f"{quote_sheetname(target_sheet.title)}!${target}$2:${target}${VALIDATED_ROWS}"
            validation = DataValidation(type="list", formula1=source)
    elif column.type in ("int", "year", "decimal"):
        low, high = column.min, column.max
        if column.type == "year":
            low = YEAR_MIN if low is None else max(low, YEAR_MIN)
            high = YEAR_MAX if high is None else min(high, YEAR_MAX)
        kind = "decimal" if column.type == "decimal" else "whole"
        if low is not None and high is not None:
            validation = DataValidation(type=kind, operator="between", formula1=_num(low), formula2=_num(high))
        elif low is not None:
            validation = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_num(low))
        elif high is not None:
            validation = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_num(high))
        else:
            validation = DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15")
    if validation is not None:
        validation.allow_blank = not column.required
        validation.showErrorMessage = True
        validation.errorTitle = f"Spalte {column.name}"
        validation.error = f"{type_label(column)}; {rule_text(column)}"[:255]
        validation.showInputMessage = True
        validation.promptTitle = column.name[:32]
        validation.prompt = description(column)[:255]
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    if column.type == "date":
        for row in sheet.iter_rows(min_row=2, max_row=2, min_col=index, max_col=index):
            for cell in row:
                cell.number_format = "@"  # kept as the text 2024-12-31, as the contract writes dates
    return list_column


def _style(sheet, width: int) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for index in range(1, width + 1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor=HEADER_FILL)
        sheet.cell(row=2, column=index).fill = PatternFill("solid", fgColor=EXAMPLE_FILL)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(str(header.value)) + 4)
    sheet.column_dimensions[get_column_letter(width)].width = len(EXAMPLE_MARK) + 2
    sheet.freeze_panes = "A2"


def _write_notes(notes, tables: Sequence[DeclaredTable]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    notes.append(["Vorlage für die Planungsdaten eines Zyklus"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    notes.append(["So geht es"])
    notes.cell(row=notes.max_row, column=1).font = bold
    for number, step in enumerate(STEPS, start=1):
        notes.append([f"{number}.", step])
    notes.append([])
    notes.append(
        [
            "Beispielzeilen",
            f"Jede Tabelle hat in Zeile 2 eine gelb markierte Beispielzeile (Spalte „{EXAMPLE_COLUMN}“). "
            "Bitte löschen: solange eine Beispielzeile in der Mappe steht, lehnt die Planungsmaschine den Datensatz ab.",
        ]
    )
    notes.append(
        [
            "plan.toml",
            "Die Einstellungen des Zyklus (Stichtag, Horizont, Preisbasisjahr, Preissteigerung, Zielwerte) stehen "
            "nicht in dieser Mappe, sondern in plan.toml oder im Formular „Einstellungen“ des Zyklus im Admin.",
        ]
    )
    notes.append([])
    notes.append(["Tabelle", "Spalte", "Typ", "Regel", "Beschreibung"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for table in tables:
        required = "Pflicht" if table.spec.required else "optional"
        notes.append([table.name, "", "", f"Tabelle ({required})", description(table.spec)])
        notes.cell(row=notes.max_row, column=1).font = bold
        for column in table.spec.columns:
            notes.append([table.name, column.name, type_label(column), rule_text(column), description(column)])
    for letter, width in zip("ABCDE", (18, 24, 22, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
