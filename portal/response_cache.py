"""Whole responses for anonymous readers, from the shared cache; HTTP caching headers; compression.

Why not a library: wagtail-cache 3.0.0 (its newest release) requires ``wagtail<8.0``, and
Django's UpdateCacheMiddleware/FetchFromCacheMiddleware cannot key by a content
generation, so they could only forget a page when its time is up. This middleware is
small: a public GET or HEAD without a session is looked up under its scheme, host, path,
query, language and whether the client takes gzip, and served only if it was rendered
in the current content generation (portal/plan/generation.py), which every change a
reader could see replaces; the generation and the entry are read in one round trip. A hit is
served without touching a view or the database; conditional requests get their 304 here.

Never stored (and never served from here): a request with a session or a messages
cookie, anything under MEP_PAGE_CACHE_EXCLUDED_PATHS (the admin with its previews,
documents), POSTs, answers other than 200 (a 404 stays uncached: random addresses would
crowd out real pages, and a redirect added for it works at once), streams, answers
that set a cookie, used the CSRF token (booking forms), wrote the session, used a CSP
nonce, vary on Cookie for a request that had cookies, or say ``private``,
``no-store``, ``no-cache`` or ``max-age=0``. Those that concern one visitor (a session,
a cookie, a CSRF token) are marked ``private, no-store``.

A view whose answer changes at a known time without any event (a booking window
opening, a date passing) sets ``max-age`` to the seconds until then
(``patch_cache_control``); the entry lives no longer, and the max-age a hit carries
counts down to that time.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from portal.plan import generation

CACHE = generation.CACHE
HIT_HEADER = "X-MEP-Cache"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware decides
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_NOT_SHARED = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)


def may_share(request) -> bool:
    """May this request get (and leave) a response that others get too?"""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    return not request.path.startswith(tuple(settings.MEP_PAGE_CACHE_EXCLUDED_PATHS))


def cache_key(request) -> str:
    """One entry per address, language and encoding; the entry names the generation it was rendered in."""
    gzip = "gzip" if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"
    language = getattr(request, "LANGUAGE_CODE", "")
    address = "\n".join([request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""), language, gzip])
    return f"mep:response:{hashlib.sha256(address.encode()).hexdigest()}"


def _lookup(key: str) -> tuple[str, tuple | None]:
    """The current generation and the entry, if it was rendered in that generation: one round trip to the cache."""
    found = caches[CACHE].get_many([generation.KEY, key])
    current = found.get(generation.KEY) or generation.current()
    entry = found.get(key)
    return current, (entry[1:] if entry is not None and entry[0] == current else None)


def _personal(request, response) -> bool:
    """Does the response belong to this one visitor (a cookie set, the CSRF token used, the session written)?"""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def _max_age(response) -> int | None:
    found = _MAX_AGE.search(response.get("Cache-Control", ""))
    return int(found.group(1)) if found else None


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or _personal(request, response):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False  # the nonce in the page would not match the header of a later request
    # SessionMiddleware adds "Vary: Cookie" only after this middleware, for every page that read the session
    # (all pages do: the user bar asks whether someone is signed in), so that counts as varying on Cookie too.
    session = getattr(request, "session", None)
    if request.COOKIES and (has_vary_header(response, "Cookie") or (session is not None and session.accessed)):
        return False
    if _NOT_SHARED.search(response.get("Cache-Control", "")):
        return False
    return _max_age(response) != 0


def _http_caching(response, seconds: int | None) -> None:
    """Cache-Control for a public answer that stays true ``seconds`` more (None: until something changes)."""
    patch_cache_control(
        response,
        public=True,
        max_age=min(seconds, settings.MEP_HTTP_MAX_AGE) if seconds is not None else settings.MEP_HTTP_MAX_AGE,
        s_maxage=min(seconds, settings.MEP_HTTP_S_MAXAGE) if seconds is not None else settings.MEP_HTTP_S_MAXAGE,
        stale_while_revalidate=settings.MEP_HTTP_STALE_WHILE_REVALIDATE,
    )


class AnonymousResponseCacheMiddleware:
    """Serve and keep whole public responses; place it after LocaleMiddleware, before GZipMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_share(request):
            response = self.get_response(request)
            if _personal(request, response):
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = cache_key(request)
        # read before rendering: a change while the page renders leaves it stored under the old generation
        keep = settings.MEP_PAGE_CACHE_SECONDS > 0  # 0: no whole-page cache; HTTP caching headers still apply
        current, entry = _lookup(key) if keep else ("", None)
        if entry is not None:
            return self._hit(request, entry)
        response = self.get_response(request)
        if not _storable(request, response):
            if _personal(request, response):
                patch_cache_control(response, private=True, no_store=True)
            return response
        bound = _max_age(response)  # seconds until the page changes by time alone, if the view knows
        seconds = min(settings.MEP_PAGE_CACHE_SECONDS, bound) if bound is not None else settings.MEP_PAGE_CACHE_SECONDS
        if not response.has_header("ETag"):
            set_response_etag(response)
        response.setdefault("Last-Modified", http_date())
        # The page shows the Wagtail user bar to a signed-in editor: whoever has a cookie may get another page.
        patch_vary_headers(response, ("Cookie",))
        _http_caching(response, bound)
        until = time.time() + bound if bound is not None else None
        if keep:
            caches[CACHE].set(key, (current, response.status_code, list(response.items()), response.content, until), seconds)
            response[HIT_HEADER] = "miss"
        return response

    def _hit(self, request, entry):
        status, headers, content, until = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        if until is not None:  # the max-age counts down to the time the page changes
            _http_caching(response, max(0, int(until - time.time())))
        response[HIT_HEADER] = "hit"
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(request, etag=response.get("ETag"), last_modified=last_modified, response=response)


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (HTML, CSV, JSON, SVG, calendars …), except for answers that carry a CSRF token.

    BREACH guesses a secret from the compressed size of answers that also reflect what an
    attacker sent. The cached anonymous pages hold no secret at all, so compressing them
    is safe. A page with a CSRF token (the booking form, confirming, cancelling) is left
    uncompressed: Django masks the token anew for every answer and its GZipMiddleware pads
    the length at random, but those pages are small and there is no need to rely on that.
    """

    def process_response(self, request, response):
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response
        return super().process_response(request, response)
