"""Soft hyphens in long German words, so that a heading or menu item breaks with a hyphen on a narrow screen.

Browsers hyphenate only with a dictionary for the language (``hyphens: auto`` with ``lang="de"``),
and several have none for German (Chromium on Linux and Windows among them); there a long compound
such as "Medienentwicklungsplan" was broken anywhere, without a hyphen (``overflow-wrap``). pyphen
brings the LibreOffice hyphenation patterns -- the ones browsers with a dictionary use -- so the
soft hyphens sit where those browsers would break anyway; a browser shows them only at a line end.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.utils import translation

register = template.Library()

#: Words this long or longer get soft hyphens; shorter ones fit a 390 px wide line in any heading.
MIN_LETTERS = 14
SOFT_HYPHEN = "\u00ad"
_WORD = re.compile(r"[^\W\d_]{%d,}" % MIN_LETTERS)


@lru_cache(maxsize=1)
def _dictionary():
    import pyphen

    # At least three letters on either side of a break, as German typesetting does.
    return pyphen.Pyphen(lang="de_DE", left=3, right=3)


@lru_cache(maxsize=4096)
def hyphenate_word(word: str) -> str:
    return _dictionary().inserted(word, SOFT_HYPHEN)


def hyphenate_german(text: str) -> str:
    """Every word of at least MIN_LETTERS letters with soft hyphens at its break points; the rest unchanged."""
    return _WORD.sub(lambda match: hyphenate_word(match.group(0)), str(text))


@register.filter
def hyphenate(text, language: str = ""):
    """{{ page.title|hyphenate }}: soft hyphens when the text is German (``language``, else the page's language).

    Other languages stay as they are: German patterns would break their words wrongly. The
    result is escaped as before (a soft hyphen is a character, not markup).
    """
    if text is None:
        return ""
    if (language or translation.get_language() or "de").split("-")[0] != "de":
        return text
    return hyphenate_german(text)
