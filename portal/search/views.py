"""Stand-in (branch search-es): search through ``get_backend()``, falling back to the embedded one. The lead keeps `search`'s."""

import logging

from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .backends import BackendUnavailable, embedded_backend, get_backend

logger = logging.getLogger(__name__)


def search(request):
    query = request.GET.get("q", "").strip()
    language = (get_language() or "de").split("-")[0]
    results, notice = None, ""
    if query:
        try:
            results = get_backend().search(query, language)
        except BackendUnavailable:
            logger.warning("Search backend unavailable, falling back to the embedded search", exc_info=True)
            notice = _("Die Suche läuft gerade eingeschränkt; die Ergebnisse können unvollständig sein.")
            results = embedded_backend().search(query, language)
    return TemplateResponse(
        request, "search/search.html", {"search_query": query, "results": results, "search_notice": notice}
    )
