"""The figure block in chapter pages and the downloads: published snapshots only."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from portal.figures.blocks import FigureBlock, format_cell
from portal.figures.catalog import figure_choices
from portal.plan.models import ChapterPage


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def chapter_url(number):
    return ChapterPage.objects.get(locale__language_code="de", number=number).url


def test_chapter_5_3_shows_published_forecast_table_and_svg(client, published):
    doc = soup(client, chapter_url("5.3"))
    figure = doc.select_one('figure[data-figure-key="finance.forecast"]')
    forecast = published.snapshots.get(key="finance.forecast")
    svg = figure.select_one(".figure-block__chart svg")
    assert svg["role"] == "img"
    for ident in svg["aria-labelledby"].split():
        assert svg.find(id=ident) is not None
    assert svg.find("title").get_text() and svg.find("desc").get_text() == forecast.summary
    assert figure.select_one(".figure-block__summary").get_text(strip=True) == forecast.summary
    table = figure.select_one("details table")
    assert [th.get_text() for th in table.select("thead th")] == [
        "Jahr", "Investitionen (€)", "Laufende Kosten (€)", "Gesamt (€)"
    ]
    years = [tr.td.get_text() for tr in table.select("tbody tr")]
    assert years == [str(y) for y in range(2025, 2035)]
    assert figure.details.summary.get_text(strip=True) == "Daten als Tabelle"
    meta = figure.select_one(".figure-block__meta").get_text(" ", strip=True)
    assert "Stand" in meta and "Zyklus 2025–2026" in meta
    assert figure.select_one(".figure-block__note--synthetic").get_text().startswith("Beispieldaten")
    assert "erscheint hier, sobald" not in figure.get_text()
    links = [a["href"] for a in figure.select(".figure-block__meta a")]
    assert links == [
        "/tabellen/2025-2026/finance.forecast.xlsx",
        "/figures/2025-2026/finance.forecast.csv",
        "/figures/2025-2026/finance.forecast.json",
        "/abbildungen/vergleich/?key=finance.forecast&a=2025-2026",
    ]
    assert doc.select_one('figure[data-figure-key="finance.product_groups"] svg[role="img"]') is not None


def test_table_numbers_are_written_the_german_way(client, published):
    doc = soup(client, chapter_url("5.3"))
    table = doc.select_one('figure[data-figure-key="finance.forecast"] details table')
    forecast = published.snapshots.get(key="finance.forecast")
    first = table.select_one("tbody tr")
    cells = [td.get_text() for td in first.select("td")]
    assert cells[0] == "2025"
    assert cells[1] == format_cell("investment_eur", forecast.data[0]["investment_eur"])
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{2})?", cells[1]), cells[1]


@pytest.mark.parametrize(
    "column, value, text",
    [
        ("investment_eur", 1234.56, "1.234,56"),
        ("investment_eur", 1234567.0, "1.234.567"),
        ("pupils", 1500, "1.500"),
        ("share_pct", 48.3125, "48,31"),
        ("year", 2027, "2027"),
        ("first_year", 2025, "2025"),
        ("name", "Goethe-Schule", "Goethe-Schule"),
        ("ratio_pct", None, "–"),
        ("ratio_pct", float("nan"), "–"),
        ("flag", True, "ja"),
    ],
)
def test_cells_in_german_format(column, value, text):
    assert format_cell(column, value) == text


def test_unpublished_figure_says_it_follows(client, db):
    doc = soup(client, chapter_url("5.3"))
    figure = doc.select_one('figure[data-figure-key="finance.forecast"]')
    assert "erscheint hier, sobald die Daten veröffentlicht sind" in figure.get_text()
    assert figure.select_one("svg") is None


def test_real_data_carries_no_sample_note(client, published):
    published.dataset_version.__class__.objects.filter(pk=published.dataset_version.pk).update(synthetic=False)
    doc = soup(client, chapter_url("5.3"))
    assert doc.select_one('figure[data-figure-key="finance.forecast"] svg') is not None
    assert not doc.select(".figure-block__note--synthetic")


def test_page_view_never_runs_the_engine(client, published, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("Die Seite hat die Planungsmaschine aufgerufen")

    # the portal imports both from the engine on each use (portal.figures.services._ENGINE_ON_USE)
    monkeypatch.setattr("portal.engine.compute.compute_figures", forbidden)
    monkeypatch.setattr("portal.engine.dataset.load_dataset", forbidden)
    doc = soup(client, chapter_url("5.3"))
    assert doc.select_one('figure[data-figure-key="finance.forecast"] svg') is not None


def test_csv_download_is_the_snapshot(client, published):
    response = client.get("/figures/2025-2026/finance.forecast.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(r["year"]) for r in rows] == list(range(2025, 2035))
    assert response.content.decode() == published.snapshots.get(key="finance.forecast").data_csv


def test_json_download_carries_provenance(client, published):
    response = client.get("/figures/2025-2026/finance.product_groups.json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["cycle"] == "2025–2026" and body["synthetic"] is True
    assert body["columns"] == ["product_group", "label", "cost_eur", "share_pct"]
    assert set(body["data"][0]) == set(body["columns"])
    assert body["dataset_fingerprint"] == published.dataset_version.fingerprint
    assert abs(sum(row["share_pct"] for row in body["data"]) - 100) < 0.1


def test_download_of_unpublished_figure_is_404(client, published):
    assert client.get("/figures/2027-2028/finance.forecast.csv").status_code == 404
    assert client.get("/figures/2025-2026/finance.nothing.json").status_code == 404


def test_figure_of_uninstalled_plugin_renders_a_note(db, published):
    block = FigureBlock()
    html = block.render(block.to_python({"key": "energy.consumption", "title": "Stromverbrauch", "caption": ""}))
    doc = BeautifulSoup(html, "html.parser")
    note = doc.select_one(".figure-block__note--missing").get_text()
    assert "Plugin „energy“" in note and "nicht installiert" in note
    assert doc.figcaption.get_text() == "Stromverbrauch"


def test_chapter_with_uninstalled_plugin_figure_still_renders(client, published):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "energy.consumption", "title": "Stromverbrauch", "caption": ""}))
    page.save_revision().publish()
    doc = soup(client, page.url)
    assert "nicht installiert" in doc.select_one('figure[data-figure-key="energy.consumption"]').get_text()
    assert doc.select_one('figure[data-figure-key="finance.forecast"] svg') is not None


def test_same_figure_twice_on_a_page_has_unique_ids(client, published):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "finance.forecast", "title": "Noch einmal Abb. 5", "caption": ""}))
    page.save_revision().publish()
    doc = soup(client, page.url)
    figures = doc.select('figure[data-figure-key="finance.forecast"]')
    assert len(figures) == 2
    ids = Counter(tag["id"] for tag in doc.select("[id]"))
    assert [ident for ident, count in ids.items() if count > 1] == []
    for figure in figures:
        assert doc.find(id=figure["aria-labelledby"]) is figure.figcaption
        svg = figure.select_one("svg")
        for ident in svg["aria-labelledby"].split():
            assert svg.find(id=ident) is not None
        for use in svg.select("use"):
            target = use.get("xlink:href") or use.get("href")
            assert svg.find(id=target.lstrip("#")) is not None, target


def test_block_pinned_to_another_cycle(db, published):
    block = FigureBlock()
    pinned = block.render(block.to_python({"key": "finance.forecast", "title": "Abb. 5", "cycle": "2027-2028"}))
    assert "<svg" not in pinned and "erscheint hier" in pinned
    current = block.render(block.to_python({"key": "finance.forecast", "title": "Abb. 5", "cycle": ""}))
    assert "<svg" in current


def test_editor_picks_figures_by_title(db):
    choices = dict(figure_choices())
    assert choices["finance.forecast"] == "Prognose des Finanz- und Investitionsvolumens (finance)"
    assert "infrastructure.device_ratio" in choices
    field_choices = dict(FigureBlock().child_blocks["key"].field.choices)
    assert field_choices["finance.forecast"] == choices["finance.forecast"]
    assert field_choices.keys() - {""} == choices.keys()


@pytest.mark.parametrize(
    "number, key",
    [
        ("5.1", "infrastructure.device_ratio"),
        ("5.2", "support.tickets_by_topic"),
        ("5.3", "finance.product_groups"),
        ("5.4", "controlling.review_coverage"),
        ("6.3", "ki.pilots_by_status"),
        ("6.4", "datastrategy.principle_coverage"),
    ],
)
def test_field_chapters_show_their_fields_figures(client, published, number, key):
    doc = soup(client, chapter_url(number))
    figure = doc.select_one(f'figure[data-figure-key="{key}"]')
    snapshot = published.snapshots.get(key=key)
    assert figure.select_one(".figure-block__summary").get_text(strip=True) == snapshot.summary
    assert figure.select_one('svg[role="img"]') is not None


def test_editor_can_save_a_page_whose_figure_plugin_is_uninstalled(db):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "energy.consumption", "title": "Stromverbrauch", "caption": ""}))
    page.save_revision().publish()
    block = FigureBlock()
    choices = dict(block.child_blocks["key"].field.choices)
    assert choices["energy.consumption"] == "energy.consumption (Plugin nicht installiert)"
    value = block.to_python({"key": "energy.consumption", "title": "Stromverbrauch", "caption": ""})
    assert block.clean(value)["key"] == "energy.consumption"
    with pytest.raises(ValidationError):  # a key no page holds is still refused
        block.clean(block.to_python({"key": "energy.other", "title": "X", "caption": ""}))


def test_admin_edit_form_offers_the_uninstalled_figure(client, editor):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "energy.consumption", "title": "Stromverbrauch", "caption": ""}))
    page.save_revision().publish()
    client.force_login(editor)
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "energy.consumption (Plugin nicht installiert)" in response.content.decode()
