"""Bad data (contract: "Bad data"): every class of problem, with its exact location."""

from __future__ import annotations

import pytest

from portal.engine.dataset import Column, DataSetError, TableSpec, load_dataset
from portal.engine.testing import PLAN, TINY, load_tiny, write_dataset


def problems_of(tmp_path, plan=PLAN, **tables) -> list[str]:
    with pytest.raises(DataSetError) as refused:
        load_tiny(tmp_path / "data", plan=plan, **tables)
    return [str(p) for p in refused.value.problems]


SCHOOLS_HEADER = "school_id,name,school_type,pupils,teachers,district\n"
CATALOG_HEADER = "product_group,label,category,useful_life_years,unit_cost_eur,pupil_device,teacher_device\n"
INVENTORY_HEADER = "school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years\n"
RECURRING_HEADER = "item,product_group,annual_cost_eur,from_year,to_year,annual_increase_pct\n"


def test_valid_data_set_is_read_typed_and_indexed_by_line(tmp_path):
    dataset = load_tiny(tmp_path)
    schools = dataset.tables["schools"]
    assert schools["pupils"].tolist() == [100, 50]
    assert schools.index.tolist() == [2, 3]
    assert dataset.tables["catalog"]["pupil_device"].tolist() == [True, False]
    assert dataset.cycle_name == "Testzyklus"
    assert dataset.horizon == (2025, 2027)
    assert len(dataset.fingerprint) == 64


def test_missing_required_file(tmp_path):
    assert problems_of(tmp_path, inventory=None) == [
        "inventory.csv: Datei fehlt (je Zeile ein Bestand einer Produktgruppe an einer Schule, in einem Jahr "
        "angeschafft; Spalten: school_id, product_group, quantity, acquired_year, unit_cost_eur, useful_life_years)"
    ]


def test_missing_optional_file_is_fine(tmp_path):
    dataset = load_tiny(tmp_path, recurring=None)
    assert dataset.table("recurring") is None


def test_missing_plan(tmp_path):
    assert problems_of(tmp_path, plan=None) == [
        "plan.toml: Datei fehlt (die Einstellungen des Zyklus: [cycle] mit name, baseline, horizon, price_base_year, "
        "price_increase_pct und [targets.device_ratio_pct])"
    ]


def test_missing_column(tmp_path):
    schools = "school_id,name,school_type,pupils\nS1,A,Grundschule,10\nS2,B,Gymnasium,20\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:1: column teachers: Spalte fehlt"]


def test_missing_optional_column_reads_as_not_given(tmp_path):
    inventory = "school_id,product_group,quantity,acquired_year\nS1,ipad,3,2022\n"
    dataset = load_tiny(tmp_path, inventory=inventory)
    assert dataset.tables["inventory"]["unit_cost_eur"].isna().all()


def test_wrong_type(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschule,100,8,\nS2,B,Gymnasium,viele,5,\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:3: column pupils: keine ganze Zahl: 'viele'"]


def test_decimal_comma_is_explained(tmp_path):
    catalog = CATALOG_HEADER + "ipad,iPads,hardware,2,\"100,50\",true,false\nnet,Netz,infrastructure,10,1000,false,false\n"
    assert problems_of(tmp_path, catalog=catalog) == [
        "catalog.csv:2: column unit_cost_eur: keine Dezimalzahl (Dezimaltrennzeichen ist der Punkt): '100,50'"
    ]


def test_bad_boolean(tmp_path):
    catalog = CATALOG_HEADER + "ipad,iPads,hardware,2,100,vielleicht,false\nnet,Netz,infrastructure,10,1000,false,false\n"
    assert problems_of(tmp_path, catalog=catalog) == [
        "catalog.csv:2: column pupil_device: nicht true oder false: 'vielleicht'"
    ]


def test_out_of_range(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschule,-5,8,\nS2,B,Gymnasium,50,5,\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:2: column pupils: kleiner als 0: '-5'"]


def test_useful_life_below_one(tmp_path):
    inventory = INVENTORY_HEADER + "S1,ipad,3,2022,,0\n"
    assert problems_of(tmp_path, inventory=inventory) == [
        "inventory.csv:2: column useful_life_years: kleiner als 1: '0'"
    ]


def test_value_not_among_choices(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschul,100,8,\nS2,B,Gymnasium,50,5,\n"
    (problem,) = problems_of(tmp_path, schools=schools)
    assert problem.startswith("schools.csv:2: column school_type: nicht erlaubt (erlaubt: Grundschule, Hauptschule")


def test_empty_required_cell(tmp_path):
    schools = SCHOOLS_HEADER + "S1,,Grundschule,100,8,\nS2,B,Gymnasium,50,5,\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:2: column name: Wert fehlt"]


def test_duplicate_key(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschule,100,8,\nS2,B,Gymnasium,50,5,\nS1,C,Realschule,70,5,\n"
    assert problems_of(tmp_path, schools=schools) == [
        "schools.csv:4: column school_id: doppelter Schlüssel 'S1' (zuerst in Zeile 2)"
    ]


def test_unknown_school(tmp_path):
    inventory = INVENTORY_HEADER + "S1,ipad,3,2022,,\nS9,ipad,3,2022,,\n"
    assert problems_of(tmp_path, inventory=inventory) == [
        "inventory.csv:3: column school_id: unbekannte Schule 'S9' (nicht in schools.csv, Spalte school_id)"
    ]


def test_unknown_product_group_in_inventory_and_recurring(tmp_path):
    inventory = INVENTORY_HEADER + "S1,ipod,3,2022,,\n"
    recurring = RECURRING_HEADER + "Internet,,100,2025,,\nLizenzen,lizenz,50,2025,,\n"
    assert problems_of(tmp_path, inventory=inventory, recurring=recurring) == [
        "inventory.csv:2: column product_group: unbekannte Produktgruppe 'ipod' (nicht in catalog.csv, Spalte product_group)",
        "recurring.csv:3: column product_group: unbekannte Produktgruppe 'lizenz' (nicht in catalog.csv, Spalte product_group)",
    ]


def test_acquired_after_baseline(tmp_path):
    inventory = INVENTORY_HEADER + "S1,ipad,3,2025,,\n"
    assert problems_of(tmp_path, inventory=inventory) == [
        "inventory.csv:2: column acquired_year: liegt nach dem Stichtag 31.12.2024"
    ]


def test_to_year_before_from_year(tmp_path):
    recurring = RECURRING_HEADER + "Internet,,100,2026,2025,\n"
    assert problems_of(tmp_path, recurring=recurring) == ["recurring.csv:2: column to_year: liegt vor from_year"]


def test_row_with_too_many_fields(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschule,100,8,\nS2,B,Gymnasium,50,5,,zu viel\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:3: 7 Felder statt 6 wie in der Kopfzeile"]


def test_file_not_utf8(tmp_path):
    folder = write_dataset(tmp_path / "data")
    (folder / "schools.csv").write_bytes((SCHOOLS_HEADER + "S1,Schüle,Grundschule,100,8,\n").encode("latin-1"))
    with pytest.raises(DataSetError) as refused:
        load_dataset(folder, specs=[])
    assert [str(p) for p in refused.value.problems] == [
        "schools.csv:2: Datei ist nicht UTF-8-kodiert. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ "
        "speichern oder die Excel-Vorlage verwenden."
    ]


def test_bom_blank_lines_and_extra_columns_are_accepted_with_true_line_numbers(tmp_path):
    schools = "\ufeffschool_id,name,school_type,pupils,teachers,note\nS1,A,Grundschule,100,8,x\n\nS2,B,Gymnasium,-1,5,y\n"
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:4: column pupils: kleiner als 0: '-1'"]


def test_quoted_cell_over_two_lines_keeps_line_numbers(tmp_path):
    schools = SCHOOLS_HEADER + 'S1,"Schule\nam Park",Grundschule,100,8,\nS2,B,Gymnasium,x,5,\n'
    assert problems_of(tmp_path, schools=schools) == ["schools.csv:4: column pupils: keine ganze Zahl: 'x'"]


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (PLAN.replace('price_base_year = 2025', 'price_base_year = 20 25'), "plan.toml:5: kein gültiges TOML"),
        (PLAN.replace('horizon = [2025, 2027]\n', ''), "plan.toml:1: column cycle.horizon: Angabe fehlt"),
        (PLAN.replace('[2025, 2027]', '[2027, 2025]'), "plan.toml:4: column cycle.horizon: das erste Jahr liegt nach dem letzten"),
        (PLAN.replace('[2025, 2027]', '"2025–2027"'), "plan.toml:4: column cycle.horizon: muss aus zwei Jahreszahlen bestehen"),
        (PLAN.replace('baseline = 2024-12-31', 'baseline = "Ende 2024"'), "plan.toml:3: column cycle.baseline: muss ein Datum sein"),
        (PLAN.replace('price_increase_pct = 0.0', 'price_increase_pct = "2 %"'), "plan.toml:6: column cycle.price_increase_pct: muss eine Zahl sein"),
        (PLAN.replace('Grundschule = 25', 'Grundschulen = 25'), "plan.toml:9: column targets.device_ratio_pct.Grundschulen: unbekannte Schulform"),
        (PLAN.replace('Berufskolleg = 75', 'Berufskolleg = -75'), "plan.toml:10: column targets.device_ratio_pct.Berufskolleg: muss eine Zahl ≥ 0 sein"),
        (PLAN.split("[targets")[0], "plan.toml: column targets.device_ratio_pct: Abschnitt [targets.device_ratio_pct] fehlt"),
        (PLAN.replace("[cycle]", "[zyklus]"), "plan.toml: column cycle: Abschnitt [cycle] fehlt"),
        (PLAN.replace("default = 100\n", ""), "plan.toml:8: column targets.device_ratio_pct: kein Zielwert für Gymnasium und kein default"),
    ],
    ids=["syntax", "missing-key", "reversed-horizon", "horizon-type", "baseline", "price-increase", "unknown-type", "negative-target", "no-targets", "no-cycle", "no-default"],
)
def test_bad_plan(tmp_path, plan, expected):
    found = problems_of(tmp_path, plan=plan)
    assert len(found) == 1
    assert found[0].startswith(expected), found


def test_several_problems_in_several_files_are_all_reported(tmp_path):
    schools = SCHOOLS_HEADER + "S1,A,Grundschule,100,8,\nS1,B,Gymnasium,x,5,\n"
    catalog = CATALOG_HEADER + "ipad,iPads,hardware,0,100,true,false\nnet,Netz,infrastructure,10,1000,false,false\n"
    inventory = INVENTORY_HEADER + "S1,ipad,3,2022,,\nS7,net,-1,2030,,\n"
    assert problems_of(tmp_path, schools=schools, catalog=catalog, inventory=inventory) == [
        "schools.csv:3: column school_id: doppelter Schlüssel 'S1' (zuerst in Zeile 2)",
        "schools.csv:3: column pupils: keine ganze Zahl: 'x'",
        "catalog.csv:2: column useful_life_years: kleiner als 1: '0'",
        "inventory.csv:3: column quantity: kleiner als 0: '-1'",
        "inventory.csv:3: column school_id: unbekannte Schule 'S7' (nicht in schools.csv, Spalte school_id)",
        "inventory.csv:3: column acquired_year: liegt nach dem Stichtag 31.12.2024",
    ]


def test_plugin_table_is_checked_like_a_core_table(tmp_path):
    tickets = TableSpec(
        "tickets",
        columns=(
            Column("school_id", references=("schools", "school_id")),
            Column("opened", "date"),
            Column("minutes", "decimal", required=False, min=0),
        ),
    )
    folder = write_dataset(tmp_path / "data", tickets="school_id,opened,minutes\nS1,2024-02-30,5\nS3,2024-03-01,\n")
    with pytest.raises(DataSetError) as refused:
        load_dataset(folder, specs=[tickets])
    assert [str(p) for p in refused.value.problems] == [
        "tickets.csv:2: column opened: kein Datum (JJJJ-MM-TT): '2024-02-30'",
        "tickets.csv:3: column school_id: unbekannte Schule 'S3' (nicht in schools.csv, Spalte school_id)",
    ]


def test_required_plugin_table_missing(tmp_path):
    spec = TableSpec("annual_reviews", columns=(Column("school_id"),), required=True)
    folder = write_dataset(tmp_path / "data")
    with pytest.raises(DataSetError) as refused:
        load_dataset(folder, specs=[spec])
    assert [str(p) for p in refused.value.problems] == ["annual_reviews.csv: Datei fehlt (Spalten: school_id)"]


def test_data_path_that_does_not_exist(tmp_path):
    with pytest.raises(DataSetError) as refused:
        load_dataset(tmp_path / "nirgends", specs=[])
    assert [str(p) for p in refused.value.problems] == ["nirgends: Datei oder Ordner nicht gefunden"]


def test_fingerprint_is_stable_and_follows_the_content(tmp_path):
    first = load_tiny(tmp_path / "a").fingerprint
    assert load_tiny(tmp_path / "b").fingerprint == first
    changed = load_tiny(tmp_path / "c", schools=TINY["schools"].replace("100", "101")).fingerprint
    assert changed != first


def test_spaces_around_values_are_ignored(tmp_path):
    schools = SCHOOLS_HEADER + "S1, Schule A ,Grundschule, 100 ,8,\nS2,B,Gymnasium,50,5,\n"
    dataset = load_tiny(tmp_path, schools=schools)
    assert dataset.tables["schools"]["pupils"].tolist() == [100, 50]
    assert dataset.tables["schools"]["name"].tolist() == ["Schule A", "B"]


def test_booleans_in_any_case(tmp_path):
    catalog = CATALOG_HEADER + "ipad,iPads,hardware,2,100,TRUE,Falsch\nnet,Netz,infrastructure,10,1000,0,ja\n"
    dataset = load_tiny(tmp_path, catalog=catalog)
    assert dataset.tables["catalog"]["pupil_device"].tolist() == [True, False]
    assert dataset.tables["catalog"]["teacher_device"].tolist() == [False, True]
