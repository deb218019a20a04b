"""A comparison that tells the truth: the years both cycles cover, the rest apart, one axis, one sentence."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portal.engine import cycle_comparison as cc
from portal.figures.blocks import format_cell
from portal.figures.compare import CHART_BARS, compare_cycles
from portal.figures.models import FigureSnapshot
from tests.demo import publish_demo

URL = "/abbildungen/vergleich/"
LABELS = {"year": "Jahr", "total_eur": "Gesamt (€)", "share_pct": "Anteil (%)"}


def forecast(rows):
    return FigureSnapshot(key="finance.forecast", title="Prognose", columns=["year", "total_eur", "share_pct"],
                          column_labels=LABELS, data=rows)


def row(year, total, share=10.0):
    return {"year": year, "total_eur": total, "share_pct": share}


A = forecast([row(2025, 100.0), row(2026, 200.0), row(2027, 300.0), row(2028, 400.0)])
B = forecast([row(2027, 300.0), row(2028, 500.0, 12.5), row(2029, 600.0), row(2030, 50.0)])


# --- the engine's part ---------------------------------------------------------------------


def test_years_are_split_into_common_and_each_cycles_own():
    split = cc.split_years(A.data, B.data)
    assert (split.common, split.only_a, split.only_b, split.differ) == ([2027, 2028], [2025, 2026], [2029, 2030], True)
    assert cc.split_years(A.data, A.data).differ is False
    assert cc.split_years([{"school_type": "Grundschule"}], B.data) is None
    assert [r["year"] for r in cc.in_years(B.data, [2028, 2030])] == [2028, 2030]


def test_only_money_and_counts_are_summed():
    rows = [{"year": 2027, "total_eur": 1.1, "devices": 3, "share_pct": 50.0, "ratio": 2.5}]
    assert [c for c in ("year", "total_eur", "devices", "share_pct", "ratio") if cc.additive(c, rows)] == ["total_eur", "devices"]
    assert cc.totals([row(2027, 0.1), row(2028, 0.2)], ["total_eur"]) == {"total_eur": 0.3}


def test_span_and_chart_column():
    assert [cc.span([2027, 2028, 2029]), cc.span([2025, 2027]), cc.span([2030]), cc.span([])] == ["2027–2029", "2025, 2027", "2030", ""]
    assert cc.chart_column(["investment_eur", "total_eur"]) == "total_eur"
    assert cc.chart_column(["share_pct", "cost_eur"]) == "cost_eur"
    assert cc.chart_column(["ratio_pct"]) == "ratio_pct" and cc.chart_column([]) is None
    # without money, a rate or share before a count, but never the target
    assert cc.chart_column(["schools", "pupils", "target_pct", "ratio_pct"]) == "ratio_pct"
    assert cc.chart_column(["schools", "tickets"]) == "schools"
    # the figure's own headline wins over every rule, if it is a number of the figure
    assert cc.chart_column(["schools", "tickets", "total_eur"], headline="tickets") == "tickets"
    assert cc.chart_column(["schools", "total_eur"], headline="missing") == "total_eur"


# --- the portal's comparison ---------------------------------------------------------------


def test_comparison_on_common_years_with_the_rest_apart():
    result = compare_cycles(A, B, "2025–2026", "2027–2028")
    assert sorted({d.row[0] for d in result.differences}) == ["2027", "2028"]
    assert [(d.row[0], d.column, d.changed) for d in result.differences] == [
        ("2027", "Gesamt (€)", False), ("2027", "Anteil (%)", False), ("2028", "Gesamt (€)", True), ("2028", "Anteil (%)", True)
    ]
    assert [(d.row[0], d.a) for d in result.only_a if d.column == "Gesamt (€)"] == [("2025", "100"), ("2026", "200")]
    assert [(d.row[0], d.a) for d in result.only_b if d.column == "Gesamt (€)"] == [("2029", "600"), ("2030", "50")]
    # sums over the common years only, and no sum of a share
    assert [(d.row, d.column, d.a, d.b, d.difference, d.change) for d in result.totals] == [
        (["Summe 2027–2028"], "Gesamt (€)", "700", "800", "+100", "+14,3 %")
    ]
    assert result.ranges.startswith("Die Zyklen decken verschiedene Jahre ab: 2025–2026 die Jahre 2025–2028, 2027–2028 die Jahre 2027–2030.")
    assert "nur die Jahre, die beide abdecken (2027–2028)" in result.ranges
    assert result.sentence == (
        "Zyklus 2027–2028 gegenüber 2025–2026: 2 von 4 Werten der gemeinsamen Jahre 2027–2028 haben sich geändert. "
        "Gesamt (€) über diese Jahre: 700 → 800 (+14,3 %)."
    )


def test_chart_draws_both_cycles_of_the_common_years_on_one_axis():
    result = compare_cycles(A, B, "2025–2026", "2027–2028")
    assert result.chart_label == "Gesamt (€)"
    assert [(bar.label, bar.width_a, bar.width_b) for bar in result.bars] == [
        ("2027", 300 / 500 * CHART_BARS, 300 / 500 * CHART_BARS), ("2028", 400 / 500 * CHART_BARS, CHART_BARS)
    ]


def test_same_years_and_same_values_say_so():
    result = compare_cycles(A, A, "2025–2026", "2025–2026")
    assert result.ranges == "" and result.only_a == [] and result.only_b == []
    assert result.sentence == "Zyklus 2025–2026 zeigt in den Jahren 2025–2028, die beide abdecken, dieselben Werte wie Zyklus 2025–2026."


def test_key_figures_over_different_periods_say_so():
    columns = ["first_year", "last_year", "total_eur"]
    a = FigureSnapshot(key="finance.total", columns=columns, data=[{"first_year": 2025, "last_year": 2034, "total_eur": 1.0}])
    b = FigureSnapshot(key="finance.total", columns=columns, data=[{"first_year": 2027, "last_year": 2036, "total_eur": 2.0}])
    result = compare_cycles(a, b, "2025–2026", "2027–2028")
    assert result.ranges.startswith("Achtung: Die Werte umfassen verschiedene Zeiträume (2025–2026: 2025–2034, 2027–2028: 2027–2036)")


# --- the page ------------------------------------------------------------------------------


@pytest.fixture
def two_cycles(db, demo_cache):
    return publish_demo(demo_cache, "2025-2026"), publish_demo(demo_cache, "2027-2028")


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("infrastructure.device_ratio", "Ausstattungsquote (%)"),  # not the number of schools
        ("support.tickets_per_devices", "Tickets je 100 Geräte"),
        ("ki.pilots_by_status", "Pilotprojekte"),  # the total, not the first status
        ("finance.forecast", "Gesamt (€)"),
    ],
)
def test_chart_of_two_cycles_shows_the_figures_headline(two_cycles, key, label):
    first, later = two_cycles
    result = compare_cycles(first.snapshots.get(key=key), later.snapshots.get(key=key), "2025–2026", "2027–2028")
    assert result.chart_label == label
    assert result.bars


def test_page_tells_what_changed_on_the_common_years(client, two_cycles):
    first, later = two_cycles
    a = {r["year"]: r for r in first.snapshots.get(key="finance.forecast").data}
    b = {r["year"]: r for r in later.snapshots.get(key="finance.forecast").data}
    doc = BeautifulSoup(client.get(URL + "?key=finance.forecast&a=2025-2026&b=2027-2028").content, "html.parser")
    sentence = doc.select_one(".compare__sentence").get_text()
    assert sentence.startswith("Zyklus 2027–2028 gegenüber 2025–2026: ") and "der gemeinsamen Jahre 2027–2034" in sentence
    ranges = doc.select_one(".compare__ranges").get_text()
    assert "2025–2026 die Jahre 2025–2034, 2027–2028 die Jahre 2027–2036" in ranges
    assert doc.select_one("#unterschiede").get_text() == "Unterschiede in den gemeinsamen Jahren 2027–2034"
    common = range(2027, 2035)
    footer = {tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in doc.select(".compare__differences tfoot tr")}
    total_a = round(sum(a[y]["total_eur"] for y in common), 2)
    total_b = round(sum(b[y]["total_eur"] for y in common), 2)
    assert footer["Gesamt (€)"][:3] == ["Summe 2027–2034", format_cell("total_eur", total_a), format_cell("total_eur", total_b)]
    only = {table.caption.get_text(): table for table in doc.select(".compare__only table")}
    assert list(only) == ["Nur im Zyklus 2025–2026: 2025–2026", "Nur im Zyklus 2027–2028: 2035–2036"]
    assert sorted({tr.td.get_text() for tr in only["Nur im Zyklus 2027–2028: 2035–2036"].select("tbody tr")}) == ["2035", "2036"]
    # changed rows stand out
    rows = doc.select(".compare__differences tbody tr")
    changed = [tr for tr in rows if "compare__row--changed" in (tr.get("class") or [])]
    assert 0 < len(changed) < len(rows)
    assert all(tr.select("td.number")[2].get_text() != "±0" for tr in changed)
    # one axis: the chart shows the common years, both cycles, the longest bar spanning the axis
    chart = doc.select_one(".compare__chart svg")
    labels = [g.select_one("text").get_text() for g in chart.select("g.compare-chart__row")]
    assert labels == [str(y) for y in common]
    widths = [float(rect["width"]) for rect in chart.select("g rect")]
    assert max(widths) == CHART_BARS and len(widths) == 2 * len(common)
    peak = max(max(a[y]["total_eur"], b[y]["total_eur"]) for y in common)
    first_bar = chart.select_one("g.compare-chart__row rect.compare-chart__a")
    assert float(first_bar["width"]) == round(a[2027]["total_eur"] / peak * CHART_BARS, 1)


def test_only_changes(client, two_cycles):
    everything = BeautifulSoup(client.get(URL + "?key=finance.forecast&a=2025-2026&b=2027-2028").content, "html.parser")
    doc = BeautifulSoup(client.get(URL + "?key=finance.forecast&a=2025-2026&b=2027-2028&nur=aenderungen").content, "html.parser")
    assert doc.select_one("#vergleich-nur").has_attr("checked")
    rows = doc.select(".compare__differences tbody tr")
    all_rows = everything.select(".compare__differences tbody tr")
    expected = [tr for tr in all_rows if "compare__row--changed" in (tr.get("class") or [])]
    assert [tr.get_text() for tr in rows] == [tr.get_text() for tr in expected]
    assert len(rows) < len(all_rows)
    assert doc.select_one('main [role="status"]').get_text() == f"Nur die geänderten Zeilen: {len(rows)} von {len(all_rows)}."


def test_key_figure_page_warns_of_different_periods_and_links_the_forecast(client, two_cycles):
    doc = BeautifulSoup(client.get(URL + "?key=finance.total&a=2025-2026&b=2027-2028").content, "html.parser")
    note = doc.select_one(".compare__ranges")
    assert "verschiedene Zeiträume (2025–2026: 2025–2034, 2027–2028: 2027–2036)" in note.get_text()
    assert note.a["href"] == URL + "?key=finance.forecast&a=2025-2026&b=2027-2028"
    assert note.a.get_text() == "Die Prognose Jahr für Jahr vergleichen"
