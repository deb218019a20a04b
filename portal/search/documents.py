"""What the search finds: one plain-text document per thing a reader looks for.

Chapters and pages, partner offers, actors and actor groups, milestones, goals,
links, endnotes, workshops and their dates, and published figures, each in its
own language. The backends (embedded, Elasticsearch) index these documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape as unescape_entities

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SearchDocument:
    key: str
    kind: str
    language: str
    title: str
    text: str
    url: str


KINDS: dict[str, str] = {
    "chapter": _("Kapitel"),
    "page": _("Seite"),
    "offer": _("Partnerangebot"),
    "actor": _("Akteur"),
    "milestone": _("Meilenstein"),
    "goal": _("Ziel"),
    "link": _("Link"),
    "endnote": _("Endnote"),
    "workshop": _("Workshop"),
    "date": _("Termin"),
    "figure": _("Abbildung"),
}

#: the language of things that have no locale (workshops and their dates)
DEFAULT_LANGUAGE = "de"


def plain(html: str) -> str:
    """Text of an HTML fragment, with block ends as spaces and entities decoded."""
    text = re.sub(r"<(br|/p|/li|/h\d|/td|/th)\b[^>]*>", " ", str(html or ""))
    return re.sub(r"\s+", " ", unescape_entities(strip_tags(text))).strip()


def _language(obj) -> str:
    locale = getattr(obj, "locale", None)
    return locale.language_code if locale is not None else DEFAULT_LANGUAGE


def _page_url(page) -> str:
    return page.get_url(None) or page.url or ""


# --- pages ---------------------------------------------------------------------


def _stream_text(stream) -> tuple[str, list]:
    """The searchable text of a chapter's stream field, and its goal and figure blocks."""
    parts, special = [], []
    for index, block in enumerate(stream):
        kind = block.block_type
        if kind in ("goals", "figure"):
            special.append((index, block))
        if kind == "figure":
            continue  # the figure's own document carries its text
        if kind == "collection":
            continue  # the collection's items are documents of their own
        try:
            content = block.block.get_searchable_content(block.value)
        except Exception:  # noqa: BLE001 – a broken block must not stop the index
            content = []
        parts.extend(plain(c) for c in content if c)
    return " ".join(p for p in parts if p), special


def page_documents(page) -> list[SearchDocument]:
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

    page = page.specific
    language = _language(page)
    url = _page_url(page)
    docs = []
    key = f"page:{page.pk}"
    if isinstance(page, ChapterPage):
        text, special = _stream_text(page.body)
        docs.append(SearchDocument(key, "chapter", language, page.label, " ".join(filter(None, [page.summary, text])), url))
        docs.extend(_goal_documents(page, special, url))
        docs.extend(_figure_documents(page, special, url))
    elif isinstance(page, PartnerOfferPage):
        text = " ".join(filter(None, [page.provider, page.format, page.target_groups, page.address, page.summary, plain(page.body)]))
        docs.append(SearchDocument(key, "offer", language, page.title, text, url))
    elif isinstance(page, PartPage):
        docs.append(SearchDocument(key, "chapter", language, page.label, plain(getattr(page, "intro", "")), url))
    else:
        text = ""
        if isinstance(page, LegalPage | PartnerOfferIndexPage):
            text = plain(getattr(page, "body", "") or getattr(page, "intro", ""))
        elif isinstance(page, HomePage | PlanPage | EasyLanguagePage | SummaryPage):
            text = " ".join(plain(c) for c in _searchable(page))
        docs.append(SearchDocument(key, "page", language, page.title, text, url))
    return docs


def _searchable(page) -> list[str]:
    out = []
    for name in ("subtitle", "intro", "summary", "body", "highlights"):
        value = getattr(page, name, None)
        if value is None:
            continue
        if hasattr(value, "stream_block"):
            out.append(_stream_text(value)[0])
        else:
            out.append(str(value))
    return out


def _goal_documents(page, special, url) -> list[SearchDocument]:
    docs = []
    for index, block in special:
        if block.block_type != "goals":
            continue
        goals = [g["text"] for g in block.value["goals"] if g.get("text")]
        title = f"{block.value['title']} – {page.label}"
        docs.append(SearchDocument(f"goals:{page.pk}:{index}", "goal", _language(page), title, " ".join(goals), url))
    return docs


def _figure_documents(page, special, url) -> list[SearchDocument]:
    from portal.figures.models import Cycle, FigureSnapshot

    figures = [(i, b) for i, b in special if b.block_type == "figure" and b.value.get("key")]
    if not figures:
        return []
    current = Cycle.current()
    regeneration = current.published_regeneration() if current else None
    snapshots = {}
    if regeneration is not None:
        keys = {b.value["key"] for _i, b in figures}
        snapshots = {s.key: s for s in FigureSnapshot.objects.filter(regeneration=regeneration, key__in=keys).defer("data", "data_csv", "svg")}
    docs, seen = [], {}
    for _index, block in figures:
        key = block.value["key"]
        ident = "abb-" + re.sub(r"[^a-z0-9]+", "-", key)
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] > 1:
            continue  # one result per figure and page; the first place it appears
        snapshot = snapshots.get(key)
        if snapshot is None:
            continue  # not published in the current cycle: the page shows no figure
        words = snapshot.translations.get(_language(page)) or {}  # the figure in the page's language, where it has it
        labels = words.get("column_labels") or snapshot.column_labels
        headings = [str(labels.get(c, c)) for c in snapshot.columns]
        summary = words.get("summary") or snapshot.summary
        text = " ".join(filter(None, [summary, plain(block.value.get("caption") or ""), " ".join(headings)]))
        title = block.value.get("title") or snapshot.title
        docs.append(SearchDocument(f"figure:{key}:{page.pk}", "figure", _language(page), title, text, f"{url}#{ident}-title"))
    return docs


# --- snippets ------------------------------------------------------------------


def _collection_url(name: str, language: str) -> str:
    """The URL of the first live chapter that shows collection ``name`` in ``language``."""
    from portal.plan.models import ChapterPage

    pages = ChapterPage.objects.live().public().filter(locale__language_code=language).order_by("path")
    for page in pages:
        if any(b.block_type == "collection" and b.value.get("collection") == name for b in page.body):
            return _page_url(page)
    return ""


def snippet_documents(obj, urls: dict | None = None) -> list[SearchDocument]:
    from portal.plan.snippets import Actor, ActorGroup, Endnote, LinkEntry, Milestone

    language = _language(obj)
    cache = urls if urls is not None else {}

    def url_of(name):
        if (name, language) not in cache:
            cache[(name, language)] = _collection_url(name, language)
        return cache[(name, language)]

    if isinstance(obj, Milestone):
        title = f"{obj.title} ({obj.month_name} {obj.year})"
        return [SearchDocument(f"milestone:{obj.pk}", "milestone", language, title, obj.description, url_of("milestones"))]
    if isinstance(obj, ActorGroup):
        url = f"{url_of('actors')}#actor-group-{obj.pk}"
        return [SearchDocument(f"actorgroup:{obj.pk}", "actor", language, obj.name, obj.description, url)]
    if isinstance(obj, Actor):
        url = f"{url_of('actors')}#actor-group-{obj.group_id}"
        return [SearchDocument(f"actor:{obj.pk}", "actor", language, obj.name, obj.description, url)]
    if isinstance(obj, LinkEntry):
        return [SearchDocument(f"link:{obj.pk}", "link", language, obj.title, f"{obj.description} {obj.url}".strip(), url_of("links"))]
    if isinstance(obj, Endnote):
        text = plain(obj.text)
        title = f"{_('Endnote')} {obj.number}"
        return [SearchDocument(f"endnote:{obj.pk}", "endnote", language, str(title), text, f"{url_of('endnotes')}#note-{obj.number}")]
    return []


# --- workshops -----------------------------------------------------------------


def _languages() -> list[str]:
    """The languages with a search page (a language with only a few pages searches in German)."""
    from django.conf import settings

    partial = getattr(settings, "MEP_PARTIAL_LANGUAGES", ())
    return [code for code, _name in settings.LANGUAGES if code not in partial]


def _in(language: str, key: str) -> str:
    """German keeps the plain key; a workshop's document in another language gets the language appended."""
    return key if language == DEFAULT_LANGUAGE else f"{key}:{language}"


def workshop_documents(workshop, languages=None) -> list[SearchDocument]:
    """Workshops have no locale: their (German) text is searchable on every language's search page,
    leading to the workshop list of that language."""
    topics = " ".join(t.name for t in workshop.topics.all())
    text = " ".join(filter(None, [workshop.description, topics, str(workshop.get_target_group_display())]))
    docs = []
    for language in languages or _languages():
        with translation.override(language):
            url = reverse("workshops:list")
        docs.append(SearchDocument(_in(language, f"workshop:{workshop.pk}"), "workshop", language, workshop.title, text, url))
    return docs


def session_documents(session, languages=None) -> list[SearchDocument]:
    if session.cancelled_at is not None:
        return []
    workshop = session.workshop
    docs = []
    for language in languages or _languages():
        with translation.override(language):
            url = reverse("workshops:session", args=[session.pk])
            when = formats.date_format(timezone.localtime(session.start), "j. F Y, H:i" if language == "de" else "j F Y, H:i")
        title = f"{workshop.title} – {when}"
        docs.append(SearchDocument(_in(language, f"date:{session.pk}"), "date", language, title, workshop.description, url))
    return docs


# --- everything ----------------------------------------------------------------


def _public_pages():
    from wagtail.models import Page

    return Page.objects.live().public().filter(depth__gt=1).specific().order_by("path")


def all_documents(language: str | None = None) -> Iterator[SearchDocument]:
    from portal.plan.snippets import Actor, ActorGroup, Endnote, LinkEntry, Milestone
    from portal.workshops.models import Workshop, WorkshopSession

    pages = _public_pages()
    if language:
        pages = pages.filter(locale__language_code=language)
    for page in pages:
        yield from page_documents(page)
    urls: dict = {}
    for model in (Milestone, ActorGroup, Actor, LinkEntry, Endnote):
        objects = model.objects.select_related("locale")
        if language:
            objects = objects.filter(locale__language_code=language)
        for obj in objects:
            yield from snippet_documents(obj, urls)
    languages = [language] if language else None
    for workshop in Workshop.objects.prefetch_related("topics"):
        yield from workshop_documents(workshop, languages)
    for session in WorkshopSession.objects.select_related("workshop"):
        yield from session_documents(session, languages)


SNIPPET_PREFIXES = {"Milestone": "milestone", "ActorGroup": "actorgroup", "Actor": "actor", "LinkEntry": "link", "Endnote": "endnote"}


def documents_for(instance) -> list[SearchDocument]:
    """The documents ``instance`` contributes now (none if it is not public)."""
    from wagtail.models import Page

    from portal.workshops.models import Workshop, WorkshopSession

    if isinstance(instance, Page):
        page = instance.specific
        if not page.live or page.depth <= 1 or not _public_pages().filter(pk=page.pk).exists():
            return []
        return page_documents(page)
    if isinstance(instance, Workshop):
        docs = workshop_documents(instance)
        for session in instance.sessions.all() if hasattr(instance, "sessions") else []:
            docs.extend(session_documents(session))
        return docs
    if isinstance(instance, WorkshopSession):
        return session_documents(instance)
    if type(instance).__name__ in SNIPPET_PREFIXES:
        return snippet_documents(instance)
    return []


def keys_for(instance) -> list[str]:
    """Every key ``instance`` may have contributed, to drop after delete or unpublish."""
    from wagtail.models import Page

    from portal.workshops.models import Workshop, WorkshopSession

    if isinstance(instance, Page):
        return [f"page:{instance.pk}"]  # its goals and figures go with it (see owner_of)
    if isinstance(instance, Workshop):
        return [_in(language, f"workshop:{instance.pk}") for language in _languages()]
    if isinstance(instance, WorkshopSession):
        return [_in(language, f"date:{instance.pk}") for language in _languages()]
    prefix = SNIPPET_PREFIXES.get(type(instance).__name__)
    return [f"{prefix}:{instance.pk}"] if prefix else []



def owner_of(key: str) -> str:
    """The key of the object a document belongs to: a page owns its goals and figures."""
    kind, _sep, rest = key.partition(":")
    if kind in ("goals", "figure"):
        return "page:" + rest.rsplit(":", 2 if kind == "goals" else 1)[-2 if kind == "goals" else -1]
    return key
