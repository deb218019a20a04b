"""The plan as a PDF edition (WeasyPrint): the whole plan or one chapter, built once per content.

The HTML of the edition is rendered first (cheap); its SHA-256, together with the
stylesheet, the fonts and WeasyPrint's version, names the content. A PDF with that
hash is built once and kept in the private storage (``MEP_PRIVATE_ROOT/pdf/``); the
same content is served from there until something a reader sees changes.

Nothing is fetched from the network: the fetcher serves the project's static files
(the stylesheet's fonts) and uploaded media, and refuses every other address.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

#: the stylesheet of the edition, a static file like the fonts it names
STYLESHEET = "css/pdf.css"
#: the address the edition's relative links and resources are resolved against (never fetched)
LOCAL_ROOT = "https://mep.invalid/"


class RefusedFetch(ValueError):
    """An address outside the project's static files and media: the edition fetches nothing from the network."""


def _local_file(url: str) -> Path | None:
    """The file behind a static or media address of the edition, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != LOCAL_ROOT:
        return None
    path = unquote(parts.path)
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found is None and settings.STATIC_ROOT:
            found = Path(settings.STATIC_ROOT) / path.removeprefix(settings.STATIC_URL)
        return Path(found) if found and Path(found).is_file() else None
    if path.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
        return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
    return None


def local_fetcher():
    """A WeasyPrint URL fetcher that serves static files and media from disk and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            found = _local_file(url)
            if found is None:
                logger.warning("PDF: Adresse nicht geladen (nur eigene statische Dateien und Medien): %s", url)
                raise RefusedFetch(f"Nicht geladen: {url}")
            mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})

    return LocalFetcher(allowed_protocols={"data", "https"})


@cache
def _static_fingerprint() -> str:
    """The stylesheet, the fonts and WeasyPrint's version: a change to any of them is a change of the PDF."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    for name in [STYLESHEET, *sorted(p.name for p in Path(finders.find("fonts/DejaVuSans.ttf")).parent.glob("*.ttf"))]:
        path = finders.find(name if "/" in name else f"fonts/{name}")
        digest.update(name.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def content_hash(html: str) -> str:
    return hashlib.sha256((_static_fingerprint() + html).encode()).hexdigest()


# --- the HTML ---------------------------------------------------------------------------------------------------------


def _entries(tree, depth=1):
    """The plan's table of contents, flat and in reading order, each with its depth (parts and front matter: 1)."""
    from .models import PartPage

    for entry in tree:
        page = entry["page"].specific
        yield {"page": page, "depth": depth, "part": isinstance(page, PartPage)}
        yield from _entries(entry["children"], depth + 1)


def _stand(pages):
    dates = [p.last_published_at for p in pages if p.last_published_at]
    return max(dates) if dates else None


def _has_note_list(chapters) -> bool:
    """Does the plan list all its endnotes itself (a chapter with the endnotes collection)?"""
    return any(
        block.block_type == "collection" and block.value["collection"] == "endnotes"
        for chapter in chapters
        for block in chapter.body
    )


def _endnotes(chapters) -> list:
    notes = {}
    for chapter in chapters:
        for note in chapter.cited_endnotes():
            notes[note.number] = note
    return [notes[n] for n in sorted(notes)]


def _synthetic_cycles(chapters) -> list[str]:
    """The cycles whose published figures the edition shows and that are synthetic demo data ("Beispieldaten")."""
    from portal.figures.published import PublishedFigures

    figures = PublishedFigures()
    names = []
    for chapter in chapters:
        for block in chapter.body:
            if block.block_type != "figure":
                continue
            cycle = figures.cycle(block.value.get("cycle"))
            regeneration = figures.by_cycle.get(cycle.pk) if cycle else None
            if regeneration is not None and regeneration.dataset_version.synthetic and cycle.name not in names:
                names.append(cycle.name)
    return names


def edition_html(page, decided_on=None) -> str:
    """The whole plan (a PlanPage) or one chapter with its sections (a ChapterPage) as one HTML document:
    title page, contents, chapters in reading order, endnotes."""
    from .models import ChapterPage, PlanPage
    from .more_figures import more_figures

    page = page.specific
    if isinstance(page, PlanPage):
        plan, chapter = page, None
        entries = list(_entries(plan.table_of_contents()))
    else:
        plan, chapter = page.plan, page
        entries = [{"page": page, "depth": 1, "part": False}, *_entries(page.sections(), 2)]
    chapters = [e["page"] for e in entries if isinstance(e["page"], ChapterPage)]
    for entry in entries:
        # as on the web: a field's chapter ends with the field's published figures its text does not show
        entry["more_figures"] = more_figures(entry["page"], None) if isinstance(entry["page"], ChapterPage) else []
        entry["more_level"] = min(entry["depth"] + 2, 6)
    language = page.locale.language_code
    with translation.override(language):
        html = render_to_string(
            "plan/pdf/plan.html",
            {
                "plan": plan,
                "chapter": chapter,
                "entries": entries,
                "stand": _stand([page, *chapters]),
                "decided_on": decided_on,
                # the plan's own list of notes (its "Endnoten" chapter) takes the references; else a list at the end
                "endnotes": [] if chapter is None and _has_note_list(chapters) else _endnotes(chapters),
                "synthetic_cycles": _synthetic_cycles(chapters),
                "language": language,
                "author": settings.WAGTAIL_SITE_NAME,
                "stylesheet": settings.STATIC_URL + STYLESHEET,
            },
        )
    # The note references lead to the chapter's notes on the web, in the PDF to the list of all notes.
    return html.replace('href="#endnote-', 'href="#note-')


# --- the PDF ----------------------------------------------------------------------------------------------------------


def write_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of an edition's HTML and its number of pages: tagged (PDF/UA-1), language and title from the
    document, the fonts embedded (subsets)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=LOCAL_ROOT, url_fetcher=local_fetcher()).render(pdf_variant="pdf/ua-1")
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def file_name(page) -> str:
    """The download name: ``medienentwicklungsplan-2025-2026.pdf``, ``kapitel-5-3-….pdf``."""
    from django.utils.text import slugify

    from .models import PlanPage

    page = page.specific
    if isinstance(page, PlanPage):
        return f"{slugify(page.title)}-{slugify(page.cycle.replace('–', '-'))}.pdf"
    number = slugify(page.number.replace(".", "-")) if page.number else ""
    return f"{number + '-' if number else ''}{slugify(page.slug)}.pdf"


def latest(page):
    """The newest PDF built of ``page`` (perhaps of an older content), or None: for showing a size, never builds."""
    from .editions import PdfFile

    return PdfFile.objects.filter(page=page).only("pk", "size", "pages", "content_hash", "built_at").first()


def current(page):
    """The PDF of ``page`` as it is now: the stored one for its content, built first if there is none."""
    from . import generation
    from .editions import PdfFile
    from .models import PlanPage

    html = edition_html(page)
    digest = content_hash(html)
    found = PdfFile.objects.filter(page=page, content_hash=digest).first()
    if found is not None and found.file.storage.exists(found.file.name):
        return found
    data, pages = write_pdf(html)
    stored = PdfFile(page_id=page.pk, content_hash=digest, size=len(data), pages=pages)
    try:
        with transaction.atomic():
            if found is not None:  # the record outlived its file (a restored database): write the file again
                found.file.save(f"{digest}.pdf", ContentFile(data), save=False)
                found.size = len(data)
                found.save(update_fields=["file", "size"])
                return found
            stored.file.save(f"{digest}.pdf", ContentFile(data), save=False)
            stored.save()
    except IntegrityError:  # another worker built the same content at the same time: keep theirs, drop our file
        stored.file.delete(save=False)
        return PdfFile.objects.get(page=page, content_hash=digest)
    _forget_older(page, keep=stored.pk)
    if isinstance(page.specific, PlanPage):
        generation.bump()  # the plan page shows the new file's size; a chapter's PDF changes no page
    return stored


def for_download(page):
    """:func:`current`, remembered for the content generation: a download renders the HTML only after a change."""
    from django.core.cache import caches

    from . import generation
    from .editions import PdfFile

    cache = caches[generation.CACHE]
    key = f"mep:pdf:{page.pk}:{generation.current()}"
    pk = cache.get(key)
    stored = PdfFile.objects.filter(pk=pk, page=page).first() if pk else None
    if stored is None or not stored.file.storage.exists(stored.file.name):
        stored = current(page)
        cache.set(key, stored.pk, 60 * 60)
    return stored


def _forget_older(page, keep: int, kept: int = 3) -> None:
    """Keep the newest few PDFs of a page (a reader may still be downloading one), remove older ones and their files."""
    from .editions import PdfFile

    for old in PdfFile.objects.filter(page=page).exclude(pk=keep)[kept - 1 :]:
        old.file.delete(save=False)
        old.delete()


def freeze(plan, decided_on):
    """Store the council's edition of ``plan`` as it is now, with the date of the decision on its title page."""
    from .editions import CouncilEdition

    html = edition_html(plan, decided_on=decided_on)
    data, _pages = write_pdf(html)
    digest = content_hash(html)
    edition = CouncilEdition(
        plan=plan,
        language=plan.locale.language_code,
        cycle=plan.cycle,
        title=plan.title,
        decided_on=decided_on,
        content_hash=digest,
        size=len(data),
    )
    with transaction.atomic():
        edition.file.save(f"{decided_on:%Y-%m-%d}-{digest[:16]}.pdf", ContentFile(data), save=False)
        edition.save()
    return edition


def live_plans():
    from .models import PlanPage

    return PlanPage.objects.live().order_by("path")


def build_all() -> list[str]:
    """The whole plan of every language, built where its content changed; returns the hashes."""
    return [current(plan).content_hash for plan in live_plans()]


# --- after a publish ----------------------------------------------------------------------------------------------------


def _enqueue() -> None:
    from .tasks import build_plan_pdfs_task

    try:
        build_plan_pdfs_task.enqueue()
    except Exception:  # a failed build must never undo or break a publish; the next publish or request builds it
        logger.exception("PDF des Plans: Erstellung nicht eingereiht")


def schedule_build(**kwargs) -> None:
    """Build the plan's PDF in the background once the change is committed (once per transaction)."""
    if not settings.MEP_PDF_BUILD_AFTER_PUBLISH:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        if not any(hook is _enqueue for _, hook, _ in connection.run_on_commit):
            transaction.on_commit(_enqueue)
    else:
        _enqueue()


def _plan_model_changed(sender, **kwargs) -> None:
    """Snippets of the plan (endnotes, actors, milestones …) and cycles appear in the PDF."""
    from wagtail.models import Page

    if issubclass(sender, Page) or sender._meta.label in ("plan.PdfFile", "plan.CouncilEdition"):
        return
    if sender._meta.app_label == "plan" or sender._meta.label == "figures.Cycle":
        schedule_build()


def connect() -> None:
    """The same events that start a new content generation (portal/plan/generation.py), as far as the plan shows them."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from portal.figures.signals import figures_changed

    page_published.connect(schedule_build, dispatch_uid="mep-pdf-published")
    page_unpublished.connect(schedule_build, dispatch_uid="mep-pdf-unpublished")
    post_page_move.connect(schedule_build, dispatch_uid="mep-pdf-moved")
    figures_changed.connect(schedule_build, dispatch_uid="mep-pdf-figures")
    post_save.connect(_plan_model_changed, dispatch_uid="mep-pdf-saved")
    post_delete.connect(_plan_model_changed, dispatch_uid="mep-pdf-deleted")
