"""Turkish, Ukrainian and Arabic: start page, "Der Plan in Kürze", switcher, hreflang, sitemap, right to left, fallbacks."""

from __future__ import annotations

from io import StringIO
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation

from portal.plan.models import ChapterPage, HomePage, SummaryPage
from tests.test_i18n import GERMAN_PATTERN, english_text

pytestmark = pytest.mark.django_db

# language -> (start page h1, summary page address, summary title, a sentence of the summary, workshops in the menu)
LANGUAGES = {
    "tr": ("Bochum'un yaşayan medya geliştirme planı", "/tr/kisaca-plan/", "Kısaca plan", "Üç düzeyde destek", "Atölyeler"),
    "uk": ("Живий план розвитку медіа міста Бохум", "/uk/plan-korotko/", "План коротко", "Підтримка на трьох рівнях", "Семінари"),
    "ar": ("خطة تطوير الإعلام الحيّة لمدينة بوخوم", "/ar/al-khitta-bi-ikhtisar/", "الخطة باختصار", "دعم على ثلاثة مستويات", "ورش العمل"),
}
ALL = ["de", "en", "tr", "uk", "ar"]
SUMMARY_URLS = {
    "de": "/der-plan-in-kuerze/", "en": "/en/the-plan-in-brief/",
    **{code: values[1] for code, values in LANGUAGES.items()},
}


# German proper names that stay German in every language (glossed on first use)
PROPER_NAMES = ["DigitalPakt Schule", "Universitätsstraße 43–49, 44789 Bochum"]


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def assert_no_german_interface(response):
    """No German interface word outside what is marked lang="de" (the same word list as for English pages)."""
    text = english_text(response.content)
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    leftovers = sorted(set(GERMAN_PATTERN.findall(text)))
    assert leftovers == [], f"German words on a page not marked German: {leftovers}"


def hreflangs(doc) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in doc.select('link[rel="alternate"][hreflang]')}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_start_page_is_translated(client, code):
    title, summary_url, summary_title, _sentence, workshops = LANGUAGES[code]
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    doc = html(response)
    assert doc.html["lang"] == code
    assert doc.h1.get_text(strip=True) == title
    # the menu: the summary in this language, workshops translated, the plan German and marked so
    nav = {a.get_text(strip=True): a for a in doc.select(".main-nav a")}
    assert nav[summary_title]["href"] == summary_url and not nav[summary_title].get("lang")
    assert workshops in nav
    plan = nav["Medienentwicklungsplan Bochum"]
    assert plan["href"] == "/plan/" and plan["lang"] == "de"
    # the legal pages stay reachable (German, marked so)
    legal = doc.select(".site-footer .footer-links a[lang='de']")
    assert {a["href"] for a in legal} >= {"/impressum/", "/datenschutz/"}
    # the plan button leads to the German plan and says so; highlights lead to the German chapters
    button = doc.select_one(".hero a.button")
    assert button["href"] == "/plan/" and button["hreflang"] == "de"
    cards = doc.select(".card__title a")
    assert len(cards) == 5 and all(a["href"].startswith("/plan/") for a in cards)
    assert_no_german_interface(response)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_summary_page_is_translated(client, code):
    _title, summary_url, summary_title, sentence, _workshops = LANGUAGES[code]
    response = client.get(summary_url)
    assert response.status_code == 200
    doc = html(response)
    assert doc.html["lang"] == code
    assert doc.h1.get_text(strip=True) == summary_title
    assert sentence in doc.select_one(".rich-text").get_text()
    assert [h.get_text() for h in doc.select(".rich-text h2")].__len__() == 4
    assert doc.select_one(".breadcrumbs a")["href"] == f"/{code}/"
    assert_no_german_interface(response)


def test_the_german_and_english_summary_pages(client):
    german = html(client.get("/der-plan-in-kuerze/"))
    assert german.h1.get_text() == "Der Plan in Kürze"
    assert german.select_one("a.button").get_text() == "Zum Plan und Inhaltsverzeichnis"
    english = html(client.get("/en/the-plan-in-brief/"))
    assert english.h1.get_text() == "The plan in brief"
    assert english.select_one("a.button")["href"] == "/en/plan/"
    assert SummaryPage.objects.filter(locale__language_code="de").get().show_in_menus


@pytest.mark.parametrize("url", ["/", "/der-plan-in-kuerze/", "/en/", "/tr/", "/uk/plan-korotko/", "/ar/", "/ar/workshops/"])
def test_the_language_switcher_and_hreflang_name_every_language_of_the_page(client, url):
    doc = html(client.get(url))
    current = doc.html["lang"]
    links = hreflangs(doc)
    assert set(links) == {*ALL, "x-default"}
    assert links["x-default"] == links["de"]
    switcher = {a["hreflang"]: a for a in doc.select(".language-switcher a")}
    assert set(switcher) == set(ALL) - {current}
    assert switcher.get("ar") is None or switcher["ar"]["dir"] == "rtl"
    assert all(a.get("rel") == ["alternate"] for a in switcher.values())  # each leads to the same page, translated


def test_pages_without_a_translation_offer_only_the_full_languages(client):
    chapter = ChapterPage.objects.get(number="5.3", locale__language_code="de")
    doc = html(client.get(chapter.url))
    assert set(hreflangs(doc)) == {"de", "en", "x-default"}
    assert {a["hreflang"] for a in doc.select(".language-switcher a")} == {"en"}
    # and the address in a partial language is no page (nothing links there)
    assert client.get(f"/tr{chapter.url}").status_code == 404


@pytest.mark.parametrize("path", ["/suche/", "/offene-daten/", "/abbildungen/vergleich/"])
def test_views_without_a_translation_lead_to_german(client, path):
    for code in LANGUAGES:
        response = client.get(f"/{code}{path}?q=Support")
        assert response.status_code == 302
        assert response["Location"] == f"{path}?q=Support"
    doc = html(client.get(f"{path}"))
    assert not {"tr", "uk", "ar"} & {a["hreflang"] for a in doc.select(".language-switcher a")}
    assert client.get(f"/en{path}").status_code == 200  # English has them all


def test_the_menu_links_of_a_partial_language_work(client):
    for code in LANGUAGES:
        doc = html(client.get(f"/{code}/"))
        for a in doc.select(".main-nav a, .site-footer a"):
            if a["href"].startswith("/admin/"):
                continue
            response = client.get(a["href"])
            assert response.status_code in (200, 302), a["href"]
            if response.status_code == 302:
                assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("code", ALL)
def test_only_arabic_is_right_to_left(client, code):
    prefix = "" if code == "de" else f"/{code}"
    for url in (f"{prefix}/", f"{prefix}/workshops/"):
        doc = html(client.get(url))
        assert doc.html["lang"] == code
        assert doc.html["dir"] == ("rtl" if code == "ar" else "ltr")
        # German text on the page (menu entries, the workshop titles) keeps its own direction on an Arabic page
        if code == "ar":
            german = doc.select('[lang="de"]')
            assert german and all(el.get("dir") == "ltr" for el in german)


def test_the_stylesheet_uses_logical_directions():
    """Margins, paddings, borders and positions follow the reading direction, so RTL mirrors the layout."""
    import re

    from django.conf import settings

    css = (settings.PORTAL_DIR / "static" / "css" / "mep.css").read_text(encoding="utf-8")
    physical = re.findall(r"(?<![-\w])(?:(?:margin|padding|border)-(?:left|right)|left|right)\s*:", css)
    assert physical == []
    assert "text-align: left" not in css and "text-align: right" not in css
    assert "inset-inline-start" in css and "padding-inline-start" in css


def test_the_sitemap_lists_the_new_languages_with_alternates(client):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    entries = {url.find("s:loc", ns).text: url for url in tree.findall("s:url", ns)}
    summaries = {code: f"http://testserver{path}" for code, path in SUMMARY_URLS.items()}
    for url in summaries.values():
        assert url in entries
        links = {link.get("hreflang"): link.get("href") for link in entries[url].findall("x:link", ns)}
        assert links == {**summaries, "x-default": summaries["de"]}
    for code in LANGUAGES:
        assert f"http://testserver/{code}/" in entries
        assert f"http://testserver/{code}/workshops/" in entries
        assert f"http://testserver/{code}/offene-daten/" not in entries  # a redirect, not a page of that language
    workshop_links = {link.get("hreflang") for link in entries["http://testserver/workshops/"].findall("x:link", ns)}
    assert workshop_links == {*ALL, "x-default"}


def test_load_content_creates_the_locales_and_stays_idempotent_keeping_edits(client):
    assert set(Locale.objects.values_list("language_code", flat=True)) >= set(ALL)
    for code in ALL:
        assert HomePage.objects.filter(locale__language_code=code).count() == 1
        assert SummaryPage.objects.filter(locale__language_code=code).count() == 1
    # an editor corrects the Turkish title in the translation editor
    turkish = Locale.objects.get(language_code="tr")
    title = StringTranslation.objects.get(locale=turkish, translation_of__data="Der Plan in Kürze", context__path="title")
    title.data = "Plan kısaca"
    title.save()
    pages_before = Page.objects.count()
    out = StringIO()
    call_command("load_content", stdout=out)
    assert "nichts geändert" in out.getvalue()
    assert Page.objects.count() == pages_before
    title.refresh_from_db()
    assert title.data == "Plan kısaca"
    assert StringTranslation.objects.filter(locale=turkish, translation_of__data="Der Plan in Kürze").count() == 1


def test_a_language_taken_out_of_mep_partial_languages_is_offered_everywhere(client, settings):
    """MEP_PARTIAL_LANGUAGES decides: Turkish as a full language gets its views and the switcher's fallback note."""
    settings.MEP_PARTIAL_LANGUAGES = ["uk", "ar"]
    assert client.get("/tr/suche/").status_code == 200
    chapter = ChapterPage.objects.get(number="5.3", locale__language_code="de")
    doc = html(client.get(chapter.url))
    turkish = doc.select_one('.language-switcher a[hreflang="tr"]')
    assert turkish["href"] == "http://testserver/tr/"  # no Turkish chapter: the Turkish start page, and it says so
    assert "Bu sayfa henüz Türkçe olarak yok" in doc.select_one('.language-switcher__note[lang="tr"]').get_text()
    assert doc.select_one('.language-switcher a[hreflang="uk"]') is None
    assert client.get("/uk/suche/").status_code == 302
