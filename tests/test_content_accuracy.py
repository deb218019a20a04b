"""The plan says only what it knows (issue 17): demo-data captions, the plan's own numbers, legal placeholders,
one title per link, and a content-pack update that reaches existing databases without overwriting editors."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.timezone import localdate

from portal.figures.models import DataSetVersion
from portal.plan.legal import unfilled_placeholders
from portal.plan.models import ChapterPage, LegalPage
from portal.plan.snippets import LinkEntry, Milestone
from portal.workshops.content import DEFAULT_FILE, load_workshops
from portal.workshops.models import Workshop

from .helpers import PACK

pytestmark = pytest.mark.django_db

SUPPORT_REAL = "Anfragen der Schulen an den Support im Berichtszeitraum"
SUPPORT_DEMO = "Ein Ticketsystem für den Support nennt der Plan als Ziel"


def chapter(number):
    return ChapterPage.objects.get(locale__language_code="de", number=number)


def body(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


# -- 1. captions of figures on demo data ---------------------------------------------------------


def test_a_figure_on_demo_data_says_what_it_will_show_once_real_data_exist(client, published):
    assert published.dataset_version.synthetic
    html = body(client, chapter("5.2"))
    assert SUPPORT_DEMO in html
    assert SUPPORT_REAL not in html
    assert "Beispieldaten" in html  # the notice stays


def test_with_real_data_the_editors_caption_is_shown(client, published):
    DataSetVersion.objects.filter(pk=published.dataset_version_id).update(synthetic=False)
    call_command("clear_page_cache", verbosity=0)
    html = body(client, chapter("5.2"))
    assert SUPPORT_REAL in html
    assert SUPPORT_DEMO not in html


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("5.1", "nennt nur einen Durchschnitt"),
        ("5.4", "Sobald die Jahresbilanzgespräche je Schule"),
        ("6.3", "Der Plan will KI-Pilotprojekte an Schulen fördern"),
        ("6.4", "strebt der Plan perspektivisch an"),
    ],
)
def test_every_figure_that_presupposes_what_the_plan_only_aims_for_has_a_demo_caption(client, published, number, words):
    assert words in body(client, chapter(number))


# -- 2. Abb. 6: the plan's shares as their own table ---------------------------------------------


def test_abb_6_shows_the_published_shares_apart_from_the_chart(client, published):
    html = body(client, chapter("5.3"))
    table = re.search(r'<div class="table-scroll plan-values"[^>]*>.*?</table>', html, re.S).group(0)
    assert "Anteile laut Fortschreibung 2025–2026" in table
    assert "<th scope=\"row\">iPads Schülerinnen &amp; Schüler</th><td>48,31 %</td>" in table
    assert table.count("<tr>") == 15  # header + 14 product groups
    caption = re.search(r'data-figure-key="finance.product_groups".*?</figure>', html, re.S).group(0)
    assert "48,31" not in caption.split('class="figure-block__caption"')[1]


# -- 3./4. wording ------------------------------------------------------------------------------


def test_wording_follows_the_source():
    milestone = Milestone.objects.get(locale__language_code="de", year=2022, month=4)
    assert "Sprechstunde in digitaler Form" not in milestone.description
    assert "digitale Sprechstunde" in milestone.description
    controlling = str(chapter("5.4").body)
    assert "verbindliche Grundlage" not in controlling
    assert "verbindlich planen" in controlling
    assert "auskömmlich" in controlling and "ausreichend" not in controlling
    load_workshops()
    robots = Workshop.objects.get(slug="beispiel-robotik-grundschule")
    assert "ausleihen" not in robots.description


def test_the_update_cycle_is_not_called_the_citys_budget_cycle(client):
    html = body(client, LegalPage.objects.get(locale__language_code="de", slug="impressum"))
    assert "Haushaltszyklus" not in html
    assert "Haushaltsplanung" in html  # footer


# -- 5. about this portal ----------------------------------------------------------------------


def test_about_this_portal_names_the_figures_on_demo_data(client, published):
    html = body(client, LegalPage.objects.get(locale__language_code="de", slug="impressum"))
    assert "{ABBILDUNGEN_MIT_BEISPIELDATEN}" not in html
    sentence = re.search(r"Derzeit beruhen alle (\d+) Abbildungen des Zyklus 2025–2026 auf synthetischen Beispieldaten[^<]*", html)
    assert sentence, html
    assert int(sentence.group(1)) == published.snapshots.count()
    for title in published.snapshots.values_list("title", flat=True):
        assert title.replace("&", "&amp;") in sentence.group(0).replace("&#x27;", "'")


def test_about_this_portal_says_so_when_no_figure_is_synthetic(client, published):
    DataSetVersion.objects.filter(pk=published.dataset_version_id).update(synthetic=False)
    html = body(client, LegalPage.objects.get(locale__language_code="de", slug="impressum"))
    assert "Derzeit beruht keine Abbildung auf Beispieldaten" in html


# -- 6. legal pages ready for an operator --------------------------------------------------------


def test_placeholders_are_a_styled_notice_not_bold_text(client):
    html = body(client, LegalPage.objects.get(locale__language_code="de", slug="impressum"))
    assert '<span class="operator-todo">[vom Betreiber zu ergänzen]</span>' in html
    assert "<strong>[vom Betreiber" not in html
    assert '<span class="operator-todo">[vom Betreiber zu bestätigen: Anschrift]</span>' in html


def test_check_deploy_lists_every_unfilled_placeholder_with_its_page():
    from portal.plan.checks import operator_placeholders

    pack_count = sum(
        len(re.findall(r"\[vom Betreiber zu (?:ergänzen|bestätigen)", page["body"]))
        for page in yaml.safe_load((PACK / "legal.yaml").read_text(encoding="utf-8"))["pages"]
    )
    warnings = operator_placeholders(None)
    german = [w for w in warnings if "(de)" in w.msg]
    assert {w.id for w in warnings} == {"plan.W010"}
    assert sum(w.msg.count("[vom Betreiber") for w in german) == pack_count
    assert any("Impressum (de)" in w.msg and "/impressum/" in w.msg for w in german)
    assert any("(en)" in w.msg for w in warnings)  # the English pages have theirs too


def test_a_filled_in_page_is_no_longer_listed():
    page = LegalPage.objects.get(locale__language_code="de", slug="barrierefreiheit")
    page.body = re.sub(r"\[vom Betreiber zu (?:ergänzen|bestätigen)[^\]]*\]", "kontakt@example.org", page.body)
    page.save_revision().publish()
    assert not any(title.startswith(page.title) and "(de)" in title for title, _url, _todos in unfilled_placeholders())


def test_stand_is_the_date_of_the_last_publication(client):
    page = LegalPage.objects.get(locale__language_code="de", slug="datenschutz")
    html = body(client, page)
    assert "26. November 2026" not in (PACK / "legal.yaml").read_text(encoding="utf-8")
    # the reader's date (Europe/Berlin): just before midnight UTC it is already the next day there
    assert f'<time datetime="{localdate(page.last_published_at):%Y-%m-%d}">' in html


# -- 7. terms -----------------------------------------------------------------------------------


def _link_texts(data, found, where):
    if isinstance(data, dict):
        if isinstance(data.get("url"), str):
            for key in ("title", "label"):
                if isinstance(data.get(key), str):
                    found.setdefault(data["url"], set()).add((data[key], where))
        for value in data.values():
            _link_texts(value, found, where)
    elif isinstance(data, list):
        for value in data:
            _link_texts(value, found, where)
    return found


def _english_link_texts(english, german, found, where):
    """The English files carry no addresses: each link text is paired with its German twin's address."""
    if isinstance(english, dict) and isinstance(german, dict):
        if isinstance(german.get("url"), str):
            for key in ("title", "label"):
                if isinstance(english.get(key), str):
                    found.setdefault(german["url"], set()).add((english[key], where))
        for key, value in english.items():
            if key in german:
                _english_link_texts(value, german[key], found, where)
    elif isinstance(english, list) and isinstance(german, list):
        for e, g in zip(english, german, strict=False):
            _english_link_texts(e, g, found, where)
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_same_address_has_the_same_link_text_everywhere(language):
    found = {}
    for path in [PACK / "links.yaml", *sorted((PACK / "chapters").glob("*.yaml"))]:
        german = yaml.safe_load(path.read_text(encoding="utf-8"))
        if language == "de":
            _link_texts(german, found, path.name)
        elif (PACK / "en" / path.relative_to(PACK)).is_file():
            english = yaml.safe_load((PACK / "en" / path.relative_to(PACK)).read_text(encoding="utf-8"))
            _english_link_texts(english, german, found, path.name)
    differing = {url: texts for url, texts in found.items() if len({t for t, _ in texts}) > 1}
    assert not differing


@pytest.mark.parametrize("avoided", ["Handlungsfelder", "Second-Level", "Zentralbibliothek", "Evaluierung"])
def test_one_term_for_one_thing(avoided):
    texts = [p.read_text(encoding="utf-8") for p in [*PACK.glob("*.yaml"), *(PACK / "chapters").glob("*.yaml")]]
    assert not [t for t in texts if avoided in t]


# -- the update path ------------------------------------------------------------------------------


@pytest.fixture
def pack_copy(tmp_path):
    shutil.copytree(PACK, tmp_path / "pack")
    return tmp_path / "pack"


def _edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_update_brings_pack_changes_and_keeps_what_editors_changed(pack_copy):
    user = get_user_model().objects.create_user("redaktion", password="x")
    # an editor rewrites the title of 5.4 and one link's title; the pack changes other things and those
    page = chapter("5.4")
    page.title = "Controlling – von der Redaktion"
    page.save_revision(user=user).publish()
    link = LinkEntry.objects.get(locale__language_code="de", url="https://www.mint-bochum.de/")
    link.title = "Von der Redaktion benannt"
    link.save()

    _edit(pack_copy / "milestones.yaml", "Eine „digitale Sprechstunde“ kommt", "Die „digitale Sprechstunde“ kommt")
    _edit(pack_copy / "chapters" / "05-4-controlling-und-evaluation.yaml", "verbindlich planen", "verbindlich vorausplanen")
    _edit(pack_copy / "chapters" / "05-4-controlling-und-evaluation.yaml", "title: Controlling und Evaluation", "title: Controlling und Auswertung")
    _edit(pack_copy / "links.yaml", "zdi-Schülerlabore Bochum (MINT Bochum)", "zdi-Schülerlabore (MINT Bochum)")

    out = __import__("io").StringIO()
    call_command("load_content", path=pack_copy, update=True, stdout=out)

    milestone = Milestone.objects.get(locale__language_code="de", year=2022, month=4)
    assert milestone.description.startswith("Die „digitale Sprechstunde“ kommt")
    page = chapter("5.4")
    assert page.title == "Controlling – von der Redaktion"  # the editor's
    assert "verbindlich vorausplanen" in str(page.body)  # the pack's, in a field the editor left alone
    assert LinkEntry.objects.get(locale__language_code="de", url="https://www.mint-bochum.de/").title == "Von der Redaktion benannt"
    report = out.getvalue()
    assert "beibehalten (von der Redaktion geändert): Kapitel: Controlling – von der Redaktion (title)" in report
    assert "beibehalten (von der Redaktion geändert): Links: Von der Redaktion benannt (title)" in report

    # the English follows the German that changed: the new German string gets the pack's English
    english = Milestone.objects.get(locale__language_code="en", translation_key=milestone.translation_key)
    assert english.description.startswith("A “digital consultation hour” is added")


def test_overwrite_wins_over_editors(pack_copy):
    link = LinkEntry.objects.get(locale__language_code="de", url="https://www.mint-bochum.de/")
    link.title = "Von der Redaktion benannt"
    link.save()
    call_command("load_content", path=pack_copy, overwrite=True, verbosity=0)
    assert LinkEntry.objects.get(pk=link.pk).title == "zdi-Schülerlabore Bochum (MINT Bochum)"


def test_a_page_with_an_unpublished_draft_is_left_to_its_editor(pack_copy):
    user = get_user_model().objects.create_user("entwurf", password="x")
    page = chapter("5.4")
    page.title = "Entwurf der Redaktion"
    page.save_revision(user=user)  # not published
    _edit(pack_copy / "chapters" / "05-4-controlling-und-evaluation.yaml", "verbindlich planen", "verbindlich vorausplanen")
    call_command("load_content", path=pack_copy, update=True, verbosity=0)
    page = chapter("5.4")
    assert "verbindlich vorausplanen" not in str(page.body)
    assert page.get_latest_revision_as_object().title == "Entwurf der Redaktion"


def test_databases_loaded_before_the_records_take_the_update_unless_a_person_saved_the_page(pack_copy):
    from portal.plan.models import ContentPackState

    user = get_user_model().objects.create_user("alt", password="x")
    edited = chapter("5.4")
    edited.save_revision(user=user).publish()  # a person saved it (same text)
    ContentPackState.objects.all().delete()  # as before this release
    _edit(pack_copy / "chapters" / "05-4-controlling-und-evaluation.yaml", "verbindlich planen", "verbindlich vorausplanen")
    _edit(pack_copy / "milestones.yaml", "Eine „digitale Sprechstunde“ kommt", "Die „digitale Sprechstunde“ kommt")
    call_command("load_content", path=pack_copy, update=True, verbosity=0)
    assert "verbindlich vorausplanen" not in str(chapter("5.4").body)
    assert Milestone.objects.get(locale__language_code="de", year=2022, month=4).description.startswith("Die „digitale")


def test_workshop_update_keeps_the_medienzentrums_own_text(tmp_path):
    load_workshops()
    robots = Workshop.objects.get(slug="beispiel-robotik-grundschule")
    tablets = Workshop.objects.get(slug="beispiel-tablets-im-sachunterricht")
    tablets.description = "Vom Medienzentrum neu geschrieben."
    tablets.save()
    changed = tmp_path / "workshops.yaml"
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("und probieren sie selbst aus.", "und probieren sie gemeinsam aus.").replace(
            "– zum Ausprobieren im Medienstudio.", "– neu im Paket."
        ),
        encoding="utf-8",
    )
    assert load_workshops(changed)["aktualisiert"] == 0  # without --update nothing changes
    assert load_workshops(changed, update=True)["aktualisiert"] == 1
    assert "gemeinsam aus" in Workshop.objects.get(pk=robots.pk).description
    assert Workshop.objects.get(pk=tablets.pk).description == "Vom Medienzentrum neu geschrieben."
