"""Figures on an English page speak English; on a German page German; the data downloads stay the contract's (issue 11, point 3)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from wagtail.models import Locale

from portal.figures.blocks import format_cell, table_rows
from portal.figures.models import FigureSnapshot
from portal.plan.models import ChapterPage


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def english_chapter(number: str) -> ChapterPage:
    """The chapter translated into English (its parents too) and published, as an editor would with wagtail-localize."""
    german = ChapterPage.objects.get(locale__language_code="de", number=number)
    english = german.get_translation_or_none(Locale.objects.get(language_code="en")) or german.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    return ChapterPage.objects.get(pk=english.pk)


def svg_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.select(".figure-block__chart svg text")]


@pytest.fixture
def english_5_3(published):
    return english_chapter("5.3")


def test_english_page_shows_english_figures(client, published, english_5_3):
    assert english_5_3.url.startswith("/en/")
    doc = soup(client, english_5_3.url)
    assert doc.html["lang"] == "en"
    figure = doc.select_one('figure[data-figure-key="finance.forecast"]')
    forecast = published.snapshots.get(key="finance.forecast")
    english = forecast.translations["en"]
    summary = figure.select_one(".figure-block__summary")
    assert summary.get_text(strip=True) == english["summary"]
    assert summary.get_text().startswith("From 2025 to 2034 a total of €")
    assert not summary.has_attr("lang")  # English on an English page: nothing to mark
    svg = figure.select_one(".figure-block__chart svg")
    assert svg.find("title").get_text() == "Forecast of financial and investment volume 2025–2034"
    assert svg.find("desc").get_text() == english["summary"]  # the chart's text alternative
    texts = svg_texts(figure)
    assert {"€ million", "Investment", "Running costs"} <= set(texts)  # axis label and legend
    assert not {"Mio. €", "Investitionen", "Laufende Kosten"} & set(texts)
    ticks = [t for t in texts if re.fullmatch(r"[\d.,]+", t) and not re.fullmatch(r"20\d\d", t)]
    assert ticks and all(re.fullmatch(r"\d+\.\d", t) for t in ticks), ticks
    table = figure.select_one("details table")
    assert table.caption.get_text() == english["title"]
    assert [th.get_text() for th in table.select("thead th")] == ["Year", "Investment (€)", "Running costs (€)", "Total (€)"]
    cells = [td.get_text() for td in table.select_one("tbody tr").select("td")]
    assert cells[0] == "2025"
    assert re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{2})?", cells[1]), cells[1]  # 1,234,567.89
    shares = doc.select_one('figure[data-figure-key="finance.product_groups"]')
    assert any(re.fullmatch(r"\d+\.\d\d%", t) for t in svg_texts(shares))  # 48.31%, not 48,31 %
    assert "Share of the product groups' costs in %" in svg_texts(shares)


def test_german_page_is_unchanged_beside_the_english_one(client, published, english_5_3):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    figure = doc.select_one('figure[data-figure-key="finance.forecast"]')
    forecast = published.snapshots.get(key="finance.forecast")
    assert figure.select_one(".figure-block__summary").get_text(strip=True) == forecast.summary
    assert figure.select_one(".figure-block__chart svg").find("desc").get_text() == forecast.summary
    assert {"Mio. €", "Investitionen", "Laufende Kosten"} <= set(svg_texts(figure))
    table = figure.select_one("details table")
    assert [th.get_text() for th in table.select("thead th")] == ["Jahr", "Investitionen (€)", "Laufende Kosten (€)", "Gesamt (€)"]
    assert table.select_one("tbody tr").select("td")[1].get_text() == format_cell(
        "investment_eur", forecast.data[0]["investment_eur"]
    )
    assert not figure.select("[lang]")  # German words on a German page: nothing marked


def test_every_published_figure_has_english_words(published):
    for snapshot in published.snapshots.all():
        english = snapshot.in_language("en")
        assert english.language == "en", snapshot.key
        assert english.title != snapshot.title and english.summary != snapshot.summary, snapshot.key
        assert english.headers != snapshot.headers, snapshot.key
        assert bool(english.svg) == bool(snapshot.svg), snapshot.key
        # the German fields are the snapshot's own; reading English changes nothing stored
        assert FigureSnapshot.objects.get(pk=snapshot.pk).title == snapshot.title


def test_a_figure_without_english_falls_back_to_german_marked_as_such(client, published, english_5_3):
    FigureSnapshot.objects.filter(regeneration=published, key="finance.forecast").update(translations={})
    doc = soup(client, english_5_3.url)
    figure = doc.select_one('figure[data-figure-key="finance.forecast"]')
    forecast = published.snapshots.get(key="finance.forecast")
    summary = figure.select_one(".figure-block__summary")
    assert summary.get_text(strip=True) == forecast.summary and summary["lang"] == "de"
    assert figure.select_one(".figure-block__chart")["lang"] == "de"
    assert figure.select_one("details table")["lang"] == "de"
    assert figure.select_one("details table thead th").get_text() == "Jahr"


@pytest.mark.parametrize("language", ["de", "en"])
def test_downloads_keep_the_contract_columns_in_every_language(client, published, language):
    with translation.override(language):
        response = client.get("/figures/2025-2026/finance.forecast.csv", HTTP_ACCEPT_LANGUAGE=language)
        data = client.get("/figures/2025-2026/finance.forecast.json", HTTP_ACCEPT_LANGUAGE=language)
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header == ["year", "investment_eur", "recurring_eur", "total_eur"]
    payload = json.loads(data.content)
    assert payload["columns"] == header and set(payload["data"][0]) == set(header)


def test_compare_page_in_english(client, published, demo_cache):
    from tests.demo import publish_demo

    publish_demo(demo_cache, "2027-2028")
    doc = soup(client, "/en/abbildungen/vergleich/?key=finance.total&a=2025-2026&b=2027-2028")
    assert doc.select_one("h2").get_text() == "Funding needed over the planning horizon"
    options = {o["value"]: o.get_text() for o in doc.select("#vergleich-key option")}
    assert options["finance.forecast"].startswith("Forecast of financial and investment volume")
    rows = doc.select(".compare__differences tbody tr")
    assert rows and all(re.fullmatch(r"[+−]?[\d,]+(\.\d+)?|±0|–", r.select("td.number")[2].get_text()) for r in rows)
    assert any(r.th.get_text() == "Total (€)" for r in rows)
    changes = [r.select("td.number")[3].get_text() for r in rows]
    assert all(re.fullmatch(r"[+−±]?\d+\.\d%|–", c) for c in changes), changes


def table_cells(figure) -> list[list]:
    return [row.select("td") for row in figure.select("details table tbody tr")]


def test_table_values_follow_the_page_language_and_the_data_keeps_the_contracts(client, published):
    """School types are translated on the English page, German on the German one; CSV and JSON stay as the contract has them."""
    english = soup(client, english_chapter("5.1").url)
    figure = english.select_one('figure[data-figure-key="infrastructure.device_ratio"]')
    types = [cells[0] for cells in table_cells(figure)]
    assert [td.get_text() for td in types][:2] == ["Primary school", "Lower secondary school"]
    assert "Grammar school" in [td.get_text() for td in types]
    assert not any(td.has_attr("lang") for td in types)
    german = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.1").url)
    figure = german.select_one('figure[data-figure-key="infrastructure.device_ratio"]')
    assert [cells[0].get_text() for cells in table_cells(figure)][:2] == ["Grundschule", "Hauptschule"]
    rows = list(csv.DictReader(io.StringIO(client.get("/figures/2025-2026/infrastructure.device_ratio.csv").content.decode())))
    assert rows[0]["school_type"] == "Grundschule"
    payload = json.loads(client.get("/figures/2025-2026/infrastructure.device_ratio.json", HTTP_ACCEPT_LANGUAGE="en").content)
    assert payload["data"][0]["school_type"] == "Grundschule"


def test_text_no_catalogue_knows_stays_german_and_says_so_keys_stay_unmarked(published):
    snapshot = published.snapshots.get(key="infrastructure.equipment")
    english = snapshot.in_language("en")
    rows = table_rows(english, "en")
    column = {name: [row[i] for row in rows] for i, name in enumerate(english.columns)}
    german = {name: [row[name] for row in snapshot.data] for name in snapshot.columns}
    assert "services" in column["category_label"] and "Dienstleistung" in german["category_label"]
    assert not any(cell.lang for cell in column["category_label"])  # the plugin's own vocabulary, translated
    assert [str(c) for c in column["category"]] == german["category"] and not any(c.lang for c in column["category"])
    assert [str(c) for c in column["label"]] == german["label"]  # the planner's product group names: German …
    assert {c.lang for c in column["label"]} == {"de"}  # … and marked so
    assert not any(c.lang for c in column["quantity"])
    assert not any(cell.lang for row in table_rows(snapshot, "de") for cell in row)  # nothing marked on a German page
