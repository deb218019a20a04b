"""A reader compares one figure of two cycles: both charts side by side and a table of differences."""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup

from portal.figures.blocks import format_cell
from portal.figures.compare import compare
from portal.figures.models import FigureSnapshot
from portal.plan.models import ChapterPage
from tests.demo import publish_demo

URL = "/abbildungen/vergleich/"


@pytest.fixture
def two_cycles(db, demo_cache):
    """The demo data published for 2025–2026 and the later demo data for 2027–2028."""
    return publish_demo(demo_cache, "2025-2026"), publish_demo(demo_cache, "2027-2028")


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def snapshot(columns, data, labels=None):
    return FigureSnapshot(key="x.y", columns=columns, column_labels=labels or {}, data=data)


def test_forecast_of_two_cycles_side_by_side_with_differences(client, two_cycles):
    first, later = two_cycles
    doc = get(client, URL + "?key=finance.forecast&a=2025-2026&b=2027-2028")
    sides = doc.select(".compare .compare__side")
    assert [side.h3.get_text() for side in sides] == ["Zyklus 2025–2026", "Zyklus 2027–2028"]
    assert all(side.select_one('svg[role="img"]') for side in sides)
    a = first.snapshots.get(key="finance.forecast")
    b = later.snapshots.get(key="finance.forecast")
    assert [side.select_one(".figure-block__summary").get_text() for side in sides] == [a.summary, b.summary]
    table = doc.select_one(".compare__differences table")
    assert [th.get_text() for th in table.select("thead th")] == [
        "Jahr", "Kennzahl", "2025–2026", "2027–2028", "Differenz", "Veränderung"
    ]
    rows = [[cell.get_text() for cell in tr.select("td, th")] for tr in table.select("tbody tr")]
    assert sorted({row[0] for row in rows}) == [str(year) for year in range(2027, 2035)]  # the years both share
    assert len(rows) == 8 * 3
    columns = {"investment_eur": "Investitionen (€)", "recurring_eur": "Laufende Kosten (€)", "total_eur": "Gesamt (€)"}
    changed = 0
    for row in rows:
        year, column = int(row[0]), next(name for name, label in columns.items() if label == row[1])
        value_a = next(r[column] for r in a.data if r["year"] == year)
        value_b = next(r[column] for r in b.data if r["year"] == year)
        assert row[2:4] == [format_cell(column, value_a), format_cell(column, value_b)]
        if round(value_b - value_a, 2) != 0:
            changed += 1
            sign = "+" if value_b > value_a else "−"
            assert row[4].startswith(sign) and row[5].startswith(sign) and row[5].endswith(" %"), row
        else:
            assert row[4] == "±0", row
    assert changed, "die späteren Beispieldaten sollen sich unterscheiden"


def test_compare_page_has_unique_ids_and_labelled_controls(client, two_cycles):
    doc = get(client, URL + "?key=finance.forecast&a=2025-2026&b=2027-2028")
    ids = Counter(tag["id"] for tag in doc.select("[id]"))
    assert [ident for ident, count in ids.items() if count > 1] == []
    for svg in doc.select(".compare svg"):
        for ident in svg["aria-labelledby"].split():
            assert svg.find(id=ident) is not None
    form = doc.select_one("form.compare-form")
    labels = {label["for"]: label.get_text() for label in form.select("label")}
    assert labels == {
        "vergleich-key": "Abbildung", "vergleich-a": "Zyklus A", "vergleich-b": "Zyklus B", "vergleich-nur": "nur Änderungen"
    }
    assert form.select_one("#vergleich-key option[selected]")["value"] == "finance.forecast"
    assert form.select_one("#vergleich-a option[selected]")["value"] == "2025-2026"
    assert form.select_one("#vergleich-b option[selected]")["value"] == "2027-2028"
    assert form.button.get_text() == "Vergleichen"
    options = {option["value"]: option.get_text() for option in form.select("#vergleich-key option")}
    assert options["finance.forecast"] == "Prognose des Finanz- und Investitionsvolumens"


def test_compare_without_choices_shows_current_cycle_and_the_other(client, two_cycles):
    doc = get(client, URL)
    assert [side.h3.get_text() for side in doc.select(".compare__side")] == ["Zyklus 2025–2026", "Zyklus 2027–2028"]
    assert doc.select_one("#vergleich-key option[selected]")["value"] == "finance.forecast"


def test_key_figure_of_one_row_is_compared_although_its_years_moved_on(client, two_cycles):
    doc = get(client, URL + "?key=finance.total&a=2025-2026&b=2027-2028")
    kinds = [tr.th.get_text() for tr in doc.select(".compare__differences tbody tr")]
    assert "Gesamt (€)" in kinds and "Investitionen (€)" in kinds


def test_figure_not_published_for_a_cycle_says_so(client, two_cycles):
    doc = get(client, URL + "?key=finance.forecast&a=2025-2026&b=2019-2024")
    assert "für den Zyklus 2019-2024 nicht veröffentlicht" in doc.select_one("main [role=status]").get_text()
    assert not doc.select(".compare__side")


def test_figure_block_links_to_the_comparison(client, two_cycles):
    doc = get(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    link = doc.select_one('figure[data-figure-key="finance.forecast"] .figure-block__meta a[href^="/abbildungen"]')
    assert link["href"] == URL + "?key=finance.forecast&a=2025-2026"
    assert link.get_text().startswith("Mit anderem Zyklus vergleichen")


def test_rows_are_matched_by_what_identifies_them():
    columns = ["year", "school_type", "devices"]
    a = snapshot(columns, [
        {"year": 2025, "school_type": "Grundschule", "devices": 0},
        {"year": 2026, "school_type": "Grundschule", "devices": 1000},
        {"year": 2026, "school_type": "Gymnasium", "devices": 200},
    ], {"year": "Jahr", "school_type": "Schulform", "devices": "Geräte"})
    b = snapshot(columns, [
        {"year": 2026, "school_type": "Gymnasium", "devices": 150},
        {"year": 2026, "school_type": "Grundschule", "devices": 1500},
        {"year": 2027, "school_type": "Grundschule", "devices": 5},
    ])
    headers, differences = compare(a, b)
    assert headers == ["Jahr", "Schulform"]
    assert [(d.row, d.column, d.a, d.b, d.difference, d.change) for d in differences] == [
        (["2026", "Grundschule"], "Geräte", "1.000", "1.500", "+500", "+50,0 %"),
        (["2026", "Gymnasium"], "Geräte", "200", "150", "−50", "−25,0 %"),
    ]


def test_change_from_zero_has_no_percentage_and_no_change_has_no_sign():
    a = snapshot(["topic", "tickets", "share_pct"], [{"topic": "WLAN", "tickets": 0, "share_pct": 12.5}])
    b = snapshot(["topic", "tickets", "share_pct"], [{"topic": "WLAN", "tickets": 7, "share_pct": 12.5}])
    _headers, differences = compare(a, b)
    assert [(d.difference, d.change) for d in differences] == [("+7", "–"), ("±0", "±0,0 %")]
