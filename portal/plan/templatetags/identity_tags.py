"""The content pack's identity where no request context is (e-mails, the error page): ``{% site_identity as identity %}``."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

from portal.plan.identity import site_identity as current

register = template.Library()


@register.simple_tag
def site_identity():
    return current()


@register.filter
def proper_name(value: str) -> str:
    """A German proper name from the pack (``Medienzentrum Bochum``), marked ``lang="de"`` on pages in other languages."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return value
    if translation.get_language_bidi():
        return format_html('<span lang="de" dir="ltr">{}</span>', value)
    return format_html('<span lang="de">{}</span>', value)
