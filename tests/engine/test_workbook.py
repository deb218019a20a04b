"""A data set as one .xlsx workbook with plan.toml beside it."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from portal.engine.compute import compute_figures
from portal.engine.dataset import DataSetError, load_dataset
from portal.engine.testing import PLAN, TINY, write_dataset


def write_workbook(folder, tables: dict[str, str], typed: bool = True):
    """Every table as a sheet; ``typed`` stores numbers and booleans as Excel values, as a planner's sheet would."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in tables.items():
        sheet = book.create_sheet(name)
        for row in csv.reader(io.StringIO(text.replace("        ", ""))):
            sheet.append([_excel_value(v) if typed else v for v in row])
    path = folder / "mep.xlsx"
    book.save(path)
    return path


def _excel_value(text: str):
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text or None


def test_workbook_gives_the_same_figures_as_the_folder(tmp_path, core_pm):
    from_folder = load_dataset(write_dataset(tmp_path / "csv"), pm=core_pm)
    from_book = load_dataset(write_workbook(tmp_path / "xlsx", TINY), pm=core_pm)
    folder_figures = {f.key: f.data for _, f in compute_figures(from_folder, core_pm)}
    book_figures = {f.key: f.data for _, f in compute_figures(from_book, core_pm)}
    assert folder_figures.keys() == book_figures.keys()
    for key, data in folder_figures.items():
        assert data.to_csv(index=False) == book_figures[key].to_csv(index=False), key


def test_workbook_problems_name_the_sheet_and_row(tmp_path):
    tables = dict(TINY)
    tables["inventory"] = TINY["inventory"].replace("S2,ipad,20,2024", "S9,ipad,zwanzig,2024")
    with pytest.raises(DataSetError) as refused:
        load_dataset(write_workbook(tmp_path / "xlsx", tables), specs=[])
    assert [str(p) for p in refused.value.problems] == [
        "inventory:3: column quantity: keine ganze Zahl: 'zwanzig'",
        "inventory:3: column school_id: unbekannte Schule 'S9' (nicht in schools, Spalte school_id)",
    ]


def test_workbook_without_a_required_sheet(tmp_path):
    tables = {name: text for name, text in TINY.items() if name != "catalog"}
    with pytest.raises(DataSetError) as refused:
        load_dataset(write_workbook(tmp_path / "xlsx", tables), specs=[])
    problems = [str(p) for p in refused.value.problems]
    assert problems[0] == (
        "mep.xlsx: Tabellenblatt catalog fehlt (je Zeile eine Produktgruppe: was sie kostet und wie lange sie hält; "
        "Spalten: product_group, label, category, useful_life_years, unit_cost_eur, pupil_device, teacher_device)"
    )


def test_workbook_with_missing_column(tmp_path):
    tables = dict(TINY)
    tables["schools"] = "school_id,name,school_type,pupils\nS1,A,Grundschule,100\nS2,B,Gymnasium,50\n"
    with pytest.raises(DataSetError) as refused:
        load_dataset(write_workbook(tmp_path / "xlsx", tables), specs=[])
    assert [str(p) for p in refused.value.problems] == ["schools:1: column teachers: Spalte fehlt"]


def test_damaged_workbook_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "plan.toml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "mep.xlsx").write_bytes(b"kein zip")
    with pytest.raises(DataSetError) as refused:
        load_dataset(tmp_path / "mep.xlsx", specs=[])
    assert [str(p) for p in refused.value.problems] == [
        "mep.xlsx: Diese Datei ist keine Excel-Arbeitsmappe. Bitte in Excel als .xlsx speichern oder die Vorlage "
        "verwenden. (Sie enthält Text – vielleicht eine umbenannte CSV-Datei.)"
    ]


def test_cli_computes_from_a_workbook(tmp_path, cli_plugins):
    from portal.engine.cli import main

    book = write_workbook(tmp_path / "xlsx", TINY)
    assert main(["validate", str(book)]) == 0
    assert main(["compute", str(book), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "finance.forecast.csv").read_text(encoding="utf-8").splitlines()[1] == "2025,4000.0,100.0,4100.0"


def test_workbook_cells_as_text_read_the_same(tmp_path):
    typed = load_dataset(write_workbook(tmp_path / "typed", TINY), specs=[])
    text = load_dataset(write_workbook(tmp_path / "text", TINY, typed=False), specs=[])
    for name in TINY:
        assert typed.tables[name].equals(text.tables[name]), name
