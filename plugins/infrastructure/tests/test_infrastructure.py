"""Infrastructure figures on tiny data, every number checked by hand."""

from __future__ import annotations

import pytest

from plugins.infrastructure import compute
from portal.engine.testing import load_tiny

SCHOOLS = """\
school_id,name,school_type,pupils,teachers
G1,Grundschule A,Grundschule,101,8
G2,Grundschule B,Grundschule,100,8
Y1,Gymnasium A,Gymnasium,50,5
Y2,Gymnasium B,Gymnasium,30,5
B1,Berufskolleg A,Berufskolleg,40,5
K1,Klinikschule A,Klinikschule,0,2
"""
CATALOG = """\
product_group,label,category,useful_life_years,unit_cost_eur,pupil_device,teacher_device
ipad,iPads,hardware,5,400,true,false
notebook,Notebooks,hardware,5,900,true,false
ipad_t,iPads Lehrkräfte,hardware,5,600,false,true
wlan,WLAN,infrastructure,10,800,false,false
"""
# G1 60, G2 40, Y1 45, Y2 10, B1 30, K1 3 pupil devices; teacher iPads and WLAN do not count
INVENTORY = """\
school_id,product_group,quantity,acquired_year
G1,ipad,50,2022
G1,notebook,10,2021
G2,ipad,40,2022
Y1,ipad,45,2023
Y2,ipad,10,2023
B1,ipad,30,2020
K1,ipad,3,2020
Y1,ipad_t,5,2022
G1,wlan,4,2018
"""


@pytest.fixture
def dataset(tmp_path):
    return load_tiny(tmp_path, schools=SCHOOLS, catalog=CATALOG, inventory=INVENTORY, recurring=None)


def test_device_ratio_per_school_type_present(dataset):
    table = compute.device_ratio(dataset)
    assert list(table.columns) == ["school_type", "schools", "pupils", "pupil_devices", "ratio_pct", "target_pct", "missing_devices"]
    rows = {row.school_type: row for row in table.itertuples()}
    assert list(rows) == ["Grundschule", "Gymnasium", "Berufskolleg", "Klinikschule"]
    # Grundschule: 100 devices / 201 pupils = 49.75…% → 49.8; target 25 → ⌈50.25⌉ = 51 needed, none missing
    assert (rows["Grundschule"].schools, rows["Grundschule"].pupils, rows["Grundschule"].pupil_devices) == (2, 201, 100)
    assert (rows["Grundschule"].ratio_pct, rows["Grundschule"].target_pct, rows["Grundschule"].missing_devices) == (49.8, 25.0, 0)
    # Gymnasium: 55 / 80 = 68.75 → 68.8 (half up); default target 100 → 25 missing
    assert (rows["Gymnasium"].ratio_pct, rows["Gymnasium"].target_pct, rows["Gymnasium"].missing_devices) == (68.8, 100.0, 25)
    # Berufskolleg: 30 / 40 = 75 %; target 75 → ⌈30⌉ = 30, none missing
    assert (rows["Berufskolleg"].ratio_pct, rows["Berufskolleg"].missing_devices) == (75.0, 0)


def test_school_type_without_pupils_has_empty_ratio_and_nothing_missing(dataset):
    row = compute.device_ratio(dataset).set_index("school_type").loc["Klinikschule"]
    assert row["pupils"] == 0 and row["pupil_devices"] == 3
    assert row["ratio_pct"] != row["ratio_pct"]  # NaN: written as an empty cell
    assert row["missing_devices"] == 0


def test_missing_devices_round_the_need_up(tmp_path):
    schools = "school_id,name,school_type,pupils,teachers\nG1,A,Grundschule,101,8\n"
    inventory = "school_id,product_group,quantity,acquired_year\nG1,ipad,20,2022\n"
    dataset = load_tiny(tmp_path, schools=schools, inventory=inventory, recurring=None)
    # ⌈25 · 101 / 100⌉ = ⌈25.25⌉ = 26; 26 − 20 = 6
    assert compute.device_ratio(dataset)["missing_devices"].tolist() == [6]


def test_school_ratios_show_devices_above_and_below_target(dataset):
    table = compute.school_ratios(dataset).set_index("school_id")
    # G1 60 − ⌈25.25⌉ = 34 · G2 40 − 25 = 15 · Y1 45 − 50 = −5 · Y2 10 − 30 = −20 · B1 30 − 30 = 0 · K1 3 − 0 = 3
    assert table["devices_vs_target"].to_dict() == {"G1": 34, "G2": 15, "Y1": -5, "Y2": -20, "B1": 0, "K1": 3}
    assert table.loc["G1", "ratio_pct"] == 59.4
    assert table.loc["Y2", "target_pct"] == 100.0


def test_redistribution_covers_the_deficit_without_taking_a_donor_below_target(dataset):
    ratios = compute.school_ratios(dataset)
    table = compute.redistribution(ratios)
    # deficit 25 (Y2 20, Y1 5), surplus 52 (G1 34, G2 15, K1 3): G1 alone covers it, largest first
    assert table[["from_school_id", "to_school_id", "devices"]].values.tolist() == [["G1", "Y2", 20], ["G1", "Y1", 5]]
    assert table["from_school_type"].tolist() == ["Grundschule", "Grundschule"]


def test_redistribution_moves_only_the_surplus_when_it_is_short(tmp_path):
    schools = """\
    school_id,name,school_type,pupils,teachers
    G1,A,Grundschule,100,8
    G2,B,Grundschule,100,8
    Y1,C,Gymnasium,50,5
    Y2,D,Gymnasium,40,5
    """
    inventory = """\
    school_id,product_group,quantity,acquired_year
    G1,ipad,30,2022
    G2,ipad,28,2022
    Y1,ipad,40,2022
    Y2,ipad,35,2022
    """
    dataset = load_tiny(tmp_path, schools=schools, inventory=inventory, recurring=None)
    table = compute.redistribution(compute.school_ratios(dataset))
    # surplus G1 5, G2 3 = 8; deficit Y1 10, Y2 5 = 15: all 8 move, G1 → Y1 5, G2 → Y1 3
    assert table[["from_school_id", "to_school_id", "devices"]].values.tolist() == [["G1", "Y1", 5], ["G2", "Y1", 3]]
    after = compute.school_ratios(dataset).set_index("school_id")["devices_vs_target"]
    given = table.groupby("from_school_id")["devices"].sum()
    assert all(after[school] - given[school] >= 0 for school in given.index)


def test_no_redistribution_when_nobody_is_short(tmp_path):
    dataset = load_tiny(tmp_path, inventory="school_id,product_group,quantity,acquired_year\nS1,ipad,30,2022\nS2,ipad,50,2022\n")
    table = compute.redistribution(compute.school_ratios(dataset))
    assert table.empty
    assert "devices" in table.columns


def test_equipment_by_category(dataset):
    table = compute.equipment(dataset)
    assert table[["category", "product_group", "quantity", "schools", "value_eur"]].values.tolist() == [
        ["infrastructure", "wlan", 4, 1, 3200.0],
        ["hardware", "ipad", 178, 6, 71200.0],
        ["hardware", "notebook", 10, 1, 9000.0],
        ["hardware", "ipad_t", 5, 1, 3000.0],
    ]
    assert table["category_label"].tolist()[0] == "Infrastruktur"


def test_all_figures_with_summaries(dataset):
    figures = {f.key: f for f in compute.figures(dataset)}
    assert list(figures) == [info.key for info in compute.CATALOG]
    ratio = figures["infrastructure.device_ratio"]
    assert "<title" in ratio.svg and "<desc" in ratio.svg
    # 188 devices for 321 pupils = 58.56… %
    assert ratio.summary.startswith("Über alle Schulen kommen 58,6 % Schüler-Endgeräte auf 100 Schülerinnen und Schüler")
    assert "unter ihrem Ziel liegen Gymnasium mit zusammen 25 fehlenden Geräten" in ratio.summary
    assert figures["infrastructure.overall_ratio"].data["ratio_pct"].tolist() == [58.6]
    assert "25 der 25 fehlenden Geräte" in figures["infrastructure.redistribution"].summary


def test_empty_stock_and_no_pupils_give_figures_not_errors(tmp_path):
    dataset = load_tiny(
        tmp_path,
        schools="school_id,name,school_type,pupils,teachers\nS1,A,Grundschule,0,0\n",
        inventory="school_id,product_group,quantity,acquired_year\n",
        recurring=None,
    )
    figures = {f.key: f for f in compute.figures(dataset)}
    assert figures["infrastructure.device_ratio"].summary.startswith("Der Datensatz enthält keine Schülerinnen und Schüler")
    assert figures["infrastructure.redistribution"].data.empty
    assert figures["infrastructure.equipment"].summary == "Der Bestand ist leer."
