"""Leichte Sprache (issue 11, point 5): the page, its link in every header, its language, its search.

The language checks are the rules of the Netzwerk Leichte Sprache that a
program can check: short sentences, one statement per sentence (no clause
after a comma), no abbreviations, no passive, no genitive articles, no
negation, numbers as digits, long words split or explained, every explained
word used. They read the rendered page, so they also hold for what an editor
writes in the admin.
"""

from __future__ import annotations

import re

import pytest
import yaml
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import Page

from portal.plan.content_pack import ContentPackError, ContentPackLoader
from portal.plan.models import (
    ChapterPage,
    EasyLanguagePage,
    HomePage,
    LegalPage,
    PartnerOfferIndexPage,
    PartnerOfferPage,
    PartPage,
    PlanPage,
    SummaryPage,
)

from .helpers import PACK

pytestmark = pytest.mark.django_db

MAX_WORDS = 15
#: a word longer than this (between hyphens) is split with a hyphen ("Medien-Zentrum") or explained in a box
MAX_LETTERS = 12
WORD = re.compile(r"[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)*")
PASSIVE = {"wird", "werden", "wurde", "wurden", "worden", "würde", "würden"}
GENITIVE = {"des", "eines", "deren", "dessen", "wessen"}
NEGATION = {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "nichts", "niemand"}
NUMBER_WORDS = {"zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf", "hundert", "tausend"}
#: conjunctions and relative pronouns that open a subordinate clause after a comma
SUBORDINATE = re.compile(r",\s*(dass|weil|obwohl|wenn|ob|damit|sodass|der|die|das|welche|welcher|welches|wo)\b", re.I)
ABBREVIATION = re.compile(r"\b[A-Za-zÄÖÜäöü]{1,4}\.\s?[A-Za-zÄÖÜäöü]{0,3}\.|\b(bzw|usw|ggf|ca|inkl|evtl|etc|Nr|Str|Tel)\.")


def easy_page() -> EasyLanguagePage:
    return EasyLanguagePage.objects.get(locale__language_code="de")


def get(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def sentences(doc: BeautifulSoup) -> list[str]:
    """Every paragraph, list item and heading of the page's article, split into sentences."""
    article = doc.select_one("article.easy-language")
    found = []
    for element in article.find_all(["p", "li", "h1", "h2"]):
        text = " ".join(element.get_text(" ", strip=True).split())
        found += [s for s in re.split(r"(?<=[.?!:])\s+", text) if s]
    return found


def words(text: str) -> list[str]:
    return WORD.findall(text)


# --- the page -------------------------------------------------------------------


def test_the_pack_loads_the_page_german_only_under_the_start_page(client):
    page = easy_page()
    assert page.live and page.slug == "leichte-sprache" and page.title == "Leichte Sprache"
    assert page.get_parent().specific_class is HomePage and not page.show_in_menus
    assert not EasyLanguagePage.objects.exclude(locale__language_code="de").exists()
    kinds = {block.block_type for block in page.body}
    assert kinds == {"heading", "sentences", "list", "word", "link"}
    doc = get(client, page.url)
    assert doc.html["lang"] == "de"
    assert doc.h1.get_text(strip=True) == "Leichte Sprache"


def test_the_page_explains_the_plan_its_contents_booking_and_contact(client):
    doc = get(client, easy_page().url)
    headings = [h.get_text(strip=True) for h in doc.select("article h2")]
    assert headings == [
        "Was ist der Medien-Entwicklungs-Plan?",
        "Was steht im Plan?",
        "Workshops im Medien-Studio",
        "So bucht eine Schule einen Workshop",
        "So erreichen Sie das Medien-Zentrum",
    ]
    text = doc.select_one("article").get_text(" ", strip=True)
    assert "Universitäts-Straße 43 bis 49" in text and "44789 Bochum" in text  # the Medienzentrum's address
    assert "Plätze buchen" in text  # the button a school presses, as the booking page names it
    links = {a["href"] for a in doc.select("article a")}
    plan = PlanPage.objects.get(locale__language_code="de")
    assert {plan.url, "/workshops/", "https://www.bochum.de/Schulverwaltungsamt/Medienzentrum"} <= links
    for href in links - {"https://www.bochum.de/Schulverwaltungsamt/Medienzentrum"}:
        assert client.get(href).status_code == 200, href
    booking = get(client, "/workshops/")
    assert booking.find(string=re.compile("Workshops")), "the workshop list the page sends schools to"


def test_every_sentence_keeps_the_rules_of_leichte_sprache(client):
    doc = get(client, easy_page().url)
    found = sentences(doc)
    assert len(found) > 60
    for sentence in found:
        tokens = words(sentence)
        lower = {t.lower() for t in tokens}
        assert len(tokens) <= MAX_WORDS, f"zu lang ({len(tokens)} Wörter): {sentence}"
        assert not SUBORDINATE.search(sentence), f"Nebensatz: {sentence}"
        assert not ABBREVIATION.search(sentence), f"Abkürzung: {sentence}"
        assert not [t for t in tokens if len(t) >= 2 and t.isupper()], f"Abkürzung: {sentence}"
        assert not lower & PASSIVE, f"Passiv: {sentence}"
        assert not lower & GENITIVE, f"Genitiv: {sentence}"
        assert not lower & NEGATION, f"Verneinung: {sentence}"
        assert not lower & NUMBER_WORDS, f"Zahl als Wort statt als Ziffer: {sentence}"


def test_each_sentence_starts_on_its_own_line(client):
    doc = get(client, easy_page().url)
    for p in doc.select("article .easy-sentences p, article .explained-word p:not(.explained-word__title)"):
        text = " ".join(p.get_text(" ", strip=True).split())
        assert len(re.findall(r"[.?!](?=\s|$)", text)) <= 1, f"mehr als ein Satz in einer Zeile: {text}"


def test_hard_words_are_explained_and_every_explained_word_is_used(client):
    doc = get(client, easy_page().url)
    boxes = doc.select("article aside.explained-word")
    assert len(boxes) >= 8
    explained = set()
    for box in boxes:
        word = box.find("dfn").get_text(strip=True)
        title = box.select_one(".explained-word__title").get_text(" ", strip=True)
        assert title == f"Das Wort {word} bedeutet:"
        assert box["aria-labelledby"] == box.select_one(".explained-word__title")["id"]
        explanation = [p.get_text(" ", strip=True) for p in box.find_all("p")[1:]]
        assert explanation and all(explanation), word
        explained.add(word.lower())
    assert len(explained) == len(boxes), "ein Wort zweimal erklärt"
    article = doc.select_one("article")
    for box in article.select("aside"):
        box.decompose()
    text = article.get_text(" ", strip=True).lower()
    for word in explained:
        assert word in text, f"„{word}“ ist erklärt, kommt im Text aber nicht vor"
    long_words = {
        part for token in words(text) for part in token.split("-")
        if len(part) > MAX_LETTERS and not any(part in e.replace("-", "") for e in explained)
    }
    assert long_words == set(), f"lange Wörter ohne Bindestrich oder Erklärung: {sorted(long_words)}"


def test_the_layout_is_larger_left_aligned_and_without_inline_styles(client):
    response = client.get(easy_page().url)
    doc = BeautifulSoup(response.content, "html.parser")
    assert doc.select_one("body.easy-language-page article.easy-language")
    assert not doc.find(attrs={"style": True}) and not doc.find("style")
    css = (PACK.parent / "portal" / "static" / "css" / "mep.css").read_text(encoding="utf-8")
    rule = re.search(r"\.easy-language \{([^}]*)\}", css).group(1)
    # "start" is the left edge on this German (left-to-right) page; the stylesheet has no physical directions
    assert "font-size: 1.25rem" in rule and "line-height: 1.8" in rule and "text-align: start" in rule
    assert doc.html.get("lang") == "de" and doc.html.get("dir") == "ltr"


# --- reachable from every page ----------------------------------------------------


def header_link(doc: BeautifulSoup):
    links = doc.select("header .easy-language-link a")
    assert len(links) == 1
    return links[0]


def test_every_page_type_and_view_links_to_it_in_its_header(client):
    url = easy_page().url
    pages = [
        HomePage, PlanPage, PartPage, ChapterPage, PartnerOfferIndexPage, PartnerOfferPage, LegalPage, EasyLanguagePage,
        SummaryPage,
    ]
    addresses = [model.objects.filter(locale__language_code="de").live().first().url for model in pages]
    addresses += ["/workshops/", "/suche/?q=Plan", "/offene-daten/", "/abbildungen/vergleich/"]
    assert len({type(p.specific) for p in Page.objects.filter(depth__gt=1)}) == len(pages)  # every page type is here
    for address in addresses:
        link = header_link(get(client, address))
        assert link["href"] == url and link["hreflang"] == "de", address
        assert link.get_text(strip=True) == "Leichte Sprache", address
        assert not link.has_attr("lang"), address  # the page is German already
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert header_link(BeautifulSoup(response.content, "html.parser"))["href"] == url


def test_english_pages_link_to_the_german_page_as_easy_german(client):
    url = easy_page().url
    english = [
        model.objects.filter(locale__language_code="en").live().first().url
        for model in (HomePage, PlanPage, ChapterPage, PartnerOfferPage, LegalPage)
    ] + ["/en/workshops/", "/en/suche/?q=plan"]
    for address in english:
        doc = get(client, address)
        assert doc.html["lang"] == "en"
        link = header_link(doc)
        assert link["href"] == url and link["hreflang"] == "de", address
        assert link.select_one('span[lang="de"]').get_text(strip=True) == "Leichte Sprache"
        assert " ".join(link.get_text().split()) == "Leichte Sprache (Easy German)", address


def test_a_crawl_of_the_german_site_reaches_it_from_the_start_page(client):
    url = easy_page().url
    doc = get(client, "/")
    assert header_link(doc)["href"] == url
    assert get(client, url).select_one('header .easy-language-link a[aria-current="page"]')


def test_search_finds_it(client):
    for query in ("Leichte Sprache", "Tablet", "Warte"):
        doc = get(client, f"/suche/?q={query}")
        assert easy_page().url in {a["href"] for a in doc.select("main a")}, query


# --- the pack ---------------------------------------------------------------------


def test_loading_again_keeps_what_an_editor_changed():
    page = easy_page()
    page.title = "Leichte Sprache – von der Redaktion"
    page.save_revision().publish()
    call_command("load_content", verbosity=0)
    assert easy_page().title == "Leichte Sprache – von der Redaktion"
    assert EasyLanguagePage.objects.count() == 1


def test_an_unknown_block_is_refused_with_file_and_place(tmp_path):
    import shutil

    pack = tmp_path / "content"
    shutil.copytree(PACK, pack)
    path = pack / "leichte_sprache.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["body"].insert(1, {"tabelle": "…"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentPackError, match=r"leichte_sprache.yaml:\d+: Block 2: unbekannter Blocktyp 'tabelle'"):
        ContentPackLoader(pack).load()
    assert easy_page().body[1].block_type == "sentences"  # nothing changed
