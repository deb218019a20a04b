"""Issue 11, "done when": no German interface word is left on an English page.

A crawl from /en/ (plan, partner offers, legal pages, workshops and their
dates and booking forms, search, open data, the figure comparison) with the
demo figures published reads every page's visible text and labels, sets aside
what says it is German (``lang="de"``: workshop titles and descriptions, a
school's name in a table, menu titles of untranslated pages) and quoted titles
(German publications are quoted in italics), and looks for typical German
interface words.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from .test_i18n import GERMAN_WORDS as INTERFACE_WORDS

pytestmark = pytest.mark.django_db

#: words of the portal's own interface and of the figures' tables that must read English under /en/
GERMAN_WORDS = sorted(
    {
        *INTERFACE_WORDS,
        "Weiter", "weiter", "Kapitel", "Beispieldaten", "Beispiel", "Grundschule", "Grundschulen", "Hauptschule",
        "Realschule", "Gesamtschule", "Gymnasium", "Förderschule", "Berufskolleg", "Schülergeräte", "Schulform",
        "Jahr", "Gesamt", "Anzahl", "Kategorie", "Infrastruktur", "Dienstleistung", "Ausstattung", "Zusammenfassung",
        "Inhalt", "Inhaltsverzeichnis", "Vorheriges", "Nächstes", "Herunterladen", "herunterladen", "Stand",
        "Sprache", "Deutsch", "Englisch", "Schließen", "Absenden", "Abbrechen", "Ergebnisse", "Treffer",
        "Workshops im Medienstudio", "Uhrzeit", "Dauer", "Minuten", "Ort", "frei", "ausgebucht", "Anmelden",
    }
)
#: German proper names the English content keeps on purpose, each glossed in English where it is used
#: (content/README.md: "German proper names stay German with a short English gloss")
PROPER_NAMES = [
    "DigitalPakt Schule",
    "Leichte Sprache",
    "Ombudsstelle für barrierefreie Informationstechnik",
    "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
    "Amt für Finanzsteuerung",
    "Medienentwicklungsplanung in NRW: Eine Orientierungshilfe für Schulträger und Schulen",
    "QUA-LiS – Qualitäts- und Unterstützungsagentur des Landes – Landesinstitut für Schule",
    "Grundschulen (primary schools)",
    "Digitalstrategie Schule NRW",
    "Schulgesetz für das Land Nordrhein-Westfalen",
]
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, GERMAN_WORDS)) + r")(?![\w-])")


def english_text(html: bytes, names: list[str] = PROPER_NAMES) -> str:
    """Visible text and labels of a page, without what is marked German, quoted titles and proper ``names``."""
    doc = BeautifulSoup(html, "html.parser")
    for element in doc.select('[lang="de"], script, style, main em, main cite'):
        element.decompose()
    labels = [el.get(a, "") for a in ("aria-label", "title", "alt", "placeholder") for el in doc.find_all(attrs={a: True})]
    text = " ".join(" ".join([doc.get_text(" ", strip=True), *labels]).split())
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def planners_words(published) -> list[str]:
    """Text values of the published data that no catalogue translates: school names, the planner's product group
    labels and licences. They are data, not interface; in tables they are marked lang="de", in charts they stand as
    the planner wrote them."""
    found = set()
    for snapshot in published.snapshots.all():
        known = snapshot.translations.get("en", {}).get("values", {})
        found |= {v for row in snapshot.data for v in row.values() if isinstance(v, str) and v not in known}
    return sorted(found)


def crawl(client, start: str, also: list[str]) -> dict[str, bytes]:
    """Every page reachable from ``start`` by links that stay under it (no query strings), plus ``also``."""
    seen, queue = {}, [start, *also]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        seen[url] = response.content
        for a in BeautifulSoup(response.content, "html.parser").find_all("a", href=True):
            href = urldefrag(a["href"])[0]
            if urlparse(href).netloc or not href.startswith(start) or "?" in href or href in seen:
                continue
            if href.endswith((".ics", ".csv", ".json")):
                continue
            queue.append(href)
    return seen


def test_a_crawl_of_en_finds_no_german_interface_word_outside_lang_de(client, published):
    from portal.workshops.content import load_workshops

    load_workshops()  # the demo workshops (German only: their titles and descriptions are marked lang="de")
    pages = crawl(
        client,
        "/en/",
        also=["/en/suche/?q=school", "/en/abbildungen/vergleich/?key=infrastructure.device_ratio", "/en/offene-daten/"],
    )
    kinds = {re.sub(r"/\d+/", "/N/", url) for url in pages}
    assert any("/en/workshops/termine/N/buchen/" == k for k in kinds), sorted(kinds)[:20]  # the booking form was reached
    english = {page.url for page in Page.objects.filter(locale__language_code="en", depth__gt=1).live()}
    assert len(english) > 30 and english <= pages.keys(), sorted(english - pages.keys())  # every page of the plan
    booking = next(url for url in pages if url.endswith("/buchen/"))
    refused = client.post(booking, {})  # every error message of the booking form
    assert refused.status_code == 422 and b"error-summary" in refused.content
    pages[booking + " (POST)"] = refused.content
    leftovers = {}
    names = PROPER_NAMES + planners_words(published)
    assert "Grundschule" not in names  # a school type is the contract's vocabulary: it must read English
    for url, html in pages.items():
        doc = BeautifulSoup(html, "html.parser")
        assert doc.html["lang"] == "en", url
        found = sorted(set(PATTERN.findall(english_text(html, names))))
        if found:
            leftovers[url] = found
    assert leftovers == {}, f"German interface words on English pages: {leftovers}"


def test_the_check_finds_german_where_it_is_not_marked(client, published):
    """The crawl's reading tells the languages apart: a German page is full of these words, a marked one has none."""
    german = english_text(client.get("/workshops/").content.replace(b'<html lang="de"', b'<html lang="en"'))
    assert {"Workshops im Medienstudio", "Suche"} <= set(PATTERN.findall(german))
    marked = b'<html lang="en"><body><p lang="de">Zur\xc3\xbcck zur Suche</p><main><em>Kapitel und Ziele</em></main></body></html>'
    assert PATTERN.findall(english_text(marked)) == []
