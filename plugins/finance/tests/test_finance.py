"""Finance figures on tiny data, every number checked by hand."""

from __future__ import annotations

import pytest

from plugins.finance import compute
from portal.engine.testing import PLAN, load_tiny

CATALOG = """\
product_group,label,category,useful_life_years,unit_cost_eur,pupil_device,teacher_device
ipad,iPads,hardware,5,400,true,false
display,Displays,hardware,8,3000,false,false
net,Netz,infrastructure,10,1000,false,false
m365,Software,software,1,0,false,false
"""
INVENTORY = """\
school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years
S1,ipad,10,2020,,
S2,ipad,2,2024,500,3
S1,display,1,2019,,
S2,net,1,2010,,
"""
RECURRING = """\
item,product_group,annual_cost_eur,from_year,to_year,annual_increase_pct
Lizenzen,m365,100,2023,,10
Personal,,1000,2025,2026,
"""
HORIZON_2025_2034 = PLAN.replace("horizon = [2025, 2027]", "horizon = [2025, 2034]")


@pytest.fixture
def dataset(tmp_path):
    return load_tiny(tmp_path, plan=HORIZON_2025_2034, catalog=CATALOG, inventory=INVENTORY, recurring=RECURRING)


def test_each_row_is_replaced_every_useful_life_within_the_horizon(dataset):
    rows = compute.replacement_costs(dataset).sort_values(["year", "product_group"])
    # ipad 2020 (life 5): 2025, 2030 · ipad 2024 (override life 3, cost 500): 2027, 2030, 2033
    # display 2019 (life 8): 2027 · net 2010 (life 10): 2030 (2020 lies before the horizon)
    assert list(zip(rows["year"], rows["product_group"], rows["investment_eur"], strict=True)) == [
        (2025, "ipad", 4000.0),
        (2027, "display", 3000.0),
        (2027, "ipad", 1000.0),
        (2030, "ipad", 4000.0),
        (2030, "ipad", 1000.0),
        (2030, "net", 1000.0),
        (2033, "ipad", 1000.0),
    ]


def test_forecast_adds_recurring_costs_with_their_increase(dataset):
    table = compute.forecast(dataset)
    assert list(table.columns) == ["year", "investment_eur", "recurring_eur", "total_eur"]
    assert table["year"].tolist() == list(range(2025, 2035))
    by_year = table.set_index("year")
    # licences: 100 · 1.1^(y − 2023); personnel 1000 in 2025 and 2026 only
    assert by_year.loc[2025, "recurring_eur"] == 1121.0
    assert by_year.loc[2026, "recurring_eur"] == 1133.1
    assert by_year.loc[2027, "recurring_eur"] == 146.41
    assert by_year.loc[2027, "investment_eur"] == 4000.0
    assert by_year.loc[2027, "total_eur"] == 4146.41
    assert by_year.loc[2034, "recurring_eur"] == 285.31  # 100 · 1.1^11 = 285.311…
    assert by_year.loc[2026, "investment_eur"] == 0.0


def test_price_increase_compounds_from_the_price_base_year(tmp_path):
    plan = HORIZON_2025_2034.replace("price_increase_pct = 0.0", "price_increase_pct = 10.0")
    dataset = load_tiny(tmp_path, plan=plan, catalog=CATALOG, inventory=INVENTORY, recurring=None)
    by_year = compute.forecast(dataset).set_index("year")["investment_eur"]
    assert by_year[2025] == 4000.0
    assert by_year[2027] == 4840.0  # (3000 + 1000) · 1.1²
    assert by_year[2033] == 2143.59  # 1000 · 1.1⁸ = 2143.5888…


def test_product_group_shares_count_attributed_recurring_costs_only(dataset):
    table = compute.product_groups(dataset)
    assert list(table.columns) == ["product_group", "label", "cost_eur", "share_pct"]
    # ipad 4000+1000+4000+1000+1000 = 11000; display 3000; net 1000;
    # m365 Σ 100·1.1^k for k = 2…11 = 1000 · (1.1¹² − 1.1²) = 1928.428…; personnel has no product group
    assert table["product_group"].tolist() == ["ipad", "display", "m365", "net"]
    assert table["cost_eur"].tolist() == [11000.0, 3000.0, 1928.43, 1000.0]
    # of 16928.428…: 64.979…, 17.721…, 11.391…, 5.907…
    assert table["share_pct"].tolist() == [64.98, 17.72, 11.39, 5.91]


def test_money_is_rounded_to_cents_half_up(tmp_path):
    catalog = CATALOG.replace("ipad,iPads,hardware,5,400", "ipad,iPads,hardware,5,0.125")
    inventory = "school_id,product_group,quantity,acquired_year\nS1,ipad,1,2020\n"
    dataset = load_tiny(tmp_path, plan=HORIZON_2025_2034, catalog=catalog, inventory=inventory, recurring=None)
    assert compute.forecast(dataset).set_index("year").loc[2025, "investment_eur"] == 0.13


def test_peak_years_name_the_groups_that_cause_them(dataset):
    table = compute.peak_years(dataset, compute.replacement_costs(dataset))
    # 2030: 6000 (ipad 5000, net 1000), 2025: 4000 (ipad), 2027: 4000 (display 3000, ipad 1000)
    assert table[["rank", "year", "year_investment_eur", "product_group", "group_investment_eur", "share_of_year_pct"]].values.tolist() == [
        [1, 2030, 6000.0, "ipad", 5000.0, 83.3],
        [2, 2025, 4000.0, "ipad", 4000.0, 100.0],
        [3, 2027, 4000.0, "display", 3000.0, 75.0],
        [3, 2027, 4000.0, "ipad", 1000.0, 25.0],
    ]


def test_price_scenarios_compare_configured_none_and_two_points_more(tmp_path):
    plan = HORIZON_2025_2034.replace("price_increase_pct = 0.0", "price_increase_pct = 1.0")
    dataset = load_tiny(tmp_path, plan=plan, catalog=CATALOG, inventory=INVENTORY, recurring=None)
    table = compute.price_scenarios(dataset, compute.recurring_costs(dataset)).set_index("year")
    assert list(table.columns) == ["configured_eur", "no_increase_eur", "plus_2_pct_eur"]
    assert table.loc[2027].tolist() == [4080.4, 4000.0, 4243.6]  # 4000 · 1.01², · 1, · 1.03²


def test_all_figures_are_delivered_with_accessible_charts(dataset):
    figures = {f.key: f for f in compute.figures(dataset)}
    assert list(figures) == [info.key for info in compute.CATALOG]
    forecast = figures["finance.forecast"]
    assert forecast.kind == "chart"
    assert "<title" in forecast.svg and "<desc" in forecast.svg
    assert forecast.summary.startswith("In den Jahren 2025 bis 2034 werden insgesamt 18.928 € benötigt, davon 15.000 € Investitionen")
    assert "am höchsten sind die Investitionen 2025, 2027 und 2030" in forecast.summary
    total = figures["finance.total"]
    assert total.kind == "key_figure"
    assert total.data["total_eur"].tolist() == [18928.42]  # the sum of the forecast rows as published
    assert "18.928,42 €" in total.summary
    assert "64,98 %" in figures["finance.product_groups"].summary


def test_empty_inventory_gives_zero_forecast_not_errors(tmp_path):
    dataset = load_tiny(tmp_path, inventory="school_id,product_group,quantity,acquired_year\n", recurring=None)
    figures = {f.key: f for f in compute.figures(dataset)}
    assert figures["finance.forecast"].data["total_eur"].tolist() == [0.0, 0.0, 0.0]
    assert figures["finance.peak_years"].data.empty
    assert figures["finance.product_groups"].data["share_pct"].isna().all()
    assert figures["finance.product_groups"].summary == "Für 2025–2027 fallen keine Kosten in Produktgruppen an."
