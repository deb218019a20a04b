"""Search on Elasticsearch 8.x, written with ``elasticsearch.dsl`` (issue 12, point 3).

One index per content language, ``<prefix>-<lang>-<timestamp>``, read and written through the
alias ``<prefix>-<lang>``. ``rebuild`` builds fresh indexes and swaps every alias in one
``update_aliases`` call, so readers never see a half-built index. Updates on publish/delete go
through the task queue (portal/search/tasks.py); a search that cannot reach the cluster raises
``BackendUnavailable`` and the view falls back to the embedded search.

Settings: ``ELASTICSEARCH_URL`` (enables this backend), ``ELASTICSEARCH_INDEX`` (prefix, default
"mep"), ``ELASTICSEARCH_TIMEOUT`` (seconds per request, default 2).

OpenSearch: the mappings and queries are plain query DSL that OpenSearch understands, but the
``elasticsearch`` 8.x client checks that the server is Elasticsearch and refuses others
(``UnsupportedProductError``); an OpenSearch cluster would need ``opensearch-py``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import (
    A,
    Document,
    Index,
    Keyword,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.helpers import streaming_bulk

from ..documents import SearchDocument
from . import BackendUnavailable, Hit, Results

logger = logging.getLogger(__name__)

# Parts of compounds the plan's readers type on their own ("Endgerät" in "Schulendgeräte",
# "Beschaffung" in "Wiederbeschaffung"): Elasticsearch ships no German word list, so the
# dictionary decompounder gets the plan's own vocabulary. Lowercase, before stemming.
GERMAN_COMPOUND_PARTS = [
    "ausstattung", "beschaffung", "daten", "ebene", "endgerät", "fortbildung", "gerät", "konzept",
    "medien", "netz", "plan", "quote", "schule", "scout", "strategie", "support", "tablet", "wartung",
    "wieder", "zentrum",
]

german_decompounder = token_filter(
    "mep_german_decompounder", "dictionary_decompounder", word_list=GERMAN_COMPOUND_PARTS,
    min_subword_size=4, only_longest_match=False,
)
german_stop = token_filter("mep_german_stop", "stop", stopwords="_german_")
german_stemmer = token_filter("mep_german_stemmer", "stemmer", language="light_german")
# lowercase → compound parts → ä/ö/ü/ß and ae/oe/ue/ss folded alike (german_normalization) → light stemming
german = analyzer(
    "mep_german", tokenizer="standard",
    filter=["lowercase", german_decompounder, german_stop, "german_normalization", german_stemmer],
)
german_prefix = analyzer("mep_german_prefix", tokenizer="standard", filter=["lowercase", "german_normalization"])
plain_prefix = analyzer("mep_prefix", tokenizer="standard", filter=["lowercase", "asciifolding"])

# Elasticsearch's built-in language analysers for the languages the translation work may add.
BUILTIN_ANALYZERS = {
    "en": "english", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch", "pl": "polish",
    "tr": "turkish", "pt": "portuguese", "ru": "russian", "ar": "arabic", "uk": "standard",
}


def analyzers_for(language: str):
    """(full-text analyser, prefix analyser) of a language."""
    if language == "de":
        return german, german_prefix
    return BUILTIN_ANALYZERS.get(language, "standard"), plain_prefix


@cache
def document_class(language: str) -> type[Document]:
    """The index mapping of one language as an ``elasticsearch.dsl`` Document."""
    text_analyzer, prefix_analyzer = analyzers_for(language)
    fields = {
        "key": Keyword(),
        "kind": Keyword(),
        "language": Keyword(),
        "title": Text(analyzer=text_analyzer, fields={"suggest": SearchAsYouType(analyzer=prefix_analyzer)}),
        "text": Text(analyzer=text_analyzer),
        "url": Keyword(index=False),
    }
    return type(f"SearchDocument_{language}", (Document,), fields)


def prefix() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX", "") or "mep"


def alias_name(language: str) -> str:
    return f"{prefix()}-{language}"


def languages() -> list[str]:
    """One index per language with a search page (a language with only a few pages searches in German)."""
    partial = getattr(settings, "MEP_PARTIAL_LANGUAGES", ())
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code not in partial]


def build_index(language: str, name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1)
    index.document(document_class(language))
    return index


def client(url: str | None = None) -> Elasticsearch:
    url = url or getattr(settings, "MEP_ELASTICSEARCH_URL", "") or settings.ELASTICSEARCH_URL
    timeout = float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 2))
    # Short timeouts and a single try: a request waiting on a dead cluster must not hang.
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def to_source(document: SearchDocument) -> dict:
    return {
        "key": document.key, "kind": document.kind, "language": document.language,
        "title": document.title, "text": document.text, "url": document.url,
    }


def build_search(query: str, language: str, kinds=None, offset: int = 0, limit: int = 10) -> Search:
    """The reader's search: words in title (weighted) and text, typos forgiven, counts per kind."""
    search = Search(index=alias_name(language)).query(
        Q("multi_match", query=query, fields=["title^3", "text"], fuzziness="AUTO", operator="and")
    )
    # Counts per kind come from the whole result; the kind filter only narrows the hits shown.
    search.aggs.bucket("kinds", A("terms", field="kind", size=50))
    if kinds:
        search = search.post_filter("terms", kind=list(kinds))
    search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
    search = search.highlight("title", number_of_fragments=0)
    search = search.highlight("text", fragment_size=160, number_of_fragments=1, no_match_size=160)
    return search.extra(from_=offset, size=limit, track_total_hits=True)


def build_suggest(prefix_text: str, language: str, limit: int = 8) -> Search:
    fields = ["title.suggest", "title.suggest._2gram", "title.suggest._3gram"]
    search = Search(index=alias_name(language)).query(
        Q("multi_match", query=prefix_text, type="bool_prefix", fields=fields)
    )
    return search.source(["key", "kind", "language", "title", "text", "url"]).extra(size=limit)


def _document(source) -> SearchDocument:
    data = source.to_dict() if hasattr(source, "to_dict") else dict(source)
    return SearchDocument(
        key=data["key"], kind=data["kind"], language=data["language"],
        title=data.get("title", ""), text=data.get("text", ""), url=data.get("url", ""),
    )


class ElasticsearchBackend:
    def __init__(self, es: Elasticsearch | None = None):
        self.es = es or client()

    def search(self, query, language, kinds=None, offset=0, limit=10) -> Results:
        try:
            response = build_search(query, language, kinds, offset, limit).using(self.es).execute()
        except (TransportError, ApiError) as error:
            raise BackendUnavailable(str(error)) from error
        hits = []
        for hit in response.hits:
            highlight = getattr(hit.meta, "highlight", None)
            fragments = list(getattr(highlight, "text", []) or getattr(highlight, "title", [])) if highlight else []
            snippet = fragments[0] if fragments else escape(hit.text[:160])
            hits.append(Hit(document=_document(hit), snippet=snippet, score=hit.meta.score or 0.0))
        counts = {bucket.key: bucket.doc_count for bucket in response.aggregations.kinds.buckets}
        return Results(hits=hits, total=response.hits.total.value, counts=counts)

    def suggest(self, prefix, language, limit=8) -> list[SearchDocument]:
        try:
            response = build_suggest(prefix, language, limit).using(self.es).execute()
        except (TransportError, ApiError) as error:
            raise BackendUnavailable(str(error)) from error
        return [_document(hit) for hit in response.hits]

    def ensure_index(self, language: str) -> None:
        """Create the language's first index behind its alias, so writes never create a bare index."""
        if not self.es.indices.exists_alias(name=alias_name(language)):
            name = new_index_name(language)
            build_index(language, name).create(using=self.es)
            self.es.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias_name(language)}}])

    def index(self, docs: Iterable[SearchDocument]) -> None:
        by_language = defaultdict(list)
        for document in docs:
            by_language[document.language].append(document)
        for language, documents in by_language.items():
            self.ensure_index(language)
            actions = (
                {"_index": alias_name(language), "_id": d.key, "_source": to_source(d)} for d in documents
            )
            for ok, item in streaming_bulk(self.es, actions, raise_on_error=False, raise_on_exception=True):
                if not ok:
                    logger.error("Elasticsearch refused a document: %s", item)

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self.es.delete_by_query(
                index=",".join(alias_name(lang) for lang in languages()),
                query={"terms": {"key": keys}}, ignore_unavailable=True, allow_no_indices=True, conflicts="proceed",
            )

    def rebuild(self, progress=None) -> dict[str, str]:
        return rebuild(progress, es=self.es)


def new_index_name(language: str) -> str:
    return f"{alias_name(language)}-{timezone.now().strftime('%Y%m%d%H%M%S%f')}"


def rebuild(progress=None, es: Elasticsearch | None = None) -> dict[str, str]:
    """Build a fresh index per language, load every document, swap all aliases at once, drop the old indexes.

    ``progress`` is a ``rich.progress.Progress`` (or None). Returns {language: new index name}.
    """
    from ..documents import all_documents

    es = es or client()
    bulk_es = es.options(request_timeout=120)
    created: dict[str, str] = {}
    try:
        for language in languages():
            name = new_index_name(language)
            build_index(language, name).create(using=es)
            created[language] = name
            documents = list(all_documents(language))
            task = progress.add_task(f"Elasticsearch {name}", total=len(documents)) if progress else None
            actions = ({"_index": name, "_id": d.key, "_source": to_source(d)} for d in documents)
            for _ok, _item in streaming_bulk(bulk_es, actions, chunk_size=500):
                if progress:
                    progress.advance(task)
            es.indices.refresh(index=name)
    except Exception:
        for name in created.values():  # leave no half-built index behind; the aliases still point at the old ones
            es.indices.delete(index=name, ignore_unavailable=True)
        raise
    actions, old = [], []
    for language, name in created.items():
        alias = alias_name(language)
        existing = es.indices.get(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)
        old += [index for index in existing if index != name]
        current = es.indices.get_alias(name=alias, ignore_unavailable=True, allow_no_indices=True) if (
            es.indices.exists_alias(name=alias)
        ) else {}
        actions += [{"remove": {"index": index, "alias": alias}} for index in current]
        actions.append({"add": {"index": name, "alias": alias}})
    es.indices.update_aliases(actions=actions)  # one call: every reader switches at once
    if old:
        es.indices.delete(index=",".join(old), ignore_unavailable=True)
    return created


def enqueue(docs: Iterable[SearchDocument], keys: Iterable[str]) -> None:
    """Hand index updates to the task queue; never raises into the request that saved something."""
    from .. import tasks

    docs, keys = [to_source(d) for d in docs], list(keys)
    try:
        if docs:
            tasks.index_documents.enqueue(docs)
        if keys:
            tasks.delete_documents.enqueue(keys)
    except Exception:
        logger.exception("Could not queue Elasticsearch updates (%d documents, %d deletions)", len(docs), len(keys))
