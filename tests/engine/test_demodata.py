"""The demo data reproduce the plan's published figures (Abb. 5, Abb. 6, 75 % ratio)."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from content.demodata import generate
from plugins.finance import compute as finance
from plugins.infrastructure import compute as infrastructure
from portal.engine.dataset import load_dataset
from portal.engine.plugins import get_plugin_manager

#: Abb. 6 – Produktgruppen der technischen Ausstattung (Bezugsjahre 2025 bis 2034)
ABB_6 = {
    "Internetanbindung": 6.16,
    "iPads Schülerinnen & Schüler": 48.31,
    "Multi-Touch-Displays": 17.76,
    "Baukosten für digitale Infrastruktur": 7.53,
    "iMacs": 0.71,
    "MacBooks & Mac minis": 0.39,
    "Drucker": 0.29,
    "Notebooks": 1.7,
    "Basisinfrastruktur (LAN, WLAN)": 4.09,
    "Software (inkl. Microsoft365)": 2.94,
    "Peripherie & Multifunktionsgeräte": 1.88,
    "iPads Lehrkräfte": 6.27,
    "PCs & Monitore": 1.7,
    "Mobile Beamer": 0.26,
}


@pytest.fixture(scope="module")
def demo(demo_data):
    """The demo data set, validated by every installed plugin."""
    return load_dataset(demo_data, pm=get_plugin_manager())


def test_every_product_group_is_within_half_a_point_of_abb_6(demo):
    shares = finance.product_groups(demo).set_index("label")["share_pct"]
    assert set(shares.index) == set(ABB_6)
    for label, published in ABB_6.items():
        assert abs(shares[label] - published) <= 0.5, (label, shares[label], published)


def test_the_three_highest_investment_years_are_2027_2031_2032(demo):
    investment = finance.forecast(demo).set_index("year")["investment_eur"]
    assert sorted(investment.nlargest(3).index) == [2027, 2031, 2032]


def test_pupil_device_ratio_over_all_schools_is_75_percent(demo):
    table = infrastructure.device_ratio(demo)
    ratio = table["pupil_devices"].sum() / table["pupils"].sum() * 100
    assert 73 <= ratio <= 77


def test_80_schools_of_bochums_types_with_synthetic_names(demo):
    schools = demo.tables["schools"]
    assert len(schools) == 80
    counts = schools["school_type"].value_counts()
    assert counts["Grundschule"] == 50
    assert set(counts.index) == {
        "Grundschule", "Förderschule", "Hauptschule", "Realschule", "Sekundarschule",
        "Gesamtschule", "Gymnasium", "Berufskolleg", "Weiterbildungskolleg",
    }
    assert schools["name"].str.startswith("Beispielschule ").all()
    assert "Beispielschule Grundschule 01" in set(schools["name"])


def test_data_set_says_it_is_synthetic(demo, demo_data):
    assert demo.synthetic is True
    assert demo.cycle_name == "2025–2026 (Beispieldaten)"
    assert "Synthetische Beispieldaten" in (demo_data / "plan.toml").read_text(encoding="utf-8")
    assert demo.plan["targets"]["device_ratio_pct"] == {"Grundschule": 25, "Berufskolleg": 75, "Förderschule": 100, "default": 100}


def test_every_plugins_tables_are_generated(demo):
    pm = get_plugin_manager()
    declared = {spec.name for specs in pm.hook.mep_tables() for spec in specs}
    assert declared <= set(demo.tables)


def test_same_seed_same_files_other_seed_other_files(tmp_path, demo_data):
    again = generate(tmp_path / "again")
    for path in demo_data.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    other = generate(tmp_path / "other", seed=7)
    assert (other / "inventory.csv").read_bytes() != (demo_data / "inventory.csv").read_bytes()


def test_variant_2027_is_a_later_cycle_of_the_same_schools(tmp_path, demo):
    later = load_dataset(generate(tmp_path / "later", variant="2027"), pm=get_plugin_manager())
    assert later.cycle_name == "2027–2028 (Beispieldaten)"
    assert later.horizon == (2027, 2036)
    assert str(later.baseline) == "2026-12-31"
    assert later.synthetic
    assert later.tables["schools"]["school_id"].tolist() == demo.tables["schools"]["school_id"].tolist()
    before = demo.tables["inventory"]
    after = later.tables["inventory"]
    assert after["acquired_year"].max() == 2026  # replaced or added in 2025–2026
    ipads = lambda inv: inv.loc[inv["product_group"] == "ipad_pupils", "quantity"].sum()  # noqa: E731
    assert ipads(after) > ipads(before)


def test_scale_multiplies_the_schools(tmp_path):
    scaled = generate(tmp_path / "scaled", scale=3)
    schools = pd.read_csv(scaled / "schools.csv")
    assert len(schools) == 240
    assert schools["school_id"].is_unique
    plan = tomllib.loads((scaled / "plan.toml").read_text(encoding="utf-8"))
    assert plan["cycle"]["synthetic"] is True
    dataset = load_dataset(scaled, pm=get_plugin_manager(only={"finance", "infrastructure"}))
    shares = finance.product_groups(dataset).set_index("label")["share_pct"]
    assert all(abs(shares[label] - published) <= 0.5 for label, published in ABB_6.items())


def test_command_line(tmp_path, capsys):
    from content.demodata.__main__ import main

    assert main([str(tmp_path / "cli"), "--variant", "2027", "--seed", "3"]) == 0
    assert (tmp_path / "cli" / "plan.toml").read_text(encoding="utf-8").count("2027–2028 (Beispieldaten)") == 1
