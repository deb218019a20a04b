"""Rendered chapter bodies are cached; publishing a page, a snippet or figures clears them.

Following Wagtail's guidance on template fragment caching, the chapter
template wraps its article in ``{% wagtailpagecache %}``, which already keys
by page and site (and skips previews). We add the live revision, the
published regeneration of every cycle and a generation counter. "Clearing"
bumps that counter in the shared cache, so every worker misses at once and
old fragments simply expire; there is nothing to enumerate and no risk of
flushing a Redis database that something else uses.
"""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from portal.figures.signals import figures_changed

CACHE = "pages"
GENERATION_KEY = "mep:page-cache-generation"
TIMEOUT = 60 * 60  # seconds; a fragment is also dropped as soon as anything it shows changes


def generation() -> str:
    cache = caches[CACHE]
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def cache_version(request=None) -> str:
    """What a cached fragment depends on beyond its page: the generation, the current cycle, the published figures.

    The current cycle is in the key itself, so switching it shows at once even where the clear
    signal did not reach (an update() in a shell, a worker with a cache of its own). Read with
    the request's figure blocks (one query for both, portal/figures/published.py).
    """
    from portal.figures import published

    figures = published.for_request(request)
    current = figures.current_cycle.pk if figures.current_cycle else None
    return f"{generation()}:c{current}:{'-'.join(map(str, figures.regeneration_ids))}"


def clear_page_cache(**kwargs) -> None:
    """Make every cached fragment unreachable, in every worker that shares the cache."""
    caches[CACHE].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _snippet_changed(sender, **kwargs) -> None:
    # Structured content (milestones, actors, endnotes …) is rendered inside chapter bodies,
    # and which cycle is current decides which figures they show.
    if (sender._meta.app_label == "plan" and not issubclass(sender, Page)) or sender._meta.label == "figures.Cycle":
        clear_page_cache()


def connect() -> None:
    page_published.connect(clear_page_cache, dispatch_uid="mep-page-cache-published")
    page_unpublished.connect(clear_page_cache, dispatch_uid="mep-page-cache-unpublished")
    figures_changed.connect(clear_page_cache, dispatch_uid="mep-page-cache-figures")
    post_save.connect(_snippet_changed, dispatch_uid="mep-page-cache-snippet-saved")
    post_delete.connect(_snippet_changed, dispatch_uid="mep-page-cache-snippet-deleted")
