"""The Elasticsearch backend offline: mappings and queries as ``to_dict()``, the alias swap and the queued
updates against a mocked client, and a real client against a closed port. Tests against a real cluster
are in test_search_elastic_live.py (they run where ELASTICSEARCH_URL is set)."""

import logging
import socket
from unittest import mock

import pytest
from django.test import override_settings
from elasticsearch import ConnectionError as ESConnectionError

from portal.search import tasks
from portal.search.backends import BackendUnavailable, elastic
from portal.search.documents import SearchDocument

DOC = SearchDocument(key="page:7", kind="page", language="de", title="Wiederbeschaffung", text="Geräte <alt>", url="/de/5-3/")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


FIELDS = {
    "key": {"type": "keyword"},
    "kind": {"type": "keyword"},
    "language": {"type": "keyword"},
    "url": {"type": "keyword", "index": False},
}


def test_german_mapping_stems_folds_umlauts_and_splits_compounds():
    body = elastic.build_index("de", "mep-de-1").to_dict()
    assert body["settings"]["number_of_shards"] == 1
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"] == {
        "mep_german": {
            "type": "custom", "tokenizer": "standard",
            "filter": ["lowercase", "mep_german_decompounder", "mep_german_stop", "german_normalization", "mep_german_stemmer"],
        },
        "mep_german_prefix": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "german_normalization"]},
    }
    assert analysis["filter"]["mep_german_stemmer"] == {"type": "stemmer", "language": "light_german"}
    assert analysis["filter"]["mep_german_stop"] == {"type": "stop", "stopwords": "_german_"}
    decompounder = analysis["filter"]["mep_german_decompounder"]
    assert decompounder["type"] == "dictionary_decompounder"
    assert {"beschaffung", "ebene", "gerät", "support", "wieder"} <= set(decompounder["word_list"])
    assert body["mappings"]["properties"] == {
        **FIELDS,
        "title": {
            "type": "text", "analyzer": "mep_german",
            "fields": {"suggest": {"type": "search_as_you_type", "analyzer": "mep_german_prefix"}},
        },
        "text": {"type": "text", "analyzer": "mep_german"},
    }


def test_english_mapping_uses_the_english_analyser():
    body = elastic.build_index("en", "mep-en-1").to_dict()
    assert body["settings"]["analysis"] == {
        "analyzer": {"mep_prefix": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}}
    }
    assert body["mappings"]["properties"] == {
        **FIELDS,
        "title": {
            "type": "text", "analyzer": "english",
            "fields": {"suggest": {"type": "search_as_you_type", "analyzer": "mep_prefix"}},
        },
        "text": {"type": "text", "analyzer": "english"},
    }


@override_settings(ELASTICSEARCH_INDEX="schule")
def test_query_weights_titles_forgives_typos_filters_kinds_pages_highlights_and_counts():
    search = elastic.build_search("Wiederbeschaffung Geräte", "de", kinds=["page", "figure"], offset=20, limit=10)
    assert search._index == ["schule-de"]
    assert search.to_dict() == {
        "query": {"multi_match": {
            "query": "Wiederbeschaffung Geräte", "fields": ["title^3", "text"], "fuzziness": "AUTO", "operator": "and",
        }},
        "post_filter": {"terms": {"kind": ["page", "figure"]}},
        "aggs": {"kinds": {"terms": {"field": "kind", "size": 50}}},
        "highlight": {
            "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
            "fields": {
                "title": {"number_of_fragments": 0},
                "text": {"fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160},
            },
        },
        "from": 20, "size": 10, "track_total_hits": True,
    }
    assert "post_filter" not in elastic.build_search("Robotik", "de").to_dict()


def test_suggest_queries_the_prefix_subfield():
    search = elastic.build_suggest("Wiederbes", "en", limit=5)
    assert search._index == ["mep-en"]
    assert search.to_dict() == {
        "query": {"multi_match": {
            "query": "Wiederbes", "type": "bool_prefix",
            "fields": ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
        }},
        "_source": ["key", "kind", "language", "title", "text", "url"],
        "size": 5,
    }


def test_search_turns_the_answer_into_results_with_safe_snippets_and_counts():
    es = mock.MagicMock()
    es.search.return_value.body = {
        "hits": {"total": {"value": 3, "relation": "eq"}, "max_score": 2.0, "hits": [
            {"_index": "mep-de-1", "_id": "page:7", "_score": 2.0, "_source": elastic.to_source(DOC),
             "highlight": {"text": ["<mark>Geräte</mark> &lt;alt&gt;"]}},
            {"_index": "mep-de-1", "_id": "actor:1", "_score": 1.0,
             "_source": {**elastic.to_source(DOC), "key": "actor:1", "kind": "actor", "text": "a <b>"}},
        ]},
        "aggregations": {"kinds": {"buckets": [{"key": "page", "doc_count": 2}, {"key": "actor", "doc_count": 1}]}},
    }
    results = elastic.ElasticsearchBackend(es).search("Geräte", "de")
    assert results.total == 3
    assert results.counts == {"page": 2, "actor": 1}
    assert [h.document for h in results.hits][0] == DOC
    assert results.hits[0].snippet == "<mark>Geräte</mark> &lt;alt&gt;"
    assert results.hits[1].snippet == "a &lt;b&gt;"  # no highlight: the text, escaped
    assert es.search.call_args.kwargs["index"] == ["mep-de"]


def test_a_cluster_that_cannot_be_reached_makes_search_and_suggest_unavailable():
    backend = elastic.ElasticsearchBackend(elastic.client(f"http://127.0.0.1:{closed_port()}"))
    with pytest.raises(BackendUnavailable):
        backend.search("Robotik", "de")
    with pytest.raises(BackendUnavailable):
        backend.suggest("Rob", "de")


def test_a_timeout_makes_search_unavailable():
    es = mock.MagicMock()
    from elasticsearch import ConnectionTimeout

    es.search.side_effect = ConnectionTimeout("timed out")
    with pytest.raises(BackendUnavailable):
        elastic.ElasticsearchBackend(es).search("Robotik", "de")


def _fake_bulk(log):
    def bulk(client, actions, **kwargs):
        for action in actions:
            log.append(("bulk", action["_index"], action["_id"]))
            yield True, {}
    return bulk


def _documents(language=None):
    for lang in ("de", "en"):
        if language in (None, lang):
            yield SearchDocument(key=f"page:{lang}", kind="page", language=lang, title="T", text="x", url="/")


def test_rebuild_loads_new_indexes_then_swaps_every_alias_in_one_call_and_drops_the_old():
    log = []
    es = mock.MagicMock()
    es.options.return_value = es
    es.indices.create.side_effect = lambda index, **body: log.append(("create", index))
    es.indices.refresh.side_effect = lambda index: log.append(("refresh", index))
    es.indices.exists_alias.return_value = True
    es.indices.get.side_effect = lambda index, **kw: {
        "mep-de-*": {"mep-de-old": {}, "mep-de-broken": {}}, "mep-en-*": {"mep-en-old": {}},
    }[index] | {e[1]: {} for e in log if e[0] == "create" and e[1].startswith(index[:-1])}
    es.indices.get_alias.side_effect = lambda name, **kw: {f"{name}-old": {"aliases": {name: {}}}}
    es.indices.update_aliases.side_effect = lambda actions: log.append(("update_aliases", actions))
    es.indices.delete.side_effect = lambda index, **kw: log.append(("delete", index))
    with mock.patch.object(elastic, "streaming_bulk", _fake_bulk(log)), \
            mock.patch("portal.search.documents.all_documents", _documents):
        created = elastic.rebuild(None, es=es)

    de, en = created["de"], created["en"]
    assert de.startswith("mep-de-") and en.startswith("mep-en-")
    assert log == [
        ("create", de), ("bulk", de, "page:de"), ("refresh", de),
        ("create", en), ("bulk", en, "page:en"), ("refresh", en),
        ("update_aliases", [
            {"remove": {"index": "mep-de-old", "alias": "mep-de"}}, {"add": {"index": de, "alias": "mep-de"}},
            {"remove": {"index": "mep-en-old", "alias": "mep-en"}}, {"add": {"index": en, "alias": "mep-en"}},
        ]),
        ("delete", "mep-de-old,mep-de-broken,mep-en-old"),
    ]
    assert es.indices.update_aliases.call_count == 1


def test_a_rebuild_that_fails_midway_leaves_the_aliases_alone_and_removes_its_new_indexes():
    es = mock.MagicMock()
    es.options.return_value = es

    def failing_bulk(client, actions, **kwargs):
        raise ESConnectionError("gone")
        yield  # pragma: no cover

    with mock.patch.object(elastic, "streaming_bulk", failing_bulk), \
            mock.patch("portal.search.documents.all_documents", _documents):
        with pytest.raises(ESConnectionError):
            elastic.rebuild(None, es=es)
    es.indices.update_aliases.assert_not_called()
    created = es.indices.create.call_args.kwargs["index"]
    es.indices.delete.assert_called_once_with(index=created, ignore_unavailable=True)


def test_index_creates_the_aliased_index_first_when_none_exists():
    es = mock.MagicMock()
    es.indices.exists_alias.return_value = False
    log = []
    with mock.patch.object(elastic, "streaming_bulk", _fake_bulk(log)):
        elastic.ElasticsearchBackend(es).index([DOC])
    name = es.indices.create.call_args.kwargs["index"]
    assert name.startswith("mep-de-")
    es.indices.update_aliases.assert_called_once_with(actions=[{"add": {"index": name, "alias": "mep-de"}}])
    assert log == [("bulk", "mep-de", "page:7")]  # writes go through the alias


def test_delete_removes_keys_from_every_language():
    es = mock.MagicMock()
    elastic.ElasticsearchBackend(es).delete(["page:7", "actor:1"])
    kwargs = es.delete_by_query.call_args.kwargs
    assert kwargs["index"] == "mep-de,mep-en"
    assert kwargs["query"] == {"terms": {"key": ["page:7", "actor:1"]}}


def test_enqueue_hands_serialised_documents_and_keys_to_the_tasks():
    with mock.patch.object(tasks, "index_documents") as index, mock.patch.object(tasks, "delete_documents") as delete:
        elastic.enqueue([DOC], ["page:9"])
    index.enqueue.assert_called_once_with([elastic.to_source(DOC)])
    delete.enqueue.assert_called_once_with(["page:9"])


def test_enqueue_never_raises_into_the_request(caplog):
    with mock.patch.object(tasks, "index_documents") as index:
        index.enqueue.side_effect = RuntimeError("queue down")
        elastic.enqueue([DOC], [])
    assert "Could not queue Elasticsearch updates" in caplog.text


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
@pytest.mark.parametrize("task, payload", [(tasks.index_documents, [elastic.to_source(DOC)]), (tasks.delete_documents, ["page:7"])])
def test_a_task_that_cannot_reach_the_cluster_queues_itself_again_later(task, payload, caplog):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    port = closed_port()
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{port}"), caplog.at_level(logging.WARNING):
        before = timezone.now()
        assert task.call(payload, attempt=2) == "retrying"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == f"portal.search.tasks.{task.name}"
    assert queued.args_kwargs == {"args": [payload], "kwargs": {"attempt": 3}}
    assert queued.run_after >= before + tasks.backoff(2)
    assert "retrying" in caplog.text

    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{port}"), caplog.at_level(logging.ERROR):
        assert task.call(payload, attempt=tasks.MAX_ATTEMPTS) == "failed"
    assert DBTaskResult.objects.count() == 1  # gave up: nothing queued again
    assert "gave up" in caplog.text


@pytest.mark.django_db
def test_with_the_inline_task_backend_an_unreachable_cluster_is_logged_not_raised(caplog):
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"):
        result = tasks.index_documents.enqueue([elastic.to_source(DOC)])
    assert result.return_value == "failed"
    assert "cannot retry later" in caplog.text


@pytest.mark.django_db
def test_publishing_a_page_with_the_cluster_unreachable_works(editor, caplog):
    from portal.plan.models import ChapterPage

    page = ChapterPage.objects.filter(live=True).first()
    page.title = page.title + " (neu)"
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"), \
            mock.patch.object(elastic, "enqueue", wraps=elastic.enqueue) as queued, caplog.at_level(logging.ERROR):
        page.save_revision(user=editor).publish()
    page.refresh_from_db()
    assert page.title.endswith("(neu)") and page.live
    assert [d.key for d in queued.call_args.args[0]] == [f"page:{page.pk}"]
    assert "Elasticsearch could not index 1 documents" in caplog.text  # inline task: tried, failed, logged


@pytest.mark.django_db
def test_rebuild_command_builds_elasticsearch_with_a_progress_bar_when_configured():
    from io import StringIO

    from django.core.management import call_command

    def fake_rebuild(progress):
        task = progress.add_task("Elasticsearch mep-de-1", total=2)
        progress.advance(task, 2)
        return {"de": "mep-de-1"}

    out, err = StringIO(), StringIO()
    with override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9200"), mock.patch.object(elastic, "rebuild", fake_rebuild):
        call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "Sprache de liest jetzt aus mep-de-1" in out.getvalue()
    assert "Elasticsearch mep-de-1" in err.getvalue() and "2/2" in err.getvalue()

    out = StringIO()
    with mock.patch.object(elastic, "rebuild") as not_called:
        call_command("rebuild_search_index", stdout=out)
    not_called.assert_not_called()  # no ELASTICSEARCH_URL: the embedded index only


@pytest.mark.django_db
def test_rebuild_command_with_the_cluster_unreachable_says_so_in_german_and_keeps_the_old_indexes():
    from django.core.management import CommandError, call_command

    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"):
        with pytest.raises(CommandError, match="die bisherigen Indizes bleiben unverändert in Betrieb"):
            call_command("rebuild_search_index")
