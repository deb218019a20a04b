"""Bombs are refused before they are read: huge declared sizes, lying headers, endless sheets."""

from __future__ import annotations

import pytest

from portal.engine.cli import EXIT_PROBLEMS, main
from portal.engine.dataset import DataSetError, load_dataset
from portal.engine.limits import Limits
from portal.engine.testing import TINY, write_dataset
from tests.bombs import MB, declare_size, far_row, huge_dimension, huge_shared_strings, peak_memory
from tests.engine.test_workbook import write_workbook

#: Python allocations a refused bomb may cost at most; reading it naively costs gigabytes
BOUNDED_MB = 40


def workbook(tmp_path):
    return write_workbook(tmp_path / "mappe", dict(TINY))


def problems(path, **kwargs) -> list[str]:
    with peak_memory() as peak, pytest.raises(DataSetError) as refused:
        load_dataset(path, specs=[], **kwargs)
    assert peak() < BOUNDED_MB
    return [str(p) for p in refused.value.problems]


def test_sheet_declaring_excel_maximum_is_refused_before_its_rows_are_read(tmp_path):
    path = huge_dimension(workbook(tmp_path), "inventory", empty_rows=30_000)
    assert path.stat().st_size < 100_000
    assert problems(path) == [
        "inventory: Tabellenblatt ist laut Arbeitsmappe 1.048.576 Zeilen × 16.384 Spalten groß, "
        "erlaubt sind höchstens 1.000.000 Zeilen und 1.000 Spalten"
    ]


def test_sheet_whose_dimension_lies_stops_at_the_row_limit(tmp_path):
    path = far_row(workbook(tmp_path), "inventory")
    assert problems(path, limits=Limits(rows=50_000)) == [
        "inventory: mehr als 50.000 Zeilen; so lange Tabellen liest die Planungsmaschine nicht"
    ]


def test_huge_shared_strings_are_refused_by_their_unpacked_size(tmp_path):
    path = huge_shared_strings(workbook(tmp_path), megabytes=210)
    assert path.stat().st_size < MB
    (found,) = problems(path)
    assert found.startswith(
        "mep.xlsx: Die Datei xl/sharedStrings.xml in der Arbeitsmappe ist entpackt größer als 200 MB (210 MB)"
    )


def test_highly_compressed_part_is_refused_by_its_ratio(tmp_path):
    path = huge_shared_strings(workbook(tmp_path), megabytes=150)
    (found,) = problems(path)
    assert "xl/sharedStrings.xml in der Arbeitsmappe ist mehr als 100-fach gepackt" in found


def test_part_declaring_a_huge_size_is_refused_without_unpacking(tmp_path):
    path = workbook(tmp_path)
    declare_size(path, "xl/worksheets/sheet1.xml", 3 * 1024 * MB)
    assert problems(path) == [
        "mep.xlsx: Die Datei xl/worksheets/sheet1.xml in der Arbeitsmappe ist entpackt größer als 200 MB (3.072 MB).",
        "mep.xlsx: Alle Dateien in der Arbeitsmappe zusammen sind entpackt größer als 500 MB (3.072 MB).",
    ]


def test_part_unpacking_to_more_than_it_declares_is_refused(tmp_path):
    path = huge_shared_strings(workbook(tmp_path), megabytes=20)
    declare_size(path, "xl/sharedStrings.xml", 1000)  # small enough to pass every check, a lie
    (found,) = problems(path)
    assert found.startswith("mep.xlsx: Arbeitsmappe nicht lesbar")


def test_wide_sheet_reads_only_the_declared_columns(tmp_path):
    wide = {**TINY}
    lines = wide["inventory"].strip().splitlines()
    wide["inventory"] = "\n".join(line.strip() + "," + ",".join(["x"] * 900) for line in lines) + "\n"
    path = write_workbook(tmp_path / "breit", wide)
    assert set(load_dataset(path, specs=[]).tables["inventory"].columns) == {
        "school_id", "product_group", "quantity", "acquired_year", "unit_cost_eur", "useful_life_years"
    }
    assert problems(path, limits=Limits(columns=100)) == [
        "inventory: Tabellenblatt ist laut Arbeitsmappe 4 Zeilen × 906 Spalten groß, "
        "erlaubt sind höchstens 1.000.000 Zeilen und 100 Spalten"
    ]
    huge_dimension(path, "inventory", "A1:F4")  # the dimension lies: the header row is counted
    assert problems(path, limits=Limits(columns=100)) == ["inventory:1: 906 Spalten, höchstens 100 sind erlaubt"]


def test_csv_file_bigger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    rows = "".join("S1,ipad,1,2020,,\n" for _ in range(200_000))
    folder = write_dataset(tmp_path / "data", inventory="school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years\n" + rows)
    assert problems(folder, limits=Limits(file_bytes=MB)) == ["inventory.csv: Die Datei ist größer als 1 MB (3 MB)."]


def test_csv_with_more_rows_than_the_limit_is_refused(tmp_path):
    rows = "".join("S1,ipad,1,2020,,\n" for _ in range(300))
    folder = write_dataset(tmp_path / "data", inventory="school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years\n" + rows)
    assert problems(folder, limits=Limits(rows=100)) == [
        "inventory.csv: mehr als 100 Zeilen; so lange Tabellen liest die Planungsmaschine nicht"
    ]


def test_mep_validate_refuses_a_workbook_bomb_with_exit_2(tmp_path, cli_plugins, capsys):
    path = huge_dimension(workbook(tmp_path), "schools")
    assert main(["validate", str(path)]) == EXIT_PROBLEMS
    assert "schools: Tabellenblatt ist laut Arbeitsmappe 1.048.576 Zeilen" in capsys.readouterr().out


def test_mep_compute_refuses_a_workbook_bomb_and_writes_nothing(tmp_path, cli_plugins, capsys):
    path = huge_shared_strings(workbook(tmp_path), megabytes=210)
    out = tmp_path / "out"
    assert main(["compute", str(path), "--out", str(out)]) == EXIT_PROBLEMS
    assert "ist entpackt größer als 200 MB" in capsys.readouterr().out
    assert not out.exists()
