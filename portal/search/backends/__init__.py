"""Stand-in (branch search-es) for the core helper's backend registry: SEARCH.md's API.

The lead keeps the `search` branch's version on merge.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from ..documents import SearchDocument


class BackendUnavailable(Exception):
    """The search backend cannot answer now (e.g. Elasticsearch unreachable)."""


@dataclass
class Hit:
    document: SearchDocument
    snippet: str
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    counts: dict[str, int] = field(default_factory=dict)


class Backend(Protocol):
    def search(self, query, language, kinds=None, offset=0, limit=10) -> Results: ...
    def suggest(self, prefix, language, limit=8) -> list[SearchDocument]: ...
    def index(self, docs: Iterable[SearchDocument]) -> None: ...
    def delete(self, keys: Iterable[str]) -> None: ...
    def rebuild(self) -> None: ...


def elasticsearch_configured() -> bool:
    return bool(getattr(settings, "MEP_ELASTICSEARCH_URL", "") or getattr(settings, "ELASTICSEARCH_URL", ""))


class _WagtailPagesBackend:
    """Stand-in embedded backend: Wagtail's database search over live pages."""

    def search(self, query, language, kinds=None, offset=0, limit=10) -> Results:
        from wagtail.models import Page

        from ..documents import _page_document

        pages = Page.objects.live().public().filter(locale__language_code=language).search(query)
        found = list(pages[offset:offset + limit])
        hits = [Hit(_page_document(p), "", 0.0) for p in found]
        return Results(hits=hits, total=len(hits), counts={"page": len(hits)})

    def suggest(self, prefix, language, limit=8):
        return []

    def index(self, docs):
        pass

    def delete(self, keys):
        pass

    def rebuild(self):
        pass


def embedded_backend() -> Backend:
    return _WagtailPagesBackend()


def get_backend() -> Backend:
    if elasticsearch_configured():
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend()
    return embedded_backend()


def on_change(docs: Iterable[SearchDocument], dropped_keys: Iterable[str]) -> None:
    if elasticsearch_configured():
        from .elastic import enqueue

        enqueue(list(docs), list(dropped_keys))
