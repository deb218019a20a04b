"""Every published figure as an Excel workbook: German headings, numbers as numbers with formats, title, source, Stand."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from portal.figures.models import FigureSnapshot
from portal.plan.models import ChapterPage

from .test_public_downloads import FORMULA, labelled  # noqa: F401  (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == XLSX
    return response, load_workbook(io.BytesIO(response.content)).active


def header_row(sheet) -> int:
    """The row of the column headings: the first bold row after the title."""
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value and row[0].font.bold and row[1].value)


def test_forecast_workbook_has_german_headings_formats_caption_source_and_stand(client, published):
    response, sheet = workbook(client, "/tabellen/2025-2026/finance.forecast.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="finance-forecast-2025-2026.xlsx"'
    snapshot = published.snapshots.get(key="finance.forecast")
    assert sheet["A1"].value == snapshot.title and sheet["A1"].font.bold
    assert sheet["A2"].value == snapshot.summary
    assert sheet["A3"].value == (
        "Quelle: Medienentwicklungsplan Bochum, Zyklus 2025–2026, "  # the content pack's site name
        f"Datensatz Version {published.dataset_version.pk}"
    )
    assert sheet["A4"].value.startswith("Stand: ") and str(published.finished.year) in sheet["A4"].value
    assert sheet["A5"].value.startswith("Beispieldaten:")
    top = header_row(sheet)
    assert [c.value for c in sheet[top]] == ["Jahr", "Investitionen (€)", "Laufende Kosten (€)", "Gesamt (€)"]
    first = sheet[top + 1]
    assert first[0].value == snapshot.data[0]["year"] and first[0].number_format == "0"
    assert first[1].value == snapshot.data[0]["investment_eur"]
    assert isinstance(first[1].value, int | float) and first[1].number_format in {"#,##0", "#,##0.00"}
    assert [row[0].value for row in sheet.iter_rows(min_row=top + 1)] == list(range(2025, 2035))


def test_workbook_on_english_pages_has_english_headings(client, published):
    _, sheet = workbook(client, "/en/tabellen/2025-2026/finance.forecast.xlsx")
    assert sheet["A3"].value.startswith("Source: ") and sheet["A4"].value.startswith("As of: ")
    assert [c.value for c in sheet[header_row(sheet)]][0] == "Year"


def test_workbook_keeps_formula_labels_as_text(client, labelled):  # noqa: F811
    _, sheet = workbook(client, "/tabellen/2025-2026/finance.product_groups.xlsx")
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_unpublished_workbook_is_404(client, published):
    assert client.get("/tabellen/2027-2028/finance.forecast.xlsx").status_code == 404
    assert client.get("/tabellen/2025-2026/finance.nothing.xlsx").status_code == 404


def test_every_figure_block_and_the_open_data_page_offer_the_workbook(client, published):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    doc = BeautifulSoup(client.get(page.url).content, "html.parser")
    figures = doc.select("figure[data-figure-key]")
    assert figures
    for figure in figures:
        key = figure["data-figure-key"]
        link = figure.select_one('a[href$=".xlsx"]')
        assert link["href"] == f"/tabellen/2025-2026/{key}.xlsx" and link.has_attr("download")
        assert link.get_text(" ", strip=True).startswith("Excel –")
    doc = BeautifulSoup(client.get("/offene-daten/").content, "html.parser")
    rows = doc.select('section[aria-labelledby="zyklus-2025-2026"] tbody tr')
    assert len(rows) == FigureSnapshot.objects.filter(regeneration=published).count()
    for row in rows:
        link = row.select_one('a[href$=".xlsx"]')
        assert link["href"] == f"/tabellen/2025-2026/{row['data-figure-key']}.xlsx"
        assert link.get_text(" ", strip=True).startswith("Excel –")


def test_a_new_publication_reaches_the_cached_workbook(client, published, settings):
    """Whole responses are cached for anonymous readers; publishing figures starts a new generation."""
    url = "/tabellen/2025-2026/finance.forecast.xlsx"
    first = client.get(url)
    again = client.get(url)
    assert again.content == first.content and again["X-MEP-Cache"] == "hit"
    snapshot = published.snapshots.get(key="finance.forecast")
    snapshot.title = "Neu berechnete Prognose"
    snapshot.save()
    from portal.figures.signals import figures_changed

    figures_changed.send(sender=FigureSnapshot, regeneration=published)
    _, sheet = workbook(client, url)
    assert sheet["A1"].value == "Neu berechnete Prognose"


@pytest.mark.parametrize(
    "column, values, expected",
    [("year", [2025, 2026], "0"), ("count", [1, 2], "#,##0"), ("share", [1.0, 2.5], "#,##0.00"), ("label", ["a"], None)],
)
def test_number_format_per_column(column, values, expected):
    from portal.figures.xlsx import number_format

    assert number_format(column, values) == expected
