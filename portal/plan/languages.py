"""Languages with only a few pages (``MEP_PARTIAL_LANGUAGES``: Turkish, Ukrainian, Arabic).

In such a language the portal has the start page, "Der Plan in Kürze" and the
workshop pages (list, dates, booking form, confirmation, cancelling); every
other page is German. So that a reader never gets German text declared as
Turkish, nor a dead link:

* the language switcher and the hreflang links offer such a language only where
  the page exists in it (``portal.plan.templatetags.language_tags``);
* menu links to pages without a translation lead to the German page, marked
  ``lang="de"`` (``portal.plan.context_processors``);
* a view that is not translated into the language (search, open data, figure
  comparison) answers under its address with a redirect to the German version
  (``PartialLanguageMiddleware``), so every link the interface builds works.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls.base import translate_url
from django.utils import translation

# URL namespaces whose views are translated into every partial language (interface catalogues).
TRANSLATED_VIEWS = ("workshops",)


def is_partial(code: str) -> bool:
    return code in getattr(settings, "MEP_PARTIAL_LANGUAGES", ())


def view_translated(resolver_match, code: str) -> bool:
    """Whether the view of ``resolver_match`` (not a Wagtail page) exists in language ``code``."""
    if not is_partial(code):
        return True
    return resolver_match is not None and resolver_match.namespace in TRANSLATED_VIEWS


class PartialLanguageMiddleware:
    """Sends views without a translation in a partial language to their German version (302)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        code = translation.get_language() or settings.LANGUAGE_CODE
        match = request.resolver_match
        if not is_partial(code) or match is None or match.url_name == "wagtail_serve":
            return None
        if not request.path.startswith(f"/{code}/") or view_translated(match, code):
            return None  # not under the language's prefix (admin, API, sitemap), or translated
        german = translate_url(request.get_full_path(), settings.LANGUAGE_CODE)
        if german == request.get_full_path():
            return None
        return redirect(german)
