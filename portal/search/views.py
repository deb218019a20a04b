"""The search page and its autocomplete endpoint."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from .backends import BackendUnavailable, embedded_backend, get_backend
from .documents import KINDS

logger = logging.getLogger(__name__)
PER_PAGE = 10
MAX_QUERY = 200


def _language() -> str:
    return (get_language() or "de").split("-")[0]


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _run(backend_call):
    """Ask the configured backend; when it is down, the embedded one answers with a notice."""
    try:
        return backend_call(get_backend()), False
    except BackendUnavailable:
        logger.warning("Suche: Elasticsearch nicht erreichbar, eingebettete Suche antwortet")
        return backend_call(embedded_backend()), True


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    kinds = [k for k in request.GET.getlist("typ") if k in KINDS]
    number = _page_number(request.GET.get("page"))
    language = _language()
    context = {"search_query": query, "selected_kinds": kinds, "fallback": False}
    if query:
        results, fallback = _run(lambda b: b.search(query, language, kinds=kinds or None, offset=(number - 1) * PER_PAGE, limit=PER_PAGE))
        if results.total and (number - 1) * PER_PAGE >= results.total:  # a page past the end: show the last one
            number = (results.total - 1) // PER_PAGE + 1
            results, fallback = _run(lambda b: b.search(query, language, kinds=kinds or None, offset=(number - 1) * PER_PAGE, limit=PER_PAGE))
        paginator = Paginator(range(results.total), PER_PAGE)
        page = paginator.get_page(number)
        base = [("q", query)] + [("typ", k) for k in kinds]
        context.update(
            fallback=fallback,
            results=results,
            hits=[{"hit": h, "label": KINDS.get(h.document.kind, h.document.kind)} for h in results.hits],
            page_obj=page,
            previous_url="?" + urlencode(base + [("page", page.previous_page_number())]) if page.has_previous() else "",
            next_url="?" + urlencode(base + [("page", page.next_page_number())]) if page.has_next() else "",
            filters=[
                {
                    "kind": kind,
                    "label": label,
                    "count": results.counts.get(kind, 0),
                    "checked": kind in kinds,
                    "id": f"typ-{kind}",
                }
                for kind, label in KINDS.items()
                if results.counts.get(kind) or kind in kinds
            ],
            all_count=sum(results.counts.values()),
        )
        if not results.total:
            context["suggestions"] = _suggestions(query, language, kinds)
    return TemplateResponse(request, "search/search.html", context)


def _suggestions(query: str, language: str, kinds) -> list[dict]:
    """Other spellings, fewer words, and the search without the type filter — each only if it finds something."""
    embedded = embedded_backend()
    candidates = embedded.spellings(query, language)
    words = query.split()
    if len(words) > 1:
        candidates += [" ".join(words[:i] + words[i + 1 :]) for i in range(len(words))]
    out, seen = [], set()
    for candidate in candidates:
        if candidate in seen:
            continue
        seen.add(candidate)
        total = embedded.search(candidate, language, kinds=kinds or None, limit=0).total
        if total:
            out.append({"query": candidate, "url": "?" + urlencode([("q", candidate)] + [("typ", k) for k in kinds]), "total": total})
        if len(out) >= 4:
            break
    if kinds and embedded.search(query, language, limit=0).total:
        out.append({"query": query, "url": "?" + urlencode([("q", query)]), "all_kinds": True})
    return out


def suggest(request):
    """Titles of chapters, workshops and actors that begin with what the reader typed (JSON)."""
    prefix = request.GET.get("q", "").strip()[:MAX_QUERY]
    documents, _fallback = _run(lambda b: b.suggest(prefix, _language()))
    return JsonResponse(
        {"suggestions": [{"title": d.title, "url": d.url, "kind": str(KINDS.get(d.kind, d.kind))} for d in documents]},
        headers={"Cache-Control": "max-age=60"},
    )



