"""The plan in English: wagtail-localize translations of every page and snippet, reachable under /en/."""

import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.translation import gettext
from wagtail.models import Locale, Page, Revision
from wagtail.rich_text import RichText
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from portal.plan.models import ChapterPage, EasyLanguagePage
from portal.plan.snippets import ActorGroup, ContentField, CycleStep, Endnote, LinkEntry, Milestone, StrategicLevel

from .helpers import PACK

pytestmark = pytest.mark.django_db

# Snippets that are translated as a whole (Actor and StrategicElement are translated with their group and level).
SNIPPETS = [Milestone, ActorGroup, CycleStep, ContentField, StrategicLevel, LinkEntry, Endnote]

# Interface pages of other parts of the portal; the crawl looks at the plan's content pages.
NOT_CONTENT = ("/en/workshops/", "/en/suche/", "/en/abbildungen/", "/en/tabellen/", "/en/dialog/daten.", "/en/offene-daten/", "/en/ziele/ziele.", "/en/ziele/verlauf.")  # downloads

ENGLISH_WORDS = {"the", "and", "of", "to", "is", "for", "with", "in", "are", "on", "that", "which", "by", "it", "this", "be"}
GERMAN_WORDS = {
    "und", "der", "die", "das", "den", "dem", "des", "ist", "sind", "wird", "werden", "mit", "für", "nicht",
    "eine", "einer", "auf", "von", "zu", "im", "auch", "oder", "bei", "sich", "als", "wie", "nach", "über",
}


def german_pages():
    # Leichte Sprache is easy German for German readers: by design it has no English version (issue 11, point 5).
    return Page.objects.filter(locale__language_code="de", depth__gt=1).not_type(EasyLanguagePage).specific()


def interface_strings() -> list[str]:
    """The strings the templates put into a page ({% translate %}); they belong to the interface catalogue, not the content."""
    found = set()
    for template in Path(settings.BASE_DIR, "portal").rglob("templates/**/*.html"):
        found.update(re.findall(r"""\{%\s*translate\s+["'](.+?)["']""", template.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)


def main_text(html: bytes) -> str:
    main = BeautifulSoup(html, "html.parser").find("main")
    for quoted in main.find_all("em"):
        quoted.decompose()  # titles of German publications are quoted in italics and stay German
    text = main.get_text(" ", strip=True)
    for string in interface_strings():
        text = text.replace(string, " ")
    return re.sub(r"https?://\S+", " ", text)  # addresses shown as text are not prose


def word_shares(text: str) -> tuple[float, float]:
    words = Counter(w.lower() for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", text))
    total = sum(words.values()) or 1
    return sum(words[w] for w in ENGLISH_WORDS) / total, sum(words[w] for w in GERMAN_WORDS) / total


def crawl(client, start: str) -> dict[str, bytes]:
    """Every page reachable from ``start`` by following links that stay in its language folder."""
    seen, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.content
        for a in BeautifulSoup(response.content, "html.parser").find_all("a", href=True):
            href = urldefrag(a["href"])[0]
            if urlparse(href).netloc or not href.startswith(start) or href.startswith(NOT_CONTENT) or "?" in href:
                continue
            if href not in seen:
                queue.append(href)
    return seen


def test_crawling_from_en_reaches_every_page_of_the_plan_in_english(client):
    english = Locale.objects.get(language_code="en")
    reached = crawl(client, "/en/")
    for page in german_pages():
        translation = page.get_translation_or_none(english)
        assert translation is not None and translation.live, f"{page.url}: keine englische Fassung"
        assert translation.url in reached, f"{translation.url} ({page.url}) ist von /en/ aus nicht erreichbar"
    assert len(reached) >= german_pages().count()
    # Content links on English pages (start page shortcuts, link lists, …) lead to the English pages.
    german_urls = {page.url for page in german_pages()}
    for url, html in reached.items():
        main = BeautifulSoup(html, "html.parser").find("main")
        assert main is not None, f"{url}: keine Seite mit <main>"
        hrefs = {a["href"] for a in main.find_all("a", href=True)}
        assert not hrefs & german_urls, f"{url} verlinkt deutsche Seiten: {sorted(hrefs & german_urls)}"


def test_english_pages_are_written_in_english(client):
    english = Locale.objects.get(language_code="en")
    for page in german_pages():
        translation = page.get_translation(english).specific
        if translation.title == page.title:  # only a name may stay as it is (Medienstudio Bochum)
            assert not set(translation.title.lower().split()) & GERMAN_WORDS, page.url
        german_html, english_html = client.get(page.url).content, client.get(translation.url).content
        en_share, de_share = word_shares(main_text(english_html))
        # The check tells the languages apart: it fails on the German twin.
        assert word_shares(main_text(german_html))[1] > 0.08, page.url
        assert en_share > 0.08 and de_share < 0.01, f"{translation.url}: englisch {en_share:.3f}, deutsch {de_share:.3f}"
        english_text = " ".join(main_text(english_html).split())
        for p in BeautifulSoup(german_html, "html.parser").find("main").find_all("p"):
            paragraph = " ".join(p.get_text(" ", strip=True).split())
            if len(paragraph) >= 60:
                assert paragraph not in english_text, f"{translation.url} enthält den deutschen Absatz „{paragraph[:60]}…“"


def test_every_page_and_snippet_has_a_complete_translation_editors_can_open():
    english = Locale.objects.get(language_code="en")
    objects = list(german_pages()) + [obj for model in SNIPPETS for obj in model.objects.filter(locale__language_code="de")]
    assert len(objects) > 90
    for obj in objects:
        source = TranslationSource.objects.get_for_instance(obj)
        translation = Translation.objects.get(source=source, target_locale=english)
        total, translated = translation.get_progress()
        assert translation.enabled and total == translated > 0, f"{obj!r}: {translated}/{total}"
        assert type(obj).objects.filter(translation_key=obj.translation_key, locale=english).exists(), repr(obj)


def test_english_snippets_are_shown_on_english_pages(client):
    english = Locale.objects.get(language_code="en")
    page = ChapterPage.objects.get(locale__language_code="de", number="4").get_translation(english)
    text = client.get(page.url).content.decode()
    steps = CycleStep.objects.filter(locale=english).order_by("number")
    assert [s.number for s in steps] == list(range(1, 9))
    assert all(s.title in text for s in steps)
    note = Endnote.objects.get(locale=english, number=2)
    assert "On the planning horizon" in note.text and note.url == Endnote.objects.get(locale__language_code="de", number=2).url


def test_a_changed_german_paragraph_shows_up_as_untranslated_in_wagtail_localize(client, django_capture_on_commit_callbacks):
    english = Locale.objects.get(language_code="en")
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    source = TranslationSource.objects.get_for_instance(page)
    translation = source.translations.get(target_locale=english)
    total, translated = translation.get_progress()
    assert total == translated
    assert str(translation.get_status_display()) == gettext("Up to date")

    # An editor rewrites the first paragraph and publishes; the page keeps its block, the words change.
    index = next(i for i, block in enumerate(page.body) if block.block_type == "paragraph")
    block_id = page.body[index].id
    page.body[index] = ("paragraph", RichText("<p>Die Fortschreibung plant auch die Investitionen der nächsten Jahre.</p>"), block_id)
    page.save_revision().publish()
    source.update_from_db()  # what "Sync translated pages" in the admin does

    assert translation.get_progress() == (total, translated - 1)
    assert str(translation.get_status_display()) == gettext("Waiting for translations")
    po = translation.export_po()
    changed = next(e for e in po if not e.obsolete and e.msgid.startswith("Die Fortschreibung plant auch"))
    assert changed.msgstr == ""
    old = [e for e in po if e.obsolete and e.msgctxt == changed.msgctxt]
    assert old and old[0].msgstr.startswith("The update of the media development plan"), "the old English stays for reference"

    # Loading the pack again does not cover the change with the pack's English for the old wording.
    call_command("load_content", verbosity=0)
    assert translation.get_progress() == (total, translated - 1)

    # A translator fills it in (editor or PO import), and the English page follows.
    changed.msgstr = "The update also plans the investment of the coming years."
    assert translation.import_po(po) == []
    assert translation.get_progress() == (total, total)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    english_page = page.get_translation(english)
    assert "The update also plans the investment of the coming years." in client.get(english_page.url).content.decode()


def test_loading_again_changes_no_translation():
    models = [Page, Revision, TranslationSource, Translation, StringTranslation]
    before = {m.__name__: m.objects.count() for m in models}
    latest = StringTranslation.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    call_command("load_content", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert StringTranslation.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == latest


def test_loading_again_keeps_what_a_translator_changed():
    english = Locale.objects.get(language_code="en")
    step = CycleStep.objects.get(locale__language_code="de", number=2)
    source = TranslationSource.objects.get_for_instance(step)
    segment = source.stringsegment_set.get(context__path="title")
    string_translation = StringTranslation.objects.get(
        translation_of=segment.string, context=segment.context, locale=english
    )
    string_translation.data = "Stocktaking"
    string_translation.save()
    source.translations.get(target_locale=english).save_target()
    call_command("load_content", verbosity=0)
    string_translation.refresh_from_db()
    assert string_translation.data == "Stocktaking"
    assert CycleStep.objects.get(locale=english, translation_key=step.translation_key).title == "Stocktaking"


@pytest.fixture
def pack_copy(tmp_path):
    shutil.copytree(PACK, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_english_with_other_facts_is_refused(pack_copy):
    path = pack_copy / "en" / "milestones.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["milestones"][0]["year"] = 2018
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", path=pack_copy, verbosity=0)
    assert "en/milestones.yaml" in str(excinfo.value)
    assert "'year' muss wie im deutschen Original lauten (2019)" in str(excinfo.value)


def test_english_with_other_paragraphs_is_refused(pack_copy):
    path = pack_copy / "en" / "chapters" / "05-3-finanz-und-investitionsplanung.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["body"][0]["text"] += "\n\nA paragraph the German does not have."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", path=pack_copy, verbosity=0)
    assert "05-3-finanz-und-investitionsplanung.yaml" in str(excinfo.value)
    assert "nicht dieselben Abschnitte" in str(excinfo.value)
