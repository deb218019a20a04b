"""Readers find and keep their language: the switcher, hreflang alternates, lang on foreign words.

A Wagtail page links to its live translations (wagtail-localize keeps them as
pages of one ``translation_key``); any other view (workshops, open data, search)
to the same address in the other language (``i18n_patterns`` and Django's
``translate_url``). A page without a translation leads to the other language's
start page and says so, in that language; a language with only a few pages
(``MEP_PARTIAL_LANGUAGES``) is left out where the page does not exist in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.urls.base import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.models import Page

from portal.plan.languages import is_partial, view_translated

register = template.Library()


@dataclass
class Alternate:
    code: str
    name: str  # the language's own name: "Deutsch", "English"
    url: str  # absolute
    translated: bool  # False: the other language's start page stands in for a missing translation
    current: bool
    note: str = ""
    default: bool = False  # the x-default: the German version (LANGUAGE_CODE)  # said in the alternate's own language when ``translated`` is False


def home_path(code: str) -> str:
    with translation.override(code):
        return reverse("wagtail_serve", args=[""])


def page_translations(page: Page, request=None) -> dict[str, Page]:
    """The live translations of a page, its own included, by language code (from the page tree read once per request)."""
    from portal.plan import navigation

    structure = navigation.for_request(request) if request is not None else navigation.load()
    node = structure.node(page)
    if node is None:
        found = page.get_translations(inclusive=True).live().select_related("locale")
    else:
        found = [other for other in structure.translations(node, inclusive=True) if other.live]
    return {other.locale.language_code: other for other in found}


def alternates_for(request, page: Page | None = None) -> list[Alternate]:
    """One entry per language of LANGUAGES, in that order."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(page, Page):
        found = page_translations(page, request)
        paths = {code: other.get_url(request) for code, other in found.items()}
    else:
        paths = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    alternates = []
    for code, name in settings.LANGUAGES:
        path = paths.get(code)
        note = ""
        if is_partial(code) and code != current and (
            not path if isinstance(page, Page) else not view_translated(getattr(request, "resolver_match", None), code)
        ):
            continue  # a language with only a few pages is offered only where this page exists in it
        if not path:
            path = home_path(code)
            with translation.override(code):
                note = _("Diese Seite gibt es noch nicht auf Deutsch; zur deutschen Startseite")
        alternates.append(
            Alternate(code, name, request.build_absolute_uri(path), not note, code == current, note, code == settings.LANGUAGE_CODE)
        )
    return alternates


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[Alternate]:
    """{% language_alternates as alternates %}: every language of the page a reader can switch to."""
    request = context.get("request")
    if request is None:
        return []
    return alternates_for(request, context.get("page"))


@register.simple_tag(takes_context=True)
def home_alternates(context) -> list[Alternate]:
    """{% home_alternates as alternates %}: the start page of every language (where nothing else fits, say a 404)."""
    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [
        Alternate(code, name, request.build_absolute_uri(home_path(code)), True, code == current, "", code == settings.LANGUAGE_CODE)
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def lang_if_not(code: str) -> str:
    """{% lang_if_not "de" %}: ` lang="de"` on an element whose text is German when the page is not."""
    if (translation.get_language() or settings.LANGUAGE_CODE) == code:
        return ""
    bidi = translation.get_language_info(code)["bidi"]
    if bidi != translation.get_language_bidi():  # German words on an Arabic page keep their own direction
        return format_html(' lang="{}" dir="{}"', code, "rtl" if bidi else "ltr")
    return format_html(' lang="{}"', code)


@register.simple_tag
def home_url() -> str:
    """The start page in the active language."""
    return home_path(translation.get_language() or settings.LANGUAGE_CODE)
