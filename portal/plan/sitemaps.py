"""The sitemap: every live page in every language, each with its translations as alternates, and the other public views.

Wagtail's own sitemap lists the German tree only (the site's root page and
below); the English tree is a sibling of it. Alternates (``xhtml:link
hreflang``, ``x-default`` for German) are written by Django's sitemap template.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .languages import TRANSLATED_VIEWS, is_partial


class PagesSitemap(Sitemap):
    """All live public pages of the site in all languages; pages of one translation key name each other."""

    def items(self):
        site_root = self.get_wagtail_site().root_page
        roots = site_root.get_translations(inclusive=True)
        pages = Page.objects.none()
        for root in roots:
            pages |= Page.objects.descendant_of(root, inclusive=True)
        return pages.live().public().order_by("locale_id", "path").select_related("locale").defer_streamfields()

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        by_key = defaultdict(dict)
        for item in items:
            # the host the request named, as the pages' own hreflang links do (and the views below)
            by_key[item.translation_key][item.locale.language_code] = self.request.build_absolute_uri(item.get_url(self.request))
        urls = []
        for item in items:
            versions = by_key[item.translation_key]
            alternates = [{"lang_code": code, "location": url} for code, url in sorted(versions.items())]
            if settings.LANGUAGE_CODE in versions:
                alternates.append({"lang_code": "x-default", "location": versions[settings.LANGUAGE_CODE]})
            urls.append(
                {
                    "item": item,
                    "location": versions[item.locale.language_code],
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "alternates": alternates if len(versions) > 1 else [],
                }
            )
        return urls


class ViewsSitemap(DjangoSitemap):
    """Public pages that are views, not Wagtail pages, in every language (Django writes the alternates)."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["workshops:list", "open_data", "figure_compare"]

    def get_languages_for_item(self, item):
        """A language with only a few pages (MEP_PARTIAL_LANGUAGES) has the workshops, not the other views."""
        namespace = item.split(":")[0] if ":" in item else ""
        return [code for code in self._languages() if not is_partial(code) or namespace in TRANSLATED_VIEWS]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, "views": ViewsSitemap}
