"""The search a reader uses: what it finds, how it shows it, and that it stays fresh."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, Page

from portal.plan.models import ChapterPage, EasyLanguagePage, PartnerOfferPage, SummaryPage
from portal.plan.snippets import Milestone
from portal.search.backends import embedded_backend
from portal.search.backends.embedded import analyse, highlight, term
from portal.search.documents import KINDS, all_documents
from portal.search.models import SearchEntry
from portal.workshops.models import Workshop, WorkshopSession

pytestmark = pytest.mark.django_db


def results(client, query, **params):
    response = client.get("/suche/", {"q": query, **params})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def result_urls(doc):
    return [a["href"] for a in doc.select(".search-results .search-result__title a")]


def chapter_url(number):
    return ChapterPage.objects.get(locale__language_code="de", number=number).url


def offer_url(slug):
    return PartnerOfferPage.objects.get(locale__language_code="de", slug=slug).url


@pytest.mark.parametrize(
    "query, place",
    [
        ("Wiederbeschaffung", lambda: chapter_url("5.3")),  # the chapter on replacement purchases says "Ersatzbeschaffungen"
        ("Supportebene", lambda: chapter_url("5.2")),
        ("Endgerät", lambda: chapter_url("5.1")),
        ("Medienscouts", lambda: offer_url("medienscouts")),
        ("Robotik", lambda: offer_url("medienstudio")),
        ("Ausstattungsquote", lambda: chapter_url("5.1")),
        ("Datenstrategie", lambda: chapter_url("6.4")),
        ("Fortbildungen", lambda: chapter_url("5.2")),
    ],
)
def test_a_reader_finds_the_right_place_in_the_first_three(client, query, place):
    assert place() in result_urls(results(client, query))[:3]


@pytest.mark.parametrize(
    "model, query",
    [(SummaryPage, "Eckpunkte"), (EasyLanguagePage, "Leichte Sprache")],
    ids=["der-plan-in-kuerze", "leichte-sprache"],
)
def test_the_short_versions_of_the_plan_are_found_by_their_text(client, model, query):
    page = model.objects.get(locale__language_code="de")
    assert page.url in result_urls(results(client, query))[:3]


def test_robotik_also_finds_the_robotics_workshop(client):
    from portal.workshops.content import load_workshops

    load_workshops()
    workshops = Workshop.objects.filter(title__icontains="robot")
    assert workshops.exists()
    doc = results(client, "Robotik", typ="workshop")
    titles = [a.get_text() for a in doc.select(".search-result__title a")]
    assert any(w.title in titles for w in workshops)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Schule", "Schulen"),
        ("Endgerät", "Endgeräte"),
        ("Fortbildungen", "Fortbildung"),
        ("Wiederbeschaffung", "Wiederbeschaffungen"),
        ("Supportebene", "Supportebenen"),
        ("Endgeräte", "Endgeraete"),
        ("Maßnahmen", "Massnahmen"),
        ("Schülerlabore", "Schuelerlabor"),
    ],
)
def test_inflections_and_spellings_find_the_same(one, other):
    backend = embedded_backend()
    first, second = backend.search(one, "de", limit=5), backend.search(other, "de", limit=5)
    assert first.total > 0
    assert [h.document.key for h in first.hits] == [h.document.key for h in second.hits]


def test_a_compound_part_finds_the_compound():
    # "Fortbildung" stands in "Lehrerfortbildung"; "Beschaffung" in "Ersatzbeschaffungen"
    keys = {h.document.key for h in embedded_backend().search("Beschaffung", "de", limit=20).hits}
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert f"page:{chapter.pk}" in keys
    assert term("Ersatzbeschaffungen", "de") != term("Beschaffung", "de")


def test_english_words_are_stemmed_in_english():
    assert analyse("devices replacement", "en") == analyse("device replacements", "en")
    assert analyse("Endgeräte", "de") == analyse("Endgerät", "de")


def test_snippet_marks_the_matched_words_and_escapes_the_rest():
    html = highlight("Die <b>Fortbildungen</b> & mehr zur Fortbildung.", {term("Fortbildung", "de")}, "de")
    assert html == "Die &lt;b&gt;<mark>Fortbildungen</mark>&lt;/b&gt; &amp; mehr zur <mark>Fortbildung</mark>."


def test_results_show_type_label_title_and_highlighted_snippet(client):
    doc = results(client, "Medienscouts")
    items = doc.select(".search-result")
    labels = {i.select_one(".search-result__kind").get_text() for i in items}
    assert {"Partnerangebot", "Meilenstein", "Link", "Akteur"} <= labels
    marks = [m.get_text() for m in doc.select(".search-result__snippet mark")]
    assert marks and all(m.lower().startswith("medienscouts") for m in marks)


def test_every_kind_has_a_german_label():
    assert [str(label) for label in KINDS.values()] == [
        "Kapitel", "Seite", "Partnerangebot", "Akteur", "Meilenstein", "Ziel", "Link", "Endnote", "Workshop", "Termin", "Abbildung",
    ]


def test_goals_endnotes_and_actors_are_found_with_their_place(client):
    doc = results(client, "Supportebene", typ="goal")
    urls = result_urls(doc)
    assert urls and urls[0] == chapter_url("5.2")
    assert doc.select_one(".search-result__kind").get_text() == "Ziel"
    hits = embedded_backend().search("Medienscouts", "de", kinds=["actor"]).hits
    assert hits and "#actor-group-" in hits[0].document.url


def test_filter_by_type_shows_counts_and_only_that_type(client):
    everything = results(client, "Medienscouts")
    counts = {i["value"]: i.find_next("label").get_text(" ", strip=True) for i in everything.select(".search-filters input[name=typ]")}
    assert "milestone" in counts and "(2)" in counts["milestone"]
    doc = results(client, "Medienscouts", typ="milestone")
    labels = [i.get_text() for i in doc.select(".search-result__kind")]
    assert labels == ["Meilenstein", "Meilenstein"]
    assert doc.select_one("#typ-milestone").has_attr("checked")


def test_paging_walks_through_all_results(client):
    first = results(client, "Schulen")
    total = embedded_backend().search("Schulen", "de").total
    assert total > 10
    assert len(result_urls(first)) == 10
    next_link = first.select_one(".pager a[rel=next]")
    assert next_link is not None
    second = BeautifulSoup(client.get("/suche/" + next_link["href"]).content, "html.parser")
    assert second.select_one(".search-results")["start"] == "11"
    first_keys = [h.document.key for h in embedded_backend().search("Schulen", "de", limit=10).hits]
    second_keys = [h.document.key for h in embedded_backend().search("Schulen", "de", offset=10, limit=10).hits]
    assert second_keys and not set(first_keys) & set(second_keys)
    assert second.select_one(".pager a[rel=prev]") is not None
    beyond = results(client, "Schulen", page=999)
    assert len(result_urls(beyond)) == total - (total - 1) // 10 * 10


def test_no_results_suggests_another_spelling_and_fewer_words(client):
    doc = results(client, "Fortbildnugen")
    assert "nichts gefunden" in doc.select_one(".search-empty").get_text()
    assert "Fortbildungen" in [a.get_text() for a in doc.select(".search-suggestions-list a")]
    doc = results(client, "Datenstrategie Quirlkram")
    suggestions = [a.get_text() for a in doc.select(".search-suggestions-list a")]
    assert "Datenstrategie" in suggestions


def test_no_results_in_a_type_offers_all_types(client):
    doc = results(client, "Datenstrategie", typ="endnote")
    links = [a["href"] for a in doc.select(".search-suggestions-list a")]
    assert "?q=Datenstrategie" in links


def test_published_page_is_found_and_unpublished_page_is_not(client):
    parent = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    page = ChapterPage(title="Quokkaplanung", slug="quokkaplanung", summary="Wie Quokkas geplant werden.")
    parent.add_child(instance=page)
    page.save_revision()
    assert not embedded_backend().search("Quokkaplanung", "de").total, "a draft is not found"
    page.save_revision().publish()
    assert result_urls(results(client, "Quokkas"))[:1] == [Page.objects.get(pk=page.pk).url]
    page.unpublish()
    assert result_urls(results(client, "Quokkas")) == []
    page.save_revision().publish()
    Page.objects.get(pk=page.pk).delete()
    assert not SearchEntry.objects.filter(key=f"page:{page.pk}").exists()


def test_a_moved_page_is_found_at_its_new_address():
    chapter = ChapterPage.objects.get(locale__language_code="de", number="6.4")
    chapter.move(ChapterPage.objects.get(locale__language_code="de", number="5.3"), pos="last-child")
    hit = embedded_backend().search("Datenstrategie", "de", kinds=["chapter"]).hits[0]
    assert hit.document.url == Page.objects.get(pk=chapter.pk).url
    assert "finanz-und-investitionsplanung" in hit.document.url


def test_snippet_changes_reach_the_index_at_once():
    milestone = Milestone.objects.create(year=2030, month=1, title="Zebraxylophon", locale=Locale.get_default())
    assert embedded_backend().search("Zebraxylophone", "de").hits[0].document.key == f"milestone:{milestone.pk}"
    milestone.title = "Wombatxylophon"
    milestone.save()
    assert not embedded_backend().search("Zebraxylophon", "de").total
    assert embedded_backend().search("Wombatxylophon", "de").total == 1
    milestone.delete()
    assert not embedded_backend().search("Wombatxylophon", "de").total


def test_workshop_and_date_changes_reach_the_index_at_once():
    workshop = Workshop.objects.create(title="Trickfilmwerkstatt", slug="trickfilm", description="Stop-Motion mit Tablets.")
    hits = embedded_backend().search("Trickfilmwerkstatt", "de").hits
    assert [h.document.kind for h in hits] == ["workshop"]
    session = WorkshopSession.objects.create(workshop=workshop, start=timezone.now() + timedelta(days=9))
    kinds = sorted(h.document.kind for h in embedded_backend().search("Trickfilmwerkstatt", "de").hits)
    assert kinds == ["date", "workshop"]
    date = next(h for h in embedded_backend().search("Trickfilmwerkstatt", "de").hits if h.document.kind == "date")
    assert date.document.url == f"/workshops/termine/{session.pk}/"
    session.delete()
    workshop.description = "Knetanimation"
    workshop.save()
    assert [h.document.kind for h in embedded_backend().search("Knetanimation", "de").hits] == ["workshop"]
    from portal.workshops.models import WorkshopTopic

    workshop.topics.add(WorkshopTopic.objects.create(name="Plastilinanimation", slug="plastilin"))
    assert [h.document.kind for h in embedded_backend().search("Plastilinanimation", "de").hits] == ["workshop"]
    workshop.delete()
    assert not embedded_backend().search("Trickfilmwerkstatt", "de").total


def test_published_figures_are_found_at_their_anchor(published, client):
    figures = SearchEntry.objects.filter(kind="figure")
    assert figures.exists()
    entry = figures.first()
    path, _sep, anchor = entry.url.partition("#")
    assert anchor.startswith("abb-")
    page = BeautifulSoup(client.get(path).content, "html.parser")
    assert page.find(id=anchor) is not None, "the result leads to the figure's place on the chapter"
    hit = embedded_backend().search(entry.title, "de", kinds=["figure"]).hits
    assert hit and hit[0].document.key == entry.key


def test_english_pages_are_searched_in_english(client):
    english = Locale.objects.get(language_code="en")
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    for ancestor in chapter.get_ancestors().filter(depth__gt=1):
        if not ancestor.specific.get_translations(inclusive=True).filter(locale=english).exists():
            ancestor.specific.copy_for_translation(english).save_revision().publish()
    translated = chapter.get_translation_or_none(english) or chapter.copy_for_translation(english)
    translated.title = "Finance and investment planning"
    translated.summary = "Replacement purchases of devices and the investment budget."
    translated.body = []
    translated.save_revision().publish()
    url = Page.objects.get(pk=translated.pk).url
    doc = BeautifulSoup(client.get("/en/suche/", {"q": "replacement device"}).content, "html.parser")
    assert url.startswith("/en/")
    assert [a["href"] for a in doc.select(".search-result__title a")][:1] == [url]
    assert url not in result_urls(results(client, "Replacement"))


def test_autocomplete_suggests_titles_of_chapters_workshops_and_actors(client):
    Workshop.objects.create(title="Datenbrille im Unterricht", slug="datenbrille", description="VR ausprobieren.")
    data = client.get("/suche/vorschlaege/", {"q": "Daten"}).json()["suggestions"]
    titles = [s["title"] for s in data]
    assert "Datenbrille im Unterricht" in titles
    assert {s["kind"] for s in data} <= {"Kapitel", "Workshop", "Akteur"}
    chapter = client.get("/suche/vorschlaege/", {"q": "Betrieb"}).json()["suggestions"]
    assert chapter[0]["url"] == chapter_url("5.2")
    assert client.get("/suche/vorschlaege/", {"q": "x"}).json() == {"suggestions": []}


def test_search_page_without_javascript_is_a_plain_form(client):
    doc = results(client, "")
    form = doc.select_one("form.search-form")
    assert form["method"] == "get" and form.select_one("button[type=submit]")
    field = form.select_one("#search-q")
    assert field["role"] == "combobox" and field["aria-controls"] == "search-suggestions"
    assert doc.select_one("#search-suggestions").has_attr("hidden")
    assert not doc.select("script:not([src])") and not doc.select("[style]")


def test_rebuild_builds_every_document(capsys):
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index")
    count = SearchEntry.objects.count()
    assert count == len(list(all_documents())) > 100
    assert f"{count} Dokumente" in capsys.readouterr().out
    live = Page.objects.live().public().filter(depth__gt=1).count()
    assert SearchEntry.objects.filter(key__startswith="page:").count() == live



def english_place(german_url):
    """The English translation of the page at ``german_url`` (the content pack translates every page)."""
    german = next(page for page in Page.objects.live().filter(locale__language_code="de") if page.url == german_url)
    return german.get_translation(Locale.objects.get(language_code="en")).url


@pytest.mark.parametrize(
    "query, place",
    [
        ("replacement", lambda: chapter_url("5.3")),
        ("support levels", lambda: chapter_url("5.2")),
        ("devices", lambda: chapter_url("5.1")),
        ("Medienscouts", lambda: offer_url("medienscouts")),
        ("robotics", lambda: offer_url("medienstudio")),
        ("equipment rate", lambda: chapter_url("5.1")),
        ("data strategy", lambda: chapter_url("6.4")),
        ("further training", lambda: chapter_url("5.2")),
    ],
)
def test_an_english_reader_finds_the_english_place_in_the_first_three(client, query, place):
    url = english_place(place())
    assert url.startswith("/en/")
    response = client.get("/en/suche/", {"q": query})
    assert response.status_code == 200
    assert url in result_urls(BeautifulSoup(response.content, "html.parser"))[:3]


def test_workshops_are_found_from_the_english_search_too(client):
    from portal.workshops.content import load_workshops

    load_workshops()
    doc = BeautifulSoup(client.get("/en/suche/", {"q": "Robotik", "typ": "workshop"}).content, "html.parser")
    links = [a["href"] for a in doc.select(".search-result__title a")]
    assert links and all(link == "/en/workshops/" for link in links)
