"""Search backends: the embedded one (always there) and Elasticsearch when configured."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from portal.search.documents import SearchDocument

logger = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The configured backend cannot answer now (e.g. Elasticsearch is down)."""


@dataclass
class Hit:
    document: SearchDocument
    snippet: str  # safe HTML with <mark>
    score: float


@dataclass
class Results:
    hits: list[Hit]
    total: int
    counts: dict[str, int] = field(default_factory=dict)  # per kind, before the kind filter


class Backend(Protocol):
    def search(self, query: str, language: str, kinds=None, offset: int = 0, limit: int = 10) -> Results: ...

    def suggest(self, prefix: str, language: str, limit: int = 8) -> list[SearchDocument]: ...

    def index(self, docs: Iterable[SearchDocument]) -> None: ...

    def delete(self, keys: Iterable[str]) -> None: ...

    def rebuild(self) -> None: ...


def elasticsearch_url() -> str:
    return getattr(settings, "MEP_ELASTICSEARCH_URL", "") or getattr(settings, "ELASTICSEARCH_URL", "") or ""


def embedded_backend() -> Backend:
    from .embedded import EmbeddedBackend

    return EmbeddedBackend()


def get_backend() -> Backend:
    if elasticsearch_url():
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend()
    return embedded_backend()


def on_change(docs: Iterable[SearchDocument], dropped_keys: Iterable[str]) -> None:
    """Keep every index fresh: the embedded one now, Elasticsearch through the task queue."""
    docs, dropped_keys = list(docs), list(dropped_keys)
    backend = embedded_backend()
    if dropped_keys:
        backend.delete(dropped_keys)
    if docs:
        backend.index(docs)
    if elasticsearch_url():
        try:
            from .elastic import enqueue

            enqueue(docs, dropped_keys)
        except Exception:  # saving a page must never fail because of Elasticsearch
            logger.exception("Suchindex (Elasticsearch): Änderung konnte nicht eingeplant werden")
