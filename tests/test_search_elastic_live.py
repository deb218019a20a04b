"""The Elasticsearch backend against a real cluster: runs only where ELASTICSEARCH_URL is set.

    docker run --rm -p 9200:9200 -e discovery.type=single-node -e xpack.security.enabled=false \\
        docker.elastic.co/elasticsearch/elasticsearch:8.19.3
    ELASTICSEARCH_URL=http://127.0.0.1:9200 pytest tests/test_search_elastic_live.py

Each test works under its own index prefix and removes its indexes afterwards.
"""

import os
import uuid

import pytest
from django.test import override_settings

from portal.search.backends import elastic
from portal.search.documents import SearchDocument

URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="ELASTICSEARCH_URL ist nicht gesetzt: kein Elasticsearch-Server für die Live-Tests (siehe README)"
)

DOCS = [
    SearchDocument("page:1", "page", "de", "Wiederbeschaffung der Endgeräte", "Alle fünf Jahre werden Tablets ersetzt.", "/de/5-3/"),
    SearchDocument("page:2", "page", "de", "Supportebenen", "Der First-Level-Support liegt an der Schule.", "/de/6-1/"),
    SearchDocument("actor:1", "actor", "de", "Medienscouts", "Schülerinnen und Schüler helfen bei Fortbildungen.", "/de/3/#scouts"),
    SearchDocument("workshop:1", "workshop", "de", "Robotik im Unterricht", "Straßenverkehr mit Robotern", "/de/workshops/1/"),
    SearchDocument("page:3", "page", "en", "Replacement of devices", "Tablets are replaced every five years.", "/en/5-3/"),
]


@pytest.fixture
def backend():
    prefix = f"mep-test-{uuid.uuid4().hex[:8]}"
    with override_settings(ELASTICSEARCH_URL=URL, ELASTICSEARCH_INDEX=prefix, ELASTICSEARCH_TIMEOUT=30):
        es = elastic.client(URL)
        yield elastic.ElasticsearchBackend(es), es, prefix
        # by name: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name)
        names = list(es.indices.get(index=f"{prefix}-*", allow_no_indices=True, ignore_unavailable=True))
        if names:
            es.indices.delete(index=",".join(names))


def _rebuild(es, docs):
    from unittest import mock

    def all_documents(language=None):
        return iter([d for d in docs if language in (None, d.language)])

    with mock.patch("portal.search.documents.all_documents", all_documents):
        return elastic.rebuild(None, es=es)


@pytest.mark.parametrize("query, key", [
    ("Wiederbeschaffungen", "page:1"), ("Endgerät", "page:1"), ("Endgeraete", "page:1"), ("Supportebene", "page:2"),
    ("Fortbildung", "actor:1"), ("Medienscout", "actor:1"), ("Strassenverkehr", "workshop:1"), ("Robotk", "workshop:1"),
])
def test_german_inflections_compounds_umlaut_spellings_and_typos_are_found(backend, query, key):
    search, es, _ = backend
    _rebuild(es, DOCS)
    results = search.search(query, "de")
    assert key in [hit.document.key for hit in results.hits[:3]], (query, results)


def test_english_stemming_highlight_kinds_and_paging(backend):
    search, es, _ = backend
    _rebuild(es, DOCS)
    results = search.search("replacing", "en")
    assert [h.document.key for h in results.hits] == ["page:3"]
    assert "<mark>" in results.hits[0].snippet
    results = search.search("Schule", "de", kinds=["actor"])
    assert {h.document.kind for h in results.hits} == {"actor"}
    assert results.counts.get("page", 0) >= 1  # counts cover every kind, the filter only narrows the hits
    assert search.search("Schule", "de", offset=50).hits == []


def test_suggest_completes_titles(backend):
    search, es, _ = backend
    _rebuild(es, DOCS)
    assert [d.key for d in search.suggest("Wiederbesch", "de")] == ["page:1"]


def test_rebuild_swaps_the_alias_and_drops_the_old_index_while_updates_land_in_the_new(backend):
    search, es, prefix = backend
    first = _rebuild(es, DOCS)
    second = _rebuild(es, DOCS[:1] + DOCS[4:])
    assert list(es.indices.get_alias(name=f"{prefix}-de")) == [second["de"]]
    assert not es.indices.exists(index=first["de"])
    assert [h.document.key for h in search.search("Medienscouts", "de").hits] == []
    search.index([DOCS[2]])
    es.indices.refresh(index=f"{prefix}-de")
    assert [h.document.key for h in search.search("Medienscouts", "de").hits] == ["actor:1"]
    search.delete(["actor:1"])
    es.indices.refresh(index=f"{prefix}-de")
    assert search.search("Medienscouts", "de").hits == []
