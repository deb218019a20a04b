"""The content generation: one value in the shared cache that every cache of published content keys by.

Whatever a reader can see changes → a new generation → every cached fragment, whole
response or navigation of every worker is unreachable at once (old entries simply
expire). There is nothing to enumerate, and no risk of flushing a Redis database that
something else uses. The generation lives in the "pages" cache, which production
requires to be shared by all processes (system check ``workshops.E001``).

What starts a new generation (``connect``): a page published, unpublished, moved or
deleted; a snippet or another model that pages show saved or deleted (the plan's
snippets, cycles, workshops and their dates, sites, view restrictions, images,
documents); figures regenerated or published (``figures_changed``); and every change
of a workshop date's seats (bookings, confirmations, cancellations, lapses, a date
called off: ``portal.workshops.booking.date_transaction`` calls :func:`bump`).
"""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

CACHE = "pages"
KEY = "mep:page-cache-generation"

#: models (app label, or app label.ModelName) whose every change may show on a public page
SHOWN_MODELS = {
    "plan",  # snippets and settings; pages themselves change what readers see only when published (signals below)
    "workshops",
    "figures.Cycle",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Locale",
    "wagtailimages.Image",
    "wagtaildocs.Document",
}
#: changed often and shown on no public page, or shown only through a service that bumps once after its commit
NOT_SHOWN = {"workshops.HousekeepingRun", "workshops.Booking", "plan.PdfFile"}  # a new plan PDF bumps itself (pdf.py)


def token(cache, key: str) -> str:
    """The generation kept under ``key`` in ``cache``; a new one is made if the cache holds none (first start, eviction).

    ``add`` lets the first of several workers win, so all of them read the same generation.
    """
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        value = cache.get(key) or uuid.uuid4().hex
    return value


def current() -> str:
    """The content generation now (whole responses and chapter fragments are keyed by it)."""
    return token(caches[CACHE], KEY)


def _new_generation() -> None:
    caches[CACHE].set(KEY, uuid.uuid4().hex, timeout=None)


def bump(**kwargs) -> None:
    """Start a new generation now, and again once the surrounding transaction commits.

    Now: so the process that made the change (and the test suite, which never commits)
    sees it. Again on commit: a worker that read the new generation before the commit
    may have rendered the old rows into it (Redis is not part of the transaction).
    """
    _new_generation()
    if connection.in_atomic_block and not any(hook is _new_generation for _, hook, _ in connection.run_on_commit):
        transaction.on_commit(_new_generation)


def _is_shown(model) -> bool:
    from wagtail.models import Page

    label = model._meta.label
    if label in NOT_SHOWN or issubclass(model, Page):
        return False
    return model._meta.app_label in SHOWN_MODELS or label in SHOWN_MODELS


def _model_changed(sender, **kwargs) -> None:
    if _is_shown(sender):
        bump()


def _page_deleted(sender, **kwargs) -> None:
    from wagtail.models import Page

    if issubclass(sender, Page):
        bump()


def connect() -> None:
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from portal.figures.signals import figures_changed

    page_published.connect(bump, dispatch_uid="mep-generation-published")
    page_unpublished.connect(bump, dispatch_uid="mep-generation-unpublished")
    post_page_move.connect(bump, dispatch_uid="mep-generation-moved")
    post_delete.connect(_page_deleted, dispatch_uid="mep-generation-page-deleted")
    figures_changed.connect(bump, dispatch_uid="mep-generation-figures")
    post_save.connect(_model_changed, dispatch_uid="mep-generation-saved")
    post_delete.connect(_model_changed, dispatch_uid="mep-generation-deleted")
    # Tests change settings that pages print (erasure periods, cache times): never stale there either.
    setting_changed.connect(bump, dispatch_uid="mep-generation-settings")
