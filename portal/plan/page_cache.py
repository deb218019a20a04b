"""Rendered chapter bodies are cached; publishing a page, a snippet or figures clears them.

Following Wagtail's guidance on template fragment caching, the chapter
template wraps its article in ``{% wagtailpagecache %}``, which already keys
by page and site (and skips previews). We add the live revision, the
published regeneration of every cycle and the content generation
(portal/plan/generation.py), which the whole-response cache of anonymous
readers (portal/response_cache.py) keys by as well. "Clearing" starts a
new generation in the shared cache, so every worker misses at once.
"""

from __future__ import annotations

from . import generation as content_generation

CACHE = content_generation.CACHE
GENERATION_KEY = content_generation.KEY
TIMEOUT = 60 * 60  # seconds; a fragment is also dropped as soon as anything it shows changes


def generation() -> str:
    return content_generation.current()


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
    """Make every cached fragment (and whole response) unreachable, in every worker that shares the cache."""
    content_generation.bump()


def connect() -> None:
    """What clears the cache is decided in one place for every cache of published content (portal/plan/generation.py)."""
    content_generation.connect()
