"""``mep import-assets``: an asset-management export counted into the contract's inventory.csv (issue 15, point 1)."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pytest

from content.demodata.generate import generate
from portal.engine.assets import AssetMapping, import_assets, read_mapping
from portal.engine.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main
from portal.engine.dataset import load_dataset
from portal.engine.specs import DataSetError

DEMO_ASSETS = Path(__file__).resolve().parents[2] / "content" / "demodata" / "assets"

MAPPING = """\
[schools]
"GS Am Volkspark" = "S001"
"Gymnasium Mitte" = "S002"

[product_groups]
"iPad 10th gen" = "ipad_pupils"
"ThinkPad L14" = "notebooks"

[skip]
statuses = ["Archived", "Ausgemustert"]
"""
HEADER = "Asset Tag,Location,Model,Purchase Date,Status\n"


def mapping(text: str = MAPPING, format: str | None = "snipeit") -> AssetMapping:
    result, problems = read_mapping(None, text=text, file="mapping.toml", format=format)
    assert problems == []
    return result


def imported(export: str | bytes, text: str = MAPPING, format: str | None = "snipeit"):
    data = export.encode("utf-8") if isinstance(export, str) else export
    return import_assets(data, mapping(text, format), file="export.csv")


def problems_of(export: str | bytes, text: str = MAPPING, format: str | None = "snipeit") -> list[str]:
    return [str(p) for p in imported(export, text, format).problems]


def inventory(result) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.checked().inventory_csv())))


# --- aggregation -------------------------------------------------------------


def test_assets_are_counted_per_school_product_group_and_year_and_sorted():
    result = imported(
        HEADER
        + "1,Gymnasium Mitte,ThinkPad L14,2021-03-01,Deployed\n"
        + "2,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n"
        + "3,GS Am Volkspark,iPad 10th gen,2022-09-01,Ready to Deploy\n"
        + "4,GS Am Volkspark,iPad 10th gen,2021-01-10,Deployed\n"
        + "5,GS Am Volkspark,ThinkPad L14,2020-05-05,Deployed\n"
    )
    text = result.checked().inventory_csv()
    assert text.splitlines() == [
        "school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years",
        "S001,ipad_pupils,1,2021,,",
        "S001,ipad_pupils,2,2022,,",
        "S001,notebooks,1,2020,,",
        "S002,notebooks,1,2021,,",
    ]
    assert result.assets == 5 and result.counted == 5
    assert result.by_school() == {"S001": {"ipad_pupils": 3, "notebooks": 1}, "S002": {"notebooks": 1}}
    assert result.by_product_group() == {"ipad_pupils": 3, "notebooks": 2}


def test_the_written_inventory_is_a_valid_table_of_the_data_set(tmp_path):
    data = generate(tmp_path / "demo")
    out = data / "inventory.csv"
    code = main([
        "import-assets", str(DEMO_ASSETS / "snipeit-export.csv"), "--format", "snipeit",
        "--mapping", str(DEMO_ASSETS / "snipeit-mapping.toml"), "--out", str(out),
    ])  # fmt: skip
    assert code == EXIT_OK
    dataset = load_dataset(data)
    assert int(dataset.tables["inventory"]["quantity"].sum()) == 29


@pytest.mark.parametrize("system", ["snipeit", "glpi"])
def test_demo_exports_map_onto_the_demo_schools_by_name(tmp_path, system):
    """The synthetic exports' locations are demo schools by name; their models demo product groups."""
    data = generate(tmp_path / "demo")
    schools = {row["name"]: row["school_id"] for row in csv.DictReader((data / "schools.csv").open(encoding="utf-8"))}
    groups = {row["product_group"] for row in csv.DictReader((data / "catalog.csv").open(encoding="utf-8"))}
    table = tomllib.loads((DEMO_ASSETS / f"{system}-mapping.toml").read_text(encoding="utf-8"))
    assert {value: schools[value.removeprefix("Schulen > ")] for value in table["schools"]} == table["schools"]
    assert set(table["product_groups"].values()) <= groups
    mapped, problems = read_mapping(DEMO_ASSETS / f"{system}-mapping.toml", format=system)
    assert problems == []
    result = import_assets((DEMO_ASSETS / f"{system}-export.csv").read_bytes(), mapped, file=f"{system}-export.csv")
    assert result.checked().counted > 20
    assert result.skipped_statuses  # each demo export shows a skipped status


def test_glpi_demo_export_is_semicolon_separated_with_bom_and_german_headings():
    raw = (DEMO_ASSETS / "glpi-export.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0].decode("utf-8-sig").split(";")[:3] == ['"Name"', '"Einheit"', '"Status"']
    mapped, _ = read_mapping(DEMO_ASSETS / "glpi-mapping.toml", format="glpi")
    result = import_assets(raw, mapped, file="glpi-export.csv")
    assert result.delimiter == ";"
    assert result.checked().skipped_statuses.keys() == {"Ausgemustert"}


# --- skipped statuses, locations and models ------------------------------------


def test_skipped_statuses_are_not_counted_not_checked_and_reported():
    result = imported(
        HEADER
        + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n"
        + "2,Altes Lager,iPad 6th gen,kaputt,Archived\n"  # unmapped and unreadable, but archived
        + "3,GS Am Volkspark,iPad 10th gen,2019-01-01,ausgemustert\n"  # statuses match whatever their case
    )
    assert result.problems == []
    assert result.counted == 1
    assert dict(result.skipped_statuses) == {"Archived": 1, "ausgemustert": 1}
    assert result.summary()["skipped_statuses"] == {"Archived": 1, "ausgemustert": 1}


def test_skipped_locations_and_models_are_not_counted():
    text = MAPPING.replace("[skip]\n", '[skip]\nschools = ["Rathaus Lager"]\nproduct_groups = ["HDMI-Adapter"]\n')
    result = imported(
        HEADER
        + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n"
        + "2,Rathaus Lager,iPad 10th gen,2022-08-15,Deployed\n"
        + "3,GS Am Volkspark,HDMI-Adapter,2022-08-15,Deployed\n",
        text,
    )
    assert result.problems == []
    assert (result.counted, result.skipped) == (1, 2)
    assert dict(result.skipped_schools) == {"Rathaus Lager": 1}
    assert dict(result.skipped_product_groups) == {"HDMI-Adapter": 1}


def test_skip_statuses_without_a_status_column_is_a_problem():
    export = "Location,Model,Purchase Date\nGS Am Volkspark,iPad 10th gen,2022-08-15\n"
    assert problems_of(export) == [
        "export.csv:1: column Status: Spalte fehlt (für [skip] statuses); die Kopfzeile hat: „Location“, „Model“, „Purchase Date“"
    ]
    without_skip = MAPPING.replace('statuses = ["Archived", "Ausgemustert"]', "")
    assert imported(export, without_skip).checked().counted == 1  # the status column is optional


# --- dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "date, year",
    [
        ("2022-08-15", 2022),
        ("2022-08-15 13:45:00", 2022),
        ("2022-08-15T13:45", 2022),
        ("2022-08-15T13:45:00+02:00", 2022),
        ("15.08.2021", 2021),
        ("1.8.2021", 2021),
        ("15.08.2021 13:45", 2021),
        ("2020", 2020),
        (" 2019-02-28 ", 2019),
    ],
)
def test_dates_iso_with_or_without_time_german_or_a_year(date, year):
    result = imported(HEADER + f'1,GS Am Volkspark,iPad 10th gen,"{date}",Deployed\n')
    assert inventory(result)[0]["acquired_year"] == str(year)


@pytest.mark.parametrize(
    "date, message",
    [
        ("31.02.2021", "Datum „31.02.2021“ gibt es nicht"),
        ("2021-13-01", "Datum „2021-13-01“ gibt es nicht"),
        ("08/15/2021", "Datum „08/15/2021“ nicht lesbar (erwartet: JJJJ-MM-TT, auch mit Uhrzeit, TT.MM.JJJJ oder eine Jahreszahl)"),
        ("", "Kaufdatum fehlt"),
        ("1850", "Jahr 1850 liegt nicht zwischen 1900 und 2100"),
    ],
)
def test_an_unreadable_date_is_a_located_problem(date, message):
    assert problems_of(HEADER + f'1,GS Am Volkspark,iPad 10th gen,"{date}",Deployed\n') == [
        f"export.csv:2: column Purchase Date: {message}"
    ]


# --- delimiters, BOM, quoting --------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_comma_or_semicolon_with_or_without_bom(bom, delimiter):
    rows = [
        ["Asset Tag", "Location", "Model", "Purchase Date", "Status", "Notes"],
        ["1", "GS Am Volkspark", "iPad 10th gen", "15.08.2022", "Deployed", "a, b; c"],
        ["2", "GS Am Volkspark", "iPad 10th gen", "2022-09-01", "Deployed", ""],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    result = imported(bom + out.getvalue().encode("utf-8"))
    assert result.delimiter == delimiter
    assert inventory(result) == [
        {"school_id": "S001", "product_group": "ipad_pupils", "quantity": "2", "acquired_year": "2022", "unit_cost_eur": "", "useful_life_years": ""}
    ]


def test_quoted_fields_with_line_breaks_keep_line_numbers_right():
    export = (
        "Location;Model;Purchase Date;Status;Notes\n"
        '"GS Am Volkspark";"iPad 10th gen";"2022-08-15";"Deployed";"erste Zeile\nzweite Zeile\ndritte"\n'
        '"Grundschule Nord";"iPad 10th gen";"2022-08-15";"Deployed";""\n'
    )
    assert problems_of(export) == [
        "export.csv:5: column Location: Standort „Grundschule Nord“ steht nicht in [schools] der Zuordnung mapping.toml"
    ]


def test_blank_lines_are_not_assets():
    result = imported(HEADER + "\n1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n\n")
    assert (result.assets, result.counted) == (1, 1)


def test_german_headings_through_the_mapping():
    text = MAPPING + '\n[columns]\nschool = "Standort"\nproduct_group = "Modell"\nacquired = "Kaufdatum"\nstatus = "Status"\n'
    export = "Name;Standort;Modell;Kaufdatum;Status\nX;GS Am Volkspark;iPad 10th gen;01.02.2023;Im Einsatz\n"
    assert inventory(imported(export, text, format="glpi"))[0]["acquired_year"] == "2023"


def test_format_defaults_name_the_columns():
    assert mapping(format="snipeit").columns["acquired"] == "Purchase Date"
    assert mapping(format="glpi").columns["acquired"] == "Date of purchase"
    export = "Name;Location;Model;Date of purchase;Status\nX;GS Am Volkspark;iPad 10th gen;2023-02-01;Im Einsatz\n"
    assert imported(export, format="glpi").checked().counted == 1


# --- refusals ----------------------------------------------------------------


def test_an_unmapped_school_is_one_problem_listing_its_lines_however_many():
    rows = "".join(f"{n},Grundschule Nord,iPad 10th gen,2022-08-15,Deployed\n" for n in range(3000))
    problems = problems_of(HEADER + "x,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n" + rows)
    assert problems == [
        "export.csv:3: column Location: Standort „Grundschule Nord“ steht nicht in [schools] der Zuordnung mapping.toml"
        " – in 3.000 Zeilen: 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 … und 2.990 weitere"
    ]


def test_every_problem_is_listed_each_located():
    export = (
        HEADER
        + "1,Grundschule Nord,iPad 10th gen,2022-08-15,Deployed\n"
        + "2,GS Am Volkspark,Surface Go,2022-08-15,Deployed\n"
        + "3,,iPad 10th gen,2022-08-15,Deployed\n"
        + "4,GS Am Volkspark,,gestern,Deployed\n"
        + "5,GS Am Volkspark,iPad 10th gen\n"
        + "6,Grundschule Nord,Surface Go,2022-08-15,Deployed\n"
    )
    assert problems_of(export) == [
        "export.csv:2: column Location: Standort „Grundschule Nord“ steht nicht in [schools] der Zuordnung mapping.toml – in 2 Zeilen: 2, 7",
        "export.csv:3: column Model: Modell „Surface Go“ steht nicht in [product_groups] der Zuordnung mapping.toml – in 2 Zeilen: 3, 7",
        "export.csv:4: column Location: Standort ist leer",
        "export.csv:5: column Model: Modell ist leer",
        "export.csv:5: column Purchase Date: Datum „gestern“ nicht lesbar (erwartet: JJJJ-MM-TT, auch mit Uhrzeit, TT.MM.JJJJ oder eine Jahreszahl)",
        "export.csv:6: 3 Felder statt 5 wie in der Kopfzeile",
    ]


def test_a_trailing_empty_field_is_no_problem_but_an_extra_value_is():
    assert problems_of(HEADER + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed,\n") == []
    assert problems_of(HEADER + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed,zu viel\n") == [
        "export.csv:2: 6 Felder statt 5 wie in der Kopfzeile"
    ]


def test_missing_and_doubled_columns_are_refused_at_the_header():
    assert problems_of("Asset Tag,Standort,Model,Purchase Date,Status\n1,GS Am Volkspark,iPad 10th gen,2022,x\n") == [
        "export.csv:1: column Location: Spalte fehlt; die Kopfzeile hat: „Asset Tag“, „Standort“, „Model“, „Purchase Date“, „Status“"
    ]
    assert problems_of("Location,Model,Model,Purchase Date,Status\n") == ["export.csv:1: column Model: Spalte kommt mehrfach vor"]


def test_unreadable_files_are_refused():
    assert problems_of(b"") == ["export.csv:1: Datei ist leer, die Kopfzeile fehlt"]
    latin1 = (HEADER + "1,GS Am Volkspark,iPad 10th gen,2022,Deployed\n2,Schule Süd,x,2022,x\n").encode("latin-1")
    assert problems_of(latin1) == [
        "export.csv:3: Datei ist nicht UTF-8-kodiert (in der Tabellenkalkulation als „CSV UTF-8“ speichern)"
    ]
    unclosed = HEADER + '1,GS Am Volkspark,iPad 10th gen,2022,Deployed\n2,"GS Am Volkspark,iPad 10th gen,2022,Deployed\n'
    assert problems_of(unclosed) == [
        "export.csv:3: Zeile nicht lesbar (ein Anführungszeichen wird nicht geschlossen); nichts danach wurde gelesen"
    ]


def test_checked_raises_with_every_problem():
    result = imported(HEADER + "1,Grundschule Nord,Surface Go,2022,Deployed\n")
    with pytest.raises(DataSetError) as excinfo:
        result.checked()
    assert len(excinfo.value.problems) == 2


# --- the mapping --------------------------------------------------------------


def mapping_problems(text: str, format: str | None = "snipeit") -> list[str]:
    return [str(p) for p in read_mapping(None, text=text, file="mapping.toml", format=format)[1]]


def test_mapping_problems_are_located_by_key():
    text = (
        "[columns]\n"  # 1
        'school = ""\n'  # 2
        'colour = "Farbe"\n'  # 3
        "[schools]\n"  # 4
        '"GS Am Volkspark" = ""\n'  # 5
        '"GS Nord" = 7\n'  # 6
        "[skip]\n"  # 7
        'statuses = "Archived"\n'  # 8
        "[extras]\n"  # 9
    )
    assert mapping_problems(text) == [
        "mapping.toml:2: key columns.school: muss der Name einer Spalte des Exports sein (ein nicht leerer Text)",
        "mapping.toml:3: key columns.colour: unbekannter Schlüssel (erlaubt: school, product_group, acquired, status)",
        'mapping.toml:5: key schools."GS Am Volkspark": keine school_id eingetragen',
        'mapping.toml:6: key schools."GS Nord": muss eine school_id als Text sein',
        'mapping.toml:8: key skip.statuses: muss eine Liste von Texten sein, z. B. ["Archived", "Ausgemustert"]',
        "mapping.toml:9: key extras: unbekannter Abschnitt (erlaubt: columns, schools, product_groups, skip)",
    ]


def test_mapping_that_is_no_toml_or_names_no_columns():
    assert mapping_problems('[schools]\n"GS" = \n') == ["mapping.toml:2: kein gültiges TOML (Invalid value)"]
    assert mapping_problems("[schools]\n", format=None) == [
        f"mapping.toml:1: key columns.{key}: Angabe fehlt: welche Spalte des Exports? (oder --format snipeit bzw. glpi angeben)"
        for key in ("school", "product_group", "acquired")
    ]


def test_an_unfilled_value_is_reported_in_the_mapping_only():
    text = MAPPING.replace('"Gymnasium Mitte" = "S002"', '"Gymnasium Mitte" = ""')
    mapped, problems = read_mapping(None, text=text, file="mapping.toml", format="snipeit")
    assert [str(p) for p in problems] == ['mapping.toml:3: key schools."Gymnasium Mitte": keine school_id eingetragen']
    result = import_assets((HEADER + "1,Gymnasium Mitte,iPad 10th gen,2022,Deployed\n").encode(), mapped)
    assert result.problems == [] and result.counted == 0


# --- the mapping template ----------------------------------------------------


def test_template_lists_every_unmapped_value_once_and_works_when_filled_in():
    export = (
        HEADER
        + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n"
        + "".join(f'{n},"Grundschule ""Nord""",Surface Go,2022-08-15,Deployed\n' for n in range(50))
        + "99,Schule = Süd,iPad 10th gen,2021,Deployed\n"
        + "100,Altbau,Surface Go,2021,Archived\n"
    )
    result = imported(export)
    template = result.template()
    table = tomllib.loads(template)
    assert table["columns"] == {"school": "Location", "product_group": "Model", "acquired": "Purchase Date", "status": "Status"}
    assert table["schools"] == {"GS Am Volkspark": "S001", "Gymnasium Mitte": "S002", 'Grundschule "Nord"': "", "Schule = Süd": ""}
    assert table["product_groups"] == {"iPad 10th gen": "ipad_pupils", "ThinkPad L14": "notebooks", "Surface Go": ""}
    assert table["skip"]["statuses"] == ["Archived", "Ausgemustert"]
    assert "Altbau" not in template  # only archived there
    assert "50 Geräte, zuerst in Zeile 3" in template
    # unfilled, the template is refused; filled in, the import goes through
    assert len(mapping_problems(template)) == 3
    filled = (
        template.replace('"Grundschule \\"Nord\\"" = ""', '"Grundschule \\"Nord\\"" = "S003"')
        .replace('"Schule = Süd" = ""', '"Schule = Süd" = "S004"')
        .replace('"Surface Go" = ""', '"Surface Go" = "notebooks"')
    )
    assert imported(export, filled).checked().counted == 52


# --- the command line ----------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    export, mapping_file = tmp_path / "export.csv", tmp_path / "mapping.toml"
    export.write_text(HEADER + "1,GS Am Volkspark,iPad 10th gen,2022-08-15,Deployed\n2,Grundschule Nord,iPad 10th gen,2022,Deployed\n", encoding="utf-8")
    mapping_file.write_text(MAPPING, encoding="utf-8")
    return export, mapping_file


def test_cli_refuses_with_every_problem_and_writes_nothing(files, tmp_path, capsys):
    export, mapping_file = files
    out = tmp_path / "inventory.csv"
    out.write_text("vorher\n", encoding="utf-8")
    code = main(["import-assets", str(export), "--mapping", str(mapping_file), "--format", "snipeit", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    assert captured.out.splitlines() == [
        "export.csv:3: column Location: Standort „Grundschule Nord“ steht nicht in [schools] der Zuordnung mapping.toml"
    ]
    assert "1 Problem beim Import" in captured.err
    assert out.read_text(encoding="utf-8") == "vorher\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "inventory.csv", "mapping.toml"]


def test_cli_writes_the_template_then_the_filled_in_mapping_imports(files, tmp_path, capsys):
    export, mapping_file = files
    template, out = tmp_path / "neu.toml", tmp_path / "inventory.csv"
    code = main([
        "import-assets", str(export), "--mapping", str(mapping_file), "--format", "snipeit",
        "--out", str(out), "--write-mapping-template", str(template),
    ])  # fmt: skip
    assert code == EXIT_PROBLEMS and not out.exists()
    assert "1 Standort und 0 Modelle einzutragen" in capsys.readouterr().err
    template.write_text(template.read_text(encoding="utf-8").replace('"Grundschule Nord" = ""', '"Grundschule Nord" = "S009"'), encoding="utf-8")
    code = main(["import-assets", str(export), "--mapping", str(template), "--out", str(out)])
    assert code == EXIT_OK
    assert out.read_text(encoding="utf-8").splitlines()[1:] == ["S001,ipad_pupils,1,2022,,", "S009,ipad_pupils,1,2022,,"]
    assert "2 Geräte gelesen, 2 gezählt, 0 nicht gezählt." in capsys.readouterr().err


def test_cli_first_template_needs_no_mapping(files, tmp_path):
    export, _ = files
    template = tmp_path / "erste.toml"
    assert main(["import-assets", str(export), "--format", "snipeit", "--write-mapping-template", str(template)]) == EXIT_PROBLEMS
    assert tomllib.loads(template.read_text(encoding="utf-8"))["schools"] == {"GS Am Volkspark": "", "Grundschule Nord": ""}


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "--out oder --write-mapping-template angeben"),
        (["--out", "x.csv", "--write-mapping-template", "MAPPING"], "die Vorlage würde die Zuordnung überschreiben"),
    ],
)
def test_cli_wrong_calls_exit_64(files, capsys, extra, message):
    export, mapping_file = files
    extra = [str(mapping_file) if part == "MAPPING" else part for part in extra]
    assert main(["import-assets", str(export), "--mapping", str(mapping_file), *extra]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_cli_without_mapping_or_format_exits_64(files, capsys):
    export, _ = files
    assert main(["import-assets", str(export), "--out", "x.csv"]) == EXIT_USAGE
    assert "--mapping oder --format angeben" in capsys.readouterr().err


def test_cli_missing_export_is_a_problem(tmp_path, files, capsys):
    _, mapping_file = files
    code = main(["import-assets", str(tmp_path / "fehlt.csv"), "--mapping", str(mapping_file), "--format", "snipeit", "--out", str(tmp_path / "i.csv")])
    assert code == EXIT_PROBLEMS
    assert capsys.readouterr().out.splitlines() == ["fehlt.csv: Datei nicht gefunden"]


def test_targets_the_data_set_lacks_are_located_in_the_mapping():
    result = imported(HEADER + "1,GS Am Volkspark,iPad 10th gen,2022,Deployed\n2,Gymnasium Mitte,ThinkPad L14,2022,Deployed\n")
    assert [str(p) for p in result.unknown_targets({"S001"}, {"ipad_pupils", "notebooks"})] == [
        'mapping.toml:3: key schools."Gymnasium Mitte": school_id S002 steht nicht in schools.csv'
    ]
    assert [str(p) for p in result.unknown_targets(None, {"ipad_pupils"})] == [
        'mapping.toml:7: key product_groups."ThinkPad L14": product_group notebooks steht nicht in catalog.csv'
    ]
    assert result.unknown_targets({"S001", "S002"}, None) == []


def test_excels_sep_line_names_the_delimiter_and_lines_still_count_from_the_top():
    export = "sep=;\r\nLocation;Model;Purchase Date;Status\r\nGS Am Volkspark;iPad 10th gen;2022,5;Deployed\r\nGS Am Volkspark;iPad 10th gen;2022;Deployed\r\n"
    result = imported(export)
    assert result.delimiter == ";"
    assert [str(p) for p in result.problems] == [
        "export.csv:3: column Purchase Date: Datum „2022,5“ nicht lesbar (erwartet: JJJJ-MM-TT, auch mit Uhrzeit, TT.MM.JJJJ oder eine Jahreszahl)"
    ]
    assert problems_of("sep=,\nLocation,Modell\n")[0].startswith("export.csv:2: column Model: Spalte fehlt")


def test_cli_lists_mapping_and_export_problems_together_unless_the_columns_are_unknown(files, capsys):
    export, mapping_file = files
    out = str(export.parent / "inventory.csv")
    mapping_file.write_text(MAPPING + "\n[columns]\ncolour = \"Farbe\"\n", encoding="utf-8")
    assert main(["import-assets", str(export), "--mapping", str(mapping_file), "--format", "snipeit", "--out", out]) == EXIT_PROBLEMS
    assert capsys.readouterr().out.splitlines() == [
        "mapping.toml:13: key columns.colour: unbekannter Schlüssel (erlaubt: school, product_group, acquired, status)",
        "export.csv:3: column Location: Standort „Grundschule Nord“ steht nicht in [schools] der Zuordnung mapping.toml",
    ]
    assert main(["import-assets", str(export), "--mapping", str(mapping_file), "--out", out]) == EXIT_PROBLEMS
    assert [line.split(": key ")[1][:22] for line in capsys.readouterr().out.splitlines()] == [
        "columns.school: Angabe",  # at [columns], the line above
        "columns.product_group:",
        "columns.acquired: Anga",
        "columns.colour: unbeka",
    ]


def test_import_assets_runs_without_loading_pandas(tmp_path):
    """A planner's import is a pass over a CSV file: pandas' second of start-up is not needed."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from portal.engine.cli import main\n"
        f"code = main(['import-assets', {str(DEMO_ASSETS / 'glpi-export.csv')!r}, '--format', 'glpi',\n"
        f"    '--mapping', {str(DEMO_ASSETS / 'glpi-mapping.toml')!r}, '--out', {str(tmp_path / 'inventory.csv')!r}])\n"
        "print(code, 'pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-3:] == [str(EXIT_OK), "False", "False"]
    assert (tmp_path / "inventory.csv").read_text(encoding="utf-8").startswith("school_id,")
