"""Elasticsearch index updates as background tasks (django-tasks): database queue in production, inline in tests.

django-tasks has no retries of its own: a task that cannot reach the cluster queues itself again
with ``run_after`` (backoff 30 s, 2 min, 8 min, … up to MAX_ATTEMPTS), logs each failure and never
raises, so neither the worker nor the request that published a page sees an error. Where the task
backend cannot defer (the inline backend), the failure is logged and the next
``manage.py rebuild_search_index`` brings the index up to date.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from elasticsearch import ApiError, TransportError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(seconds=30)


def backoff(attempt: int) -> timedelta:
    return FIRST_DELAY * (4 ** (attempt - 1))


def _retry(task_, payload, attempt: int, error: Exception) -> bool:
    """Queue ``task_`` again after a backoff; False when it gave up."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("Elasticsearch update gave up after %d attempts: %s", attempt, error)
        return False
    if not task_.get_backend().supports_defer:
        logger.error("Elasticsearch update failed (attempt %d, the task backend cannot retry later): %s", attempt, error)
        return False
    delay = backoff(attempt)
    logger.warning("Elasticsearch update failed (attempt %d), retrying in %s: %s", attempt, delay, error)
    task_.using(run_after=timezone.now() + delay).enqueue(payload, attempt=attempt + 1)
    return True


def _retryable(error: Exception) -> bool:
    # Connection errors and timeouts, and the cluster's own 5xx/429 answers; a 4xx is a bug and is logged once.
    return not isinstance(error, ApiError) or error.meta.status in (429, 502, 503, 504)


@task()
def index_documents(documents: list[dict], attempt: int = 1) -> str:
    """Index serialised SearchDocuments (see elastic.to_source)."""
    from .backends.elastic import ElasticsearchBackend
    from .documents import SearchDocument

    try:
        ElasticsearchBackend().index(SearchDocument(**d) for d in documents)
    except (TransportError, ApiError) as error:
        if _retryable(error) and _retry(index_documents, documents, attempt, error):
            return "retrying"
        logger.error("Elasticsearch could not index %d documents: %s", len(documents), error)
        return "failed"
    return "indexed"


@task()
def delete_documents(keys: list[str], attempt: int = 1) -> str:
    """Remove documents by key from every language's index."""
    from .backends.elastic import ElasticsearchBackend

    try:
        ElasticsearchBackend().delete(keys)
    except (TransportError, ApiError) as error:
        if _retryable(error) and _retry(delete_documents, keys, attempt, error):
            return "retrying"
        logger.error("Elasticsearch could not delete %d documents: %s", len(keys), error)
        return "failed"
    return "deleted"
