"""The planner's template (``mep template``): made from the table specs, refused while example rows remain, round-trips."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from portal.engine.cli import EXIT_OK, EXIT_PROBLEMS, main
from portal.engine.dataset import CORE_TABLES, SCHOOL_TYPES, DataSetError, load_dataset
from portal.engine.describe import NO_DESCRIPTION, declared_tables, rule_text
from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import get_plugin_manager
from portal.engine.reading import NOT_A_WORKBOOK, OLD_EXCEL
from portal.engine.specs import EXAMPLE_COLUMN, Column, TableSpec
from portal.engine.template import LISTS_SHEET, NOTES_SHEET, template_workbook, write_template
from portal.engine.testing import PLAN, TINY


class StrangersPlugin:
    """A plugin from elsewhere: its table has a column without any description."""

    @hookimpl
    def mep_tables(self):
        return [
            TableSpec(
                "bike_racks",
                columns=(
                    Column("school_id", references=("schools", "school_id")),
                    Column("racks", "int", min=0, max=40),
                    Column("colour", choices=("rot", "blau")),
                ),
            )
        ]


@pytest.fixture
def stranger_pm():
    pm = get_plugin_manager(only={"finance", "infrastructure"})
    pm.register(StrangersPlugin(), name="bikes")
    return pm


def validations(sheet) -> dict[str, object]:
    """Each validated column's letter and its validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def test_template_has_one_sheet_per_declared_table_with_the_spec_columns():
    pm = get_plugin_manager()
    tables = declared_tables(pm)
    book = template_workbook(tables)
    plugin_tables = {t.name for t in tables} - {spec.name for spec in CORE_TABLES}
    assert {"support_tickets", "annual_reviews", "licences"} <= plugin_tables
    assert book.sheetnames == [NOTES_SHEET, LISTS_SHEET, *(t.name for t in tables)]
    for table in tables:
        assert header(book[table.name]) == [c.name for c in table.spec.columns] + [EXAMPLE_COLUMN]
    assert book[LISTS_SHEET].sheet_state == "hidden"


def test_header_comments_give_description_type_and_rule_from_the_spec():
    book = template_workbook(declared_tables(get_plugin_manager(only={"finance"})))
    pupils = book["schools"]["D1"]
    assert pupils.value == "pupils"
    assert pupils.comment.text == "Zahl der Schülerinnen und Schüler\nTyp: ganze Zahl\nRegel: Pflichtangabe; ≥ 0"
    school_id = book["inventory"]["A1"].comment.text
    assert "muss in schools.csv, Spalte school_id vorkommen" in school_id


def test_validations_come_from_the_rules():
    book = template_workbook(declared_tables(get_plugin_manager(only={"finance", "support"})))
    schools = validations(book["schools"])
    school_type = schools["C"]
    assert school_type.type == "list"
    lists = book[LISTS_SHEET]
    column = school_type.formula1.split("!")[1].split(":")[0].strip("$").rstrip("0123456789").rstrip("$")
    listed = [lists[f"{column}{row}"].value for row in range(2, 2 + len(SCHOOL_TYPES))]
    assert listed == list(SCHOOL_TYPES)
    assert (schools["D"].type, schools["D"].operator, schools["D"].formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "A" not in schools and "B" not in schools  # free text: nothing to validate
    catalog = validations(book["catalog"])
    assert catalog["F"].formula1 == '"true,false"'
    assert catalog["E"].type == "decimal"
    inventory = validations(book["inventory"])
    assert inventory["A"].formula1 == "'schools'!$A$2:$A$5000"
    assert (inventory["D"].type, inventory["D"].formula1, inventory["D"].formula2) == ("whole", "1900", "2100")
    assert inventory["E"].allow_blank and not inventory["A"].allow_blank
    level = validations(book["support_tickets"])["C"]
    assert (level.operator, level.formula1, level.formula2) == ("between", "1", "3")


def test_a_strangers_plugin_table_is_in_the_template_with_fallbacks(stranger_pm):
    book = template_workbook(declared_tables(stranger_pm))
    sheet = book["bike_racks"]
    assert header(sheet) == ["school_id", "racks", "colour", EXAMPLE_COLUMN]
    assert sheet["B1"].comment.text == f"{NO_DESCRIPTION}\nTyp: ganze Zahl\nRegel: Pflichtangabe; von 0 bis 40"
    assert [c.value for c in sheet[2]][:3] == ["S001", 0, "rot"]  # the example school of schools
    found = validations(sheet)
    assert (found["B"].formula1, found["B"].formula2) == ("0", "40")
    assert found["C"].type == "list"
    notes = [[c.value for c in row] for row in book[NOTES_SHEET].iter_rows()]
    assert ["bike_racks", "colour", "Text", rule_text(Column("colour", choices=("rot", "blau"))), NO_DESCRIPTION] in notes


def test_template_with_its_example_rows_is_refused_once_per_table_and_for_nothing_else(tmp_path, stranger_pm):
    book, plan = write_template(tmp_path / "vorlage.xlsx", stranger_pm)
    assert plan == tmp_path / "plan.toml"
    with pytest.raises(DataSetError) as refused:
        load_dataset(book, pm=stranger_pm)
    names = [t.name for t in declared_tables(stranger_pm)]
    assert [str(p) for p in refused.value.problems] == [
        f"{name}:2: column {EXAMPLE_COLUMN}: Beispielzeile der Vorlage – bitte löschen und eigene Daten eintragen"
        for name in names
    ]


def test_template_filled_with_own_rows_passes_validate(tmp_path):
    """Example rows deleted, the planner's rows added: ``mep validate`` accepts the workbook and its plan.toml."""
    book_path, _ = write_template(tmp_path / "vorlage.xlsx", get_plugin_manager())
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    book = openpyxl.load_workbook(book_path)
    for name, text in TINY.items():
        sheet = book[name]
        sheet.delete_rows(2)
        lines = [line.strip() for line in text.strip().splitlines()]
        columns = lines[0].split(",")
        order = header(sheet)
        for line in lines[1:]:
            values = dict(zip(columns, line.split(","), strict=True))
            sheet.append([values.get(column) or None for column in order])
    for name in book.sheetnames:
        if name not in TINY and name not in (NOTES_SHEET, LISTS_SHEET):
            book[name].delete_rows(2)  # tables the planner has no data for keep just their header
    book.save(book_path)
    assert main(["validate", str(book_path)]) == EXIT_OK


def test_cli_template_writes_workbook_and_keeps_an_existing_plan(tmp_path, capsys):
    assert main(["template", str(tmp_path / "neu" / "vorlage.xlsx")]) == EXIT_OK
    assert (tmp_path / "neu" / "plan.toml").read_text(encoding="utf-8").startswith("# Einstellungen des Zyklus")
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    assert main(["template", str(tmp_path / "vorlage.xlsx")]) == EXIT_OK
    assert (tmp_path / "plan.toml").read_text(encoding="utf-8") == PLAN
    assert "gibt es schon" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "vorlage.xlsx")]) == EXIT_PROBLEMS


def test_example_rows_are_refused_in_csv_files_too(data):
    schools = data / "schools.csv"
    schools.write_text(
        schools.read_text(encoding="utf-8").replace("district", f"district,{EXAMPLE_COLUMN}", 1).rstrip("\n")
        + "\nS9,Beispielschule,Grundschule,10,1,,ja\n",
        encoding="utf-8",
    )
    with pytest.raises(DataSetError) as refused:
        load_dataset(data, specs=[])
    assert [str(p) for p in refused.value.problems] == [
        f"schools.csv:4: column {EXAMPLE_COLUMN}: Beispielzeile der Vorlage – bitte löschen und eigene Daten eintragen"
    ]


def _refusal(tmp_path, data: bytes) -> list[str]:
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "daten.xlsx").write_bytes(data)
    with pytest.raises(DataSetError) as refused:
        load_dataset(tmp_path / "daten.xlsx")
    return [str(p) for p in refused.value.problems]


def test_a_csv_renamed_to_xlsx_gets_one_german_sentence_and_no_knock_on_errors(tmp_path):
    problems = _refusal(tmp_path, b"school_id,name\nS1,Schule\n")
    assert problems == [f"daten.xlsx: {NOT_A_WORKBOOK} (Sie enthält Text – vielleicht eine umbenannte CSV-Datei.)"]


def test_an_old_xls_file_is_named_as_such(tmp_path):
    assert _refusal(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) == [f"daten.xlsx: {OLD_EXCEL}"]


def test_a_zip_that_is_no_workbook_gets_the_same_sentence(tmp_path):
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("schools.csv", "school_id\n")
    assert _refusal(tmp_path, archive.read_bytes()) == [f"daten.xlsx: {NOT_A_WORKBOOK}"]


def test_a_semicolon_csv_is_one_problem_not_a_missing_column_each(data):
    schools = data / "schools.csv"
    schools.write_text(schools.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    with pytest.raises(DataSetError) as refused:
        load_dataset(data, specs=[])
    assert [str(p) for p in refused.value.problems] == [
        "schools.csv:1: Die Spalten sind mit Semikolon getrennt, erwartet wird das Komma. Bitte in Excel als "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern oder die Excel-Vorlage verwenden."
    ]
