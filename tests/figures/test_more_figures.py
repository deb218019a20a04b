"""Every published figure has a place: the ones no chapter shows appear on their field's chapter (issue 20, point 8)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from portal.figures.models import FigureSnapshot
from portal.plan.models import ChapterPage


def chapter_docs(client, language="de"):
    docs = {}
    for page in ChapterPage.objects.live().filter(locale__language_code=language).order_by("path"):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        docs[page.number or page.slug] = BeautifulSoup(response.content, "html.parser")
    return docs


def test_every_published_figure_appears_in_exactly_one_chapter(client, published):
    keys = set(FigureSnapshot.objects.filter(regeneration=published).values_list("key", flat=True))
    assert len(keys) == 21
    shown = {}
    for number, doc in chapter_docs(client).items():
        for figure in doc.select("figure[data-figure-key]"):
            assert figure["data-figure-key"] not in shown, figure["data-figure-key"]
            shown[figure["data-figure-key"]] = number
    assert set(shown) == keys
    # each figure on its field's chapter
    fields = {"infrastructure": "5.1", "support": "5.2", "finance": "5.3", "controlling": "5.4", "ki": "6.3",
              "datastrategy": "6.4"}
    assert {key: fields[key.split(".")[0]] for key in keys} == shown


def test_more_figures_are_listed_under_their_own_heading_with_table_and_downloads(client, published):
    doc = chapter_docs(client)["5.3"]
    section = doc.select_one("section.more-figures")
    assert section.h2.get_text() == "Weitere Abbildungen zu diesem Feld"
    assert section["aria-labelledby"] == section.h2["id"]
    more = [f["data-figure-key"] for f in section.select("figure[data-figure-key]")]
    placed = [f["data-figure-key"] for f in doc.select(".chapter__body figure[data-figure-key]")]
    assert placed == ["finance.forecast", "finance.product_groups"]
    assert sorted(more) == ["finance.peak_years", "finance.price_scenarios", "finance.total"]
    total = section.select_one('figure[data-figure-key="finance.total"]')
    snapshot = FigureSnapshot.objects.get(regeneration=published, key="finance.total")
    assert total.figcaption.get_text() == snapshot.title
    assert total.select_one("details table caption").get_text() == snapshot.title
    assert total.select_one('a[href="/tabellen/2025-2026/finance.total.xlsx"]') is not None


def test_the_field_chapters_come_from_the_setting(client, published, settings):
    settings.MEP_FIELD_CHAPTERS = {**settings.MEP_FIELD_CHAPTERS, "finance": "5.4"}
    docs = chapter_docs(client)
    assert docs["5.3"].select_one("section.more-figures") is None
    listed = [f["data-figure-key"] for f in docs["5.4"].select(".more-figures figure[data-figure-key]")]
    assert {"finance.forecast", "finance.total", "controlling.media_concepts"} <= set(listed)
    settings.MEP_FIELD_CHAPTERS = {}
    assert all(doc.select_one("section.more-figures") is None for doc in chapter_docs(client).values())


def test_a_figure_placed_by_an_editor_leaves_the_list(client, published):
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page.body.append(("figure", {"key": "finance.total", "title": "Gesamtvolumen", "caption": ""}))
    page.save_revision().publish()
    doc = chapter_docs(client)["5.3"]
    assert doc.select_one('.chapter__body figure[data-figure-key="finance.total"]') is not None
    assert doc.select_one('.more-figures figure[data-figure-key="finance.total"]') is None
    assert len(doc.select('figure[data-figure-key="finance.total"]')) == 1


def test_english_chapters_list_their_more_figures_in_english(client, published):
    docs = chapter_docs(client, "en")
    sections = [doc.select_one("section.more-figures") for doc in docs.values()]
    sections = [s for s in sections if s is not None]
    assert sections and all(s.h2.get_text() == "More figures for this field" for s in sections)
    total = next(s for s in sections if s.select_one('figure[data-figure-key="finance.total"]'))
    snapshot = FigureSnapshot.objects.get(regeneration=published, key="finance.total").in_language("en")
    assert total.select_one('figure[data-figure-key="finance.total"] figcaption').get_text() == snapshot.title
