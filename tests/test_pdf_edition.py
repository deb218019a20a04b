"""The plan as a PDF edition (issue 13, point 3): built once per session, read back with pypdf."""

from __future__ import annotations

import datetime
import io
import re
import socket
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from portal.plan import pdf
from portal.plan.editions import CouncilEdition, PdfFile
from portal.plan.models import ChapterPage, PlanPage
from tests.demo import publish_demo


def normalized(text: str) -> str:
    """Whitespace collapsed, and no space after a hyphen (a line may break there: "Asset-\nManagement")."""
    return re.sub(r"\s+", " ", text).strip().replace("- ", "-")


@dataclass
class Edition:
    data: bytes
    pages: int
    reader: PdfReader
    text: str  # all pages, whitespace collapsed
    page_texts: list[str]
    labels: list[str]  # parts and chapters in reading order
    figure_titles: list[str]
    all_figure_titles: list[str]
    table_captions: list[str]
    goals: list[dict]
    goal_statuses: set
    plan_title: str
    connects: list


@pytest.fixture(scope="session")
def edition(django_db_setup, django_db_blocker, demo_cache, tmp_path_factory) -> Edition:
    """The German plan with the demo figures published, built once; nothing committed, no socket opened."""
    connects = []
    real_connect = socket.socket.connect

    def watch(self, address):
        connects.append(address)
        return real_connect(self, address)

    private = tmp_path_factory.mktemp("pdf-private")
    with django_db_blocker.unblock(), override_settings(MEP_PRIVATE_ROOT=private), transaction.atomic():
        publish_demo(demo_cache, "2025-2026")
        plan = PlanPage.objects.get(locale__language_code="de")
        entries = list(pdf._entries(plan.table_of_contents()))
        chapters = [e["page"] for e in entries if isinstance(e["page"], ChapterPage)]
        figures = [b.value for c in chapters for b in c.body if b.block_type == "figure"]
        from portal.figures.models import FigureSnapshot

        captions = list(
            FigureSnapshot.objects.filter(regeneration__published=True, key__in=[f["key"] for f in figures]).values_list(
                "title", flat=True
            )
        )
        goals = [g for c in chapters for b in c.body if b.block_type == "goals" for g in b.value["goals"]]
        from portal.plan.goals import Goal

        # one goal reported as reached, one in progress: the PDF must show each released status
        tracked = list(Goal.objects.filter(live=True).order_by("pk")[:2])
        Goal.objects.filter(pk=tracked[0].pk).update(status="achieved")
        Goal.objects.filter(pk=tracked[1].pk).update(status="in_progress", progress=40)
        statuses = {g.pk: g.status for g in Goal.objects.filter(live=True)}
        socket.socket.connect = watch
        try:
            data, pages = pdf.write_pdf(pdf.edition_html(plan))
        finally:
            socket.socket.connect = real_connect
        # every figure of a field: those its chapter shows and those listed under "Weitere Abbildungen"
        fields = set(django_settings.MEP_FIELD_CHAPTERS)
        all_figures = list(
            FigureSnapshot.objects.filter(regeneration__published=True, plugin__in=fields).values_list("title", flat=True)
        )
        result = dict(
            all_figure_titles=all_figures,
            labels=[e["page"].label for e in entries],
            figure_titles=[f["title"] for f in figures],
            table_captions=captions,
            goals=[{"text": g["text"]} for g in goals],
            goal_statuses=set(statuses.values()),
            plan_title=plan.title,
        )
        transaction.set_rollback(True)
    reader = PdfReader(io.BytesIO(data))
    page_texts = [normalized(p.extract_text()) for p in reader.pages]
    return Edition(data, pages, reader, " ".join(page_texts), page_texts, connects=connects, **result)


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every bookmark."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def test_the_whole_plan_has_a_title_page_contents_and_every_chapter_on_its_pages(edition):
    assert len(edition.reader.pages) == edition.pages
    assert edition.pages >= len(edition.labels) + 2
    title_page = edition.page_texts[0]
    assert "Gesamtplan" in title_page and edition.plan_title in title_page
    assert "Fortschreibungszyklus 2025–2026" in title_page and re.search(r"Stand \d{1,2}\. \w+ \d{4}", title_page)
    assert edition.page_texts[1].startswith("Inhaltsverzeichnis")


def test_the_contents_give_each_chapter_the_page_its_bookmark_leads_to(edition):
    bookmarks = {title: page for _, title, page in outline(edition.reader)}
    contents = edition.page_texts[1]
    for label in edition.labels:
        found = re.search(re.escape(normalized(label)) + r" \.+ ?(\d+)", contents)
        assert found, f"{label} fehlt im Inhaltsverzeichnis"
        assert int(found.group(1)) == bookmarks[label], label
        assert normalized(label) in edition.page_texts[bookmarks[label] - 1], f"{label} nicht auf Seite {bookmarks[label]}"


def test_every_part_and_chapter_is_a_bookmark_in_reading_order_and_nested(edition):
    marks = outline(edition.reader)
    chapters = [title for _, title, _ in marks if title != "Inhaltsverzeichnis"]
    assert chapters == edition.labels
    depth = {title: d for d, title, _ in marks}
    assert depth["Teil II: Status Quo"] == 1
    assert depth["5 Inhaltsfelder der Medienentwicklungsplanung"] == 2
    assert depth["5.3 Finanz- und Investitionsplanung"] == 3
    pages = [page for _, _, page in marks]
    assert pages == sorted(pages)


def test_every_chapter_title_figure_caption_and_data_table_is_in_the_text(edition):
    for label in edition.labels:
        assert normalized(label) in edition.text
    assert len(edition.figure_titles) >= 5
    for title in edition.figure_titles:
        assert normalized(title) in edition.text, title
    assert edition.table_captions
    for caption in edition.table_captions:
        assert normalized(caption) in edition.text, caption


def test_every_published_figure_of_a_field_is_printed_and_no_download_link(edition):
    assert len(edition.all_figure_titles) >= 20
    missing = [title for title in edition.all_figure_titles if normalized(title) not in edition.text]
    assert missing == []
    assert "Weitere Abbildungen zu diesem Feld" in edition.text
    # the web's download links lead nowhere on paper
    assert "Daten herunterladen" not in edition.text and "Mit anderem Zyklus vergleichen" not in edition.text


def test_figures_are_vector_graphics_not_pictures(edition):
    images = [
        name
        for page in edition.reader.pages
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items()
        if xobject.get_object().get("/Subtype") == "/Image"
    ]
    assert images == []
    assert b"/Subtype /Form" in edition.data or b"/Subtype/Form" in edition.data  # WeasyPrint draws each SVG as a form


def test_the_goals_appear_with_their_status(edition):
    assert edition.goals
    assert edition.text.count("Gesetzte Ziele") >= 3
    for goal in edition.goals:
        assert normalized(goal["text"]) in edition.text
    shown = {"open": "offen", "in_progress": "in Arbeit", "achieved": "erreicht", "deferred": "zurückgestellt"}
    assert {"achieved", "in_progress"} <= edition.goal_statuses
    for status in edition.goal_statuses:
        assert shown[status] in edition.text
    assert "in Arbeit (40 %)" in edition.text


def test_endnotes_and_the_demo_data_notice_are_printed(edition, db):
    assert "Endnoten" in edition.text
    from portal.plan.snippets import Endnote

    first = Endnote.objects.filter(locale__language_code="de").order_by("number").first()
    assert normalized(re.sub(r"<[^>]+>", "", first.text))[:50] in edition.text
    assert "Beispieldaten: Die Abbildungen des Zyklus 2025–2026 beruhen auf synthetischen Beispieldaten" in edition.page_texts[0]
    assert "Diese Abbildung beruht auf synthetischen Beispieldaten" in edition.text


def test_pages_carry_numbers_and_running_headers(edition):
    total = edition.pages
    assert f"1 / {total}" not in edition.page_texts[0], "no number on the title page"
    for number in (2, 5, total):
        text = edition.page_texts[number - 1]
        assert f"{number} / {total}" in text
    chapter_page = next(p for _, title, p in outline(edition.reader) if title.startswith("5.3 "))
    assert normalized("5.3 Finanz- und Investitionsplanung") in edition.page_texts[chapter_page]  # the next page's header
    assert edition.plan_title in edition.page_texts[chapter_page]


def test_the_fonts_are_the_shipped_dejavu_fonts_embedded(edition):
    fonts = {}
    for page in edition.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor.get_object() if descriptor else None
    assert fonts
    for name, descriptor in fonts.items():
        assert "DejaVu-Sans" in name, name
        assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_the_pdf_is_tagged_with_language_and_title(edition):
    root = edition.reader.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert edition.reader.metadata.title == f"{edition.plan_title} 2025–2026"
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp  # PDF/UA-1


def test_building_opens_no_network_connection(edition):
    assert edition.connects == []


def test_the_fetcher_serves_static_files_and_refuses_every_other_address(caplog):
    fetcher = pdf.local_fetcher()
    font = fetcher.fetch(pdf.LOCAL_ROOT + "static/fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/static/css/pdf.css",
        "file:///etc/passwd",
        pdf.LOCAL_ROOT + "media/../../etc/passwd",
        pdf.LOCAL_ROOT + "admin/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_page_that_names_remote_resources_is_built_without_them(db, monkeypatch):
    def refuse(self, address):
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = (
        '<html lang="de"><head><title>T</title><link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><p>Text</p><img src="http://example.org/x.png" alt="x"></body></html>'
    )
    data, pages = pdf.write_pdf(html)
    assert pages == 1 and data.startswith(b"%PDF")


def test_an_english_chapter_is_built_in_english(db, settings, tmp_path):
    settings.MEP_PRIVATE_ROOT = tmp_path
    english_chapter = ChapterPage.objects.get(locale__language_code="en", number="5.3")
    stored = pdf.current(english_chapter)
    reader = PdfReader(stored.file.path)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = normalized(" ".join(p.extract_text() for p in reader.pages))
    assert "Contents" in text and "Update cycle 2025–2026" in text and normalized(english_chapter.title) in text
    assert [t for _, t, _ in outline(reader)][1] == english_chapter.label
    assert stored.pages == len(reader.pages) and stored.size == len(stored.file.read())


# --- building, caching and serving (the PDF writer itself replaced: these tests are about when it runs) ----------------


@pytest.fixture
def writes(db, monkeypatch, settings, tmp_path):
    """Every HTML the PDF writer is asked to turn into a PDF; it answers with a small stand-in."""
    settings.MEP_PRIVATE_ROOT = tmp_path / "private"
    written = []

    def write(html):
        written.append(html)
        return b"%PDF-1.7 stand-in " + pdf.content_hash(html).encode(), 3

    monkeypatch.setattr(pdf, "write_pdf", write)
    return written


def chapter_de(number="5.3"):
    return ChapterPage.objects.get(locale__language_code="de", number=number)


def change(page, text="Ein neuer Absatz."):
    page.body.append(("paragraph", f"<p>{text}</p>"))
    page.save_revision().publish()


def test_the_same_content_is_built_once_and_a_change_builds_anew(writes):
    plan = PlanPage.objects.get(locale__language_code="de")
    first = pdf.current(plan)
    again = pdf.current(plan)
    assert again.pk == first.pk and len(writes) == 1
    change(chapter_de())
    third = pdf.current(plan)
    assert third.pk != first.pk and third.content_hash != first.content_hash and len(writes) == 2
    assert "Ein neuer Absatz." in writes[-1]
    assert pdf.latest(plan).pk == third.pk


def test_a_stored_pdf_whose_file_is_gone_is_written_again(writes):
    chapter = chapter_de()
    first = pdf.current(chapter)
    first.file.storage.delete(first.file.name)
    again = pdf.current(chapter)
    assert again.pk == first.pk and again.file.storage.exists(again.file.name) and len(writes) == 2


def test_the_task_runs_once_after_a_publish_that_changes_the_plan(writes, settings, django_capture_on_commit_callbacks):
    settings.MEP_PDF_BUILD_AFTER_PUBLISH = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            change(chapter_de("5.3"))
            change(chapter_de("5.4"))
    assert len([c for c in callbacks if c is pdf._enqueue]) == 1
    built = {f.page_id for f in PdfFile.objects.all()}
    assert built == set(PlanPage.objects.live().values_list("pk", flat=True))  # both languages
    assert any("Ein neuer Absatz." in html for html in writes)


def test_a_changed_endnote_starts_the_task_too(writes, settings, django_capture_on_commit_callbacks):
    from portal.plan.snippets import Endnote

    settings.MEP_PDF_BUILD_AFTER_PUBLISH = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = Endnote.objects.order_by("pk").first()
        note.save()
    assert len([c for c in callbacks if c is pdf._enqueue]) == 1 and PdfFile.objects.exists()


def test_without_the_setting_a_publish_builds_nothing(writes, settings, django_capture_on_commit_callbacks):
    settings.MEP_PDF_BUILD_AFTER_PUBLISH = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change(chapter_de())
    assert pdf._enqueue not in callbacks and writes == [] and not PdfFile.objects.exists()


def test_the_plan_page_links_the_pdf_with_its_size_once_built(client, writes):
    plan = PlanPage.objects.get(locale__language_code="de")
    page = client.get(plan.url).content.decode()
    assert f'href="/pdf/{plan.pk}/"' in page and "Gesamtplan als PDF</a>" in page and "Seiten" not in page
    response = client.get(f"/pdf/{plan.pk}/")  # nothing built yet: built on this first request
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'filename="medienentwicklungsplan-bochum-2025-2026.pdf"' in response["Content-Disposition"]
    stored = PdfFile.objects.get(page=plan)
    page = client.get(plan.url).content.decode()
    assert f"Gesamtplan als PDF</a> (PDF, {stored.size}\xa0Bytes, 3 Seiten)" in page


def test_each_chapter_links_its_own_pdf(client, writes):
    chapter = chapter_de()
    page = client.get(chapter.url).content.decode()
    assert f'href="/pdf/{chapter.pk}/"' in page and "Kapitel als PDF" in page
    response = client.get(f"/pdf/{chapter.pk}/")
    assert response.status_code == 200
    assert 'filename="5-3-finanz-und-investitionsplanung.pdf"' in response["Content-Disposition"]
    assert "5.3 Finanz- und Investitionsplanung" in writes[-1] and "Vorwort" not in writes[-1]


def test_a_download_renders_the_chapter_again_only_after_a_change(client, writes, monkeypatch):
    chapter = chapter_de()
    rendered = []
    real = pdf.edition_html
    monkeypatch.setattr(pdf, "edition_html", lambda page, **kw: rendered.append(page.pk) or real(page, **kw))
    first = b"".join(client.get(f"/pdf/{chapter.pk}/").streaming_content)
    again = b"".join(client.get(f"/pdf/{chapter.pk}/").streaming_content)
    assert first == again and rendered == [chapter.pk] and len(writes) == 1
    change(chapter)
    changed = b"".join(client.get(f"/pdf/{chapter.pk}/").streaming_content)
    assert changed != first and rendered == [chapter.pk, chapter.pk] and len(writes) == 2


def test_only_live_public_plan_and_chapter_pages_have_a_pdf(client, writes):
    from wagtail.models import Page

    home = Page.objects.get(depth=2, locale__language_code="de")
    assert client.get(f"/pdf/{home.pk}/").status_code == 404
    chapter = chapter_de()
    chapter.unpublish()
    assert client.get(f"/pdf/{chapter.pk}/").status_code == 404
    assert client.get("/pdf/999999/").status_code == 404
    assert writes == []


def test_the_council_edition_stays_as_decided_when_the_plan_moves_on(client, writes):
    call_command("freeze_council_edition", "--decided-on", "2026-11-20", stdout=io.StringIO())
    edition = CouncilEdition.objects.get()
    frozen = edition.file.read()
    assert "Beschlussfassung vom" in writes[-1] and "20. November 2026" in writes[-1]
    assert edition.decided_on == datetime.date(2026, 11, 20) and edition.cycle == "2025–2026"

    plan = PlanPage.objects.get(locale__language_code="de")
    change(chapter_de())
    plan.cycle = "2027–2028"
    plan.save_revision().publish()
    current = pdf.current(PlanPage.objects.get(pk=plan.pk))
    assert current.content_hash != edition.content_hash

    page = client.get(plan.url).content.decode()
    assert f'href="/pdf/beschluss/{edition.pk}/"' in page and "Beschlussfassung vom 20. November 2026" in page
    assert "Fortschreibungszyklus 2025–2026" in page
    response = client.get(f"/pdf/beschluss/{edition.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == frozen
    edition.refresh_from_db()
    with pytest.raises(ValueError):
        edition.save()


def test_freezing_needs_a_date_and_a_published_plan(db):
    with pytest.raises(CommandError, match="kein Datum der Form JJJJ-MM-TT"):
        call_command("freeze_council_edition", "--decided-on", "20.11.2026")
    with pytest.raises(CommandError, match="keinen veröffentlichten Plan in der Sprache „fr“"):
        call_command("freeze_council_edition", "--decided-on", "2026-11-20", "--language", "fr")
    assert not CouncilEdition.objects.exists()


def _member(django_user_model, group: str):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(f"{group.lower()}-person", password="x-not-used")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_freigabe_keeps_the_council_edition_in_the_admin(client, writes, django_user_model):
    url = "/admin/beschlussfassungen/"
    client.force_login(_member(django_user_model, "Redaktion"))
    denied = client.post(url, {"decided_on": "20.11.2026"})
    assert denied.status_code == 302 and denied["Location"] == "/admin/"  # Wagtail's answer to a denied view
    assert not CouncilEdition.objects.exists()
    assert url not in client.get("/admin/").content.decode()  # no menu item either

    client.force_login(_member(django_user_model, "Freigabe"))
    assert url in client.get("/admin/").content.decode()
    page = BeautifulSoup(client.get(url).content, "html.parser")
    assert "Noch keine Beschlussfassung festgehalten." in page.get_text()
    plan = PlanPage.objects.get(locale__language_code="de")
    for day, message in [
        ("31.02.2026", "Bitte ein Datum der Form TT.MM.JJJJ angeben, z. B. 12.03.2026."),
        ("", "Bitte geben Sie das Datum des Ratsbeschlusses an."),
        ((timezone.localdate() + datetime.timedelta(days=1)).strftime("%d.%m.%Y"), "Der Ratsbeschluss kann nicht in der Zukunft liegen."),
    ]:
        refused = client.post(url, {"decided_on": day, "plan": plan.pk})
        assert refused.status_code == 422
        assert BeautifulSoup(refused.content, "html.parser").select_one("#id_decided_on_errors").get_text() == message
    assert not CouncilEdition.objects.exists() and writes == []

    response = client.post(url, {"decided_on": "20.11.2026", "plan": plan.pk}, follow=True)
    edition = CouncilEdition.objects.get()
    assert (edition.decided_on, edition.language, edition.cycle) == (datetime.date(2026, 11, 20), "de", plan.cycle)
    assert "20. November 2026" in writes[-1]  # the date on the title page
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert "Beschlussfassung vom 20.11.2026 festgehalten" in text
    assert f'href="/pdf/beschluss/{edition.pk}/"' in response.content.decode()
