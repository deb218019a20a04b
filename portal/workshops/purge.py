"""A cache in front of the portal (Varnish, a CDN) forgets the workshop pages when seats change.

Only with MEP_FRONTEND_CACHE_URL (or another WAGTAILFRONTENDCACHE backend) configured. The
list and the calendar feed, in both languages, are purged after every committed change of a
date's seats; a date's own page follows within MEP_HTTP_S_MAXAGE seconds. A proxy that cannot
be reached is logged by Wagtail and never fails a booking.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def workshop_page_urls() -> list[str]:
    from wagtail.models import Site

    paths = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths += [reverse("workshops:list"), reverse("workshops:feed")]
    return [site.root_url + path for site in Site.objects.all() for path in paths]


def purge_workshop_pages() -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(workshop_page_urls())
    except Exception:  # the booking stands; the proxy forgets the page within MEP_HTTP_S_MAXAGE anyway
        logger.exception("Workshop-Seiten konnten im vorgelagerten Cache nicht gelöscht werden")
