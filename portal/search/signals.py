"""Keep the search index fresh: every public change re-indexes what it touched, at once.

The embedded index is updated synchronously (in the same transaction as the
change); ``portal.search.backends.on_change`` also hands the change to
Elasticsearch's task queue when that is configured.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.figures.signals import figures_changed

from . import documents
from .backends import on_change

logger = logging.getLogger(__name__)
_state = threading.local()
SNIPPETS = ("plan.Milestone", "plan.ActorGroup", "plan.Actor", "plan.LinkEntry", "plan.Endnote")
WORKSHOPS = ("workshops.Workshop", "workshops.WorkshopSession")


@contextmanager
def suspended():
    """No index updates inside (bulk loads that rebuild the index when they are done)."""
    previous = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = previous


def _active() -> bool:
    return not getattr(_state, "suspended", False)


def refresh(instance) -> None:
    """Drop what ``instance`` contributed and index what it contributes now."""
    if not _active():
        return
    on_change(documents.documents_for(instance), documents.keys_for(instance))


def drop(instance) -> None:
    if _active():
        on_change([], documents.keys_for(instance))


def _page_published(sender, instance, **kwargs):
    refresh(instance)


def _page_unpublished(sender, instance, **kwargs):
    drop(instance)  # its descendants stay live in Wagtail and keep their entries


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        drop(instance)


def _page_moved(sender, instance, **kwargs):
    # the page's URL and those of everything below it changed
    for page in Page.objects.descendant_of(instance, inclusive=True).live().specific():
        refresh(page)


def _real(sender) -> bool:
    """Not a migration's historical model (the tables may not be there yet)."""
    return sender.__module__ != "__fake__"


def _model_saved(sender, instance, raw=False, **kwargs):
    if raw or not _real(sender):
        return
    if sender._meta.label in SNIPPETS or sender._meta.label in WORKSHOPS:
        refresh(instance)


def _model_deleted(sender, instance, **kwargs):
    if not _real(sender):
        return
    if sender._meta.label in SNIPPETS or sender._meta.label in WORKSHOPS:
        drop(instance)
    elif isinstance(instance, Page):
        drop(instance)


def _topics_changed(sender, instance, action, **kwargs):
    # a workshop's topics are part of its text ("Robotik")
    if action in ("post_add", "post_remove", "post_clear") and type(instance).__name__ == "Workshop":
        refresh(instance)


def refresh_figures(**kwargs) -> None:
    """Figures were published or the current cycle switched: re-index the chapters that show figures."""
    if not _active():
        return
    from portal.plan.models import ChapterPage

    for page in ChapterPage.objects.live():
        if any(block.block_type == "figure" for block in page.body):
            refresh(page)


def _cycle_saved(sender, instance, raw=False, **kwargs):
    if not raw and _real(sender) and sender._meta.label == "figures.Cycle":
        refresh_figures()


def connect() -> None:
    page_published.connect(_page_published, dispatch_uid="mep-search-published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="mep-search-unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="mep-search-moved")
    post_save.connect(_model_saved, dispatch_uid="mep-search-saved")
    post_save.connect(_cycle_saved, dispatch_uid="mep-search-cycle")
    post_delete.connect(_model_deleted, dispatch_uid="mep-search-deleted")
    m2m_changed.connect(_topics_changed, dispatch_uid="mep-search-workshop-topics")
    figures_changed.connect(refresh_figures, dispatch_uid="mep-search-figures")
