"""Readers find and keep their language: English interface under /en/, switcher, hreflang, sitemap, catalogues."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize
from wagtail.models import Locale

from portal.plan.management.commands.compile_catalogues import catalogue_files, compile_catalogue
from portal.plan.models import ChapterPage, HomePage

ROOT = Path(settings.BASE_DIR)
PORTAL = ROOT / "portal"

# Interface words that must not be left on an English page once German text marked lang="de" is set aside.
GERMAN_WORDS = [
    "und", "der", "die", "das", "für", "nicht", "Sie", "Ihre", "bitte", "Bitte", "Seite", "Startseite", "Suche",
    "Termin", "Termine", "Platz", "Plätze", "Buchung", "buchen", "Warteliste", "Schule", "Zielgruppe", "Thema",
    "Themen", "Uhr", "Daten", "Zyklus", "Abbildung", "Abbildungen", "gefunden", "Fehler", "Lehrkräfte", "zurück",
    "Zurück", "Anmeldung", "Redaktion", "Rechtliches", "Hauptnavigation", "Stadt", "Kalender", "Alle", "Offene",
]
GERMAN_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, GERMAN_WORDS)) + r")(?![\w-])")


def english_text(html: bytes) -> str:
    """The page's visible text and labels without the parts that say they are German (lang="de")."""
    doc = BeautifulSoup(html, "html.parser")
    for element in doc.select('[lang="de"], script, style'):
        element.decompose()
    labels = [el.get(attr, "") for attr in ("aria-label", "title", "alt", "placeholder") for el in doc.find_all(attrs={attr: True})]
    return " ".join([doc.get_text(" ", strip=True), *labels])


def assert_english(response):
    assert response["Content-Language"] == "en" or BeautifulSoup(response.content, "html.parser").html["lang"] == "en"
    leftovers = sorted(set(GERMAN_PATTERN.findall(english_text(response.content))))
    assert leftovers == [], f"German interface words on an English page: {leftovers}"


# --- catalogues ---------------------------------------------------------------

GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy", "npgettext"}


def extracted_messages() -> set[tuple[str | None, str]]:
    """What `makemessages` collects, in pure Python: gettext calls in modules, translate tags in templates."""
    found = set()
    ignored = ("engine", "migrations", "settings")
    for path in PORTAL.rglob("*.py"):
        if any(part in ignored for part in path.relative_to(PORTAL).parts):
            continue
        found |= calls_in(path.read_text(encoding="utf-8"))
    for path in [*PORTAL.rglob("templates/**/*.html"), *PORTAL.rglob("templates/**/*.txt")]:
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # templatize writes Python-like gettext calls among "X" placeholders; read them one per line
        for line in source.splitlines():
            for call in TEMPLATE_CALL.findall(line):
                try:
                    found |= calls_in(call)
                except SyntaxError:
                    pass
    return found


#: one gettext call of templatize's output: string literals (and a count's name), never two calls at once
TEMPLATE_CALL = re.compile(
    r"""\b(?:n?p?gettext|_)\((?:\s*(?:u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*)\s*,?)+\)"""
)


def calls_in(source: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT_CALLS:
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            name = getattr(node.func, "id", None) or node.func.attr
            if name.startswith(("pgettext", "npgettext")) and len(args) >= 2:
                found.add((args[0], args[1]))
            elif args:
                found.add((None, args[0]))
    return found


def catalogue_entries() -> dict[tuple[str | None, str], polib.POEntry]:
    entries = {}
    for po_path in catalogue_files():
        for entry in polib.pofile(str(po_path)):
            entries[(entry.msgctxt, entry.msgid)] = entry
    return entries


def test_every_interface_string_has_an_english_translation_that_is_not_fuzzy():
    entries = catalogue_entries()
    found = extracted_messages()
    assert len(found) > 400  # the extraction itself works
    missing = sorted(msgid for key, msgid in ((k, k[1]) for k in found) if key not in entries)
    assert missing == [], f"not in any catalogue (run `make messages`): {missing[:10]}"
    untranslated = sorted(msgid for (ctx, msgid), entry in entries.items() if (ctx, msgid) in found and not entry.translated())
    assert untranslated == [], f"untranslated or fuzzy: {untranslated[:10]}"


def test_locale_paths_and_app_catalogues_exist():
    assert all(Path(path).is_dir() for path in settings.LOCALE_PATHS)
    folders = {po.parents[2].parent.name for po in catalogue_files()}
    assert {"portal", "figures", "plan", "search", "workshops"} <= folders


def test_catalogues_compile_without_gnu_gettext(tmp_path):
    """polib writes the .mo; Python's own gettext reads it back with every translation of the .po."""
    for po_path in catalogue_files():
        copy = tmp_path / po_path.relative_to(ROOT)
        copy.parent.mkdir(parents=True)
        shutil.copy(po_path, copy)
        with compile_catalogue(copy).open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)
        for entry in polib.pofile(str(po_path)).translated_entries():
            if not entry.msgid_plural and not entry.msgctxt:
                assert compiled.gettext(entry.msgid) == entry.msgstr


def test_make_install_compiles_the_catalogues():
    """`make install` (and with it `make setup`, `run` and `test`) runs the pure-Python compile step."""
    dry_run = subprocess.run(["make", "-n", "-B", "install"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "manage.py compile_catalogues" in dry_run
    assert "msgfmt" not in dry_run and "compilemessages" not in dry_run


def test_the_compile_command_writes_what_is_stale(tmp_path, settings):
    from django.core.management import call_command

    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(PORTAL / "locale" / "en" / "LC_MESSAGES" / "django.po", po)
    settings.PORTAL_DIR = tmp_path / "nothing"
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("compile_catalogues", verbosity=0)
    assert po.with_suffix(".mo").exists()


def test_a_missing_or_outdated_catalogue_is_reported_by_the_system_check(tmp_path, settings):
    from portal.plan.checks import compiled_catalogues

    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(PORTAL / "locale" / "en" / "LC_MESSAGES" / "django.po", po)
    settings.PORTAL_DIR = tmp_path / "nothing"
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    [warning] = compiled_catalogues(None)
    assert warning.id == "plan.W001" and str(po.with_suffix(".mo")) in warning.msg
    compile_catalogue(po)
    assert compiled_catalogues(None) == []


# --- the English interface ------------------------------------------------------

@pytest.mark.django_db
def test_the_404_page_speaks_english_under_en(client):
    response = client.get("/en/gibt-es-nicht/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert_english(response)


@pytest.mark.django_db
def test_open_data_compare_and_search_speak_english_under_en(client):
    for url in ["/en/offene-daten/", "/en/abbildungen/vergleich/", "/en/suche/?q=devices"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_english(response)


def test_published_figures_come_with_an_english_frame(client, published):
    """Figure titles and headings are the figures' own (issue 11, point 3); what frames them is English."""
    doc = BeautifulSoup(client.get("/en/offene-daten/").content, "html.parser")
    assert doc.h1.get_text() == "Open data"
    assert doc.find("caption").get_text().startswith("Published figures, cycle ")
    assert [th.get_text() for th in doc.find("thead").find_all("th")] == ["Figure", "Columns", "Data"]
    assert "As of:" in doc.find("section").p.get_text() and " November " in doc.find("section").time.get_text()
    assert not re.search(r"\d\. November", doc.find("section").time.get_text())  # the English date, not "26. November"
    doc = BeautifulSoup(client.get("/en/abbildungen/vergleich/").content, "html.parser")
    assert doc.h1.get_text() == "Compare the figures of two cycles"
    assert [label.get_text() for label in doc.select(".compare-form label")] == ["Figure", "Cycle A", "Cycle B", "changes only"]


@pytest.mark.django_db
def test_the_same_views_stay_german_at_the_root(client):
    response = client.get("/offene-daten/")
    doc = BeautifulSoup(response.content, "html.parser")
    assert doc.html["lang"] == "de" and doc.h1.get_text() == "Offene Daten"


# --- switcher, hreflang, sitemap --------------------------------------------------


@pytest.fixture
def english_chapter(db):
    """Chapter 5.3 translated to English (with its parents), as wagtail-localize would sync it."""
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    english = chapter.get_translation_or_none(Locale.objects.get(language_code="en")) or chapter.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "Financial and investment planning"
    english.save_revision().publish()
    for ancestor in english.get_ancestors().filter(depth__gte=2, live=False):
        ancestor.specific.save_revision().publish()
    return chapter, ChapterPage.objects.get(pk=english.pk)


def alternates_of(doc) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in doc.find_all("link", rel="alternate")}


def test_the_switcher_leads_to_the_same_page_in_the_other_language(client, english_chapter):
    german, english = english_chapter
    doc = BeautifulSoup(client.get(german.url).content, "html.parser")
    [switch] = doc.select(".language-switcher a")
    assert switch["href"] == f"http://testserver{english.url}" and switch["lang"] == "en" and switch["hreflang"] == "en"
    assert switch.get_text(strip=True) == "English"

    response = client.get(english.url)
    assert english.url.startswith("/en/") and response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    assert doc.html["lang"] == "en"
    [switch] = doc.select(".language-switcher a")
    assert switch["href"] == f"http://testserver{german.url}" and switch["lang"] == "de"
    assert switch.get_text(strip=True) == "Deutsch"


def test_every_version_of_a_page_names_all_languages_and_the_german_default(client, english_chapter):
    german, english = english_chapter
    expected = {
        "de": f"http://testserver{german.url}",
        "en": f"http://testserver{english.url}",
        "x-default": f"http://testserver{german.url}",
    }
    for url in (german.url, english.url):
        assert alternates_of(BeautifulSoup(client.get(url).content, "html.parser")) == expected


def test_a_page_without_translation_leads_to_the_other_home_and_says_so(client, english_chapter):
    untranslated = ChapterPage.objects.get(locale__language_code="de", number="5.2")
    english = untranslated.get_translation_or_none(Locale.objects.get(language_code="en"))
    if english is not None:  # the content pack translates every chapter: take this one back
        english.unpublish()
    doc = BeautifulSoup(client.get(untranslated.url).content, "html.parser")
    [switch] = doc.select(".language-switcher a")
    assert switch["href"] == "http://testserver/en/"
    note = doc.select_one(".language-switcher__note")
    assert note["lang"] == "en" and "not available in English yet" in note.get_text()
    # no hreflang promises a translation that does not exist
    assert alternates_of(doc) == {"de": f"http://testserver{untranslated.url}", "x-default": f"http://testserver{untranslated.url}"}


@pytest.mark.django_db
def test_views_switch_to_the_same_address_in_the_other_language(client):
    doc = BeautifulSoup(client.get("/workshops/").content, "html.parser")
    assert doc.select_one(".language-switcher a")["href"] == "http://testserver/en/workshops/"
    assert alternates_of(doc) == {
        "de": "http://testserver/workshops/",
        "en": "http://testserver/en/workshops/",
        # the workshops are also translated into the languages with only a few pages
        "tr": "http://testserver/tr/workshops/",
        "uk": "http://testserver/uk/workshops/",
        "ar": "http://testserver/ar/workshops/",
        "x-default": "http://testserver/workshops/",
    }
    doc = BeautifulSoup(client.get("/en/workshops/").content, "html.parser")
    assert doc.select_one(".language-switcher a")["href"] == "http://testserver/workshops/"


def test_the_sitemap_lists_both_languages_with_alternates(client, english_chapter):
    german, english = english_chapter
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {url.find("s:loc", ns).text: url for url in ElementTree.fromstring(response.content).findall("s:url", ns)}
    german_url, english_url = f"http://testserver{german.url}", f"http://testserver{english.url}"
    assert german_url in entries and english_url in entries
    for url in (german_url, english_url):
        links = {link.get("hreflang"): link.get("href") for link in entries[url].findall("x:link", ns)}
        assert links == {"de": german_url, "en": english_url, "x-default": german_url}
    assert "http://testserver/en/workshops/" in entries and "http://testserver/workshops/" in entries
    assert "http://testserver/en/offene-daten/" in entries
    # every live German page is listed, not only the translated ones
    assert f"http://testserver{ChapterPage.objects.get(number='5.2', locale__language_code='de').url}" in entries


@pytest.mark.django_db
def test_german_menu_titles_on_an_english_page_are_marked_german(client):
    # where the English tree is missing (a new installation before its translation), the menu shows the German one
    english_home = HomePage.objects.filter(locale__language_code="en").first()
    if english_home is not None:
        english_home.delete()
    doc = BeautifulSoup(client.get("/en/workshops/").content, "html.parser")
    page_links = [a for a in doc.select(".main-nav a") if "/workshops/" not in a["href"] and "/suche/" not in a["href"]]
    assert page_links and all(a.get("lang") == "de" for a in page_links)
    assert doc.select_one(".main-nav a[href='/en/workshops/']").get("lang") is None


@pytest.mark.django_db
def test_home_page_exists_once_per_language_and_english_home_falls_back(client):
    """Without an English start page /en/ still answers (Wagtail serves the site root), with an English interface."""
    assert HomePage.objects.filter(locale__language_code="de").exists()
    response = client.get("/en/")
    assert response.status_code == 200
    assert b"Skip to content" in response.content


def test_the_compiled_english_catalogue_is_loaded():
    with translation.override("de"):
        assert translation.gettext("Zum Inhalt springen") == "Zum Inhalt springen"
    with translation.override("en"):
        assert translation.gettext("Zum Inhalt springen") == "Skip to content"

