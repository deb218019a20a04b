"""The embedded search: an index table in the project's own database, the same on SQLite and PostgreSQL.

Why not PostgreSQL's ``german`` text search: the behaviour must be the same on
SQLite (development, tests) and PostgreSQL (production), and the content pack is
small (hundreds of documents). So words are normalised in Python — lower case,
umlauts folded (ä → ae, ß → ss, so typing "Endgeraete" finds "Endgeräte"),
Snowball-stemmed in the document's language (snowballstemmer, pure Python) —
and stored with each document. A search reads the language's rows once per
index generation into memory and ranks them with BM25 in Python. Compounds:
a query stem also matches the words that contain it ("Fortbildung" finds
"Lehrerfortbildungen"), and a query word the index does not know is split
into a known head ("Wiederbeschaffung" finds "Beschaffung", "Ersatzbeschaffungen").
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.search.documents import SearchDocument, all_documents, owner_of

from . import Hit, Results

WORD = re.compile(r"\w+")
FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "à": "a"})
STEMMERS = {"de": "german", "en": "english", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch", "tr": "turkish"}
TITLE_WEIGHT = 3.0
CONTAINS_WEIGHT = 0.7  # the query stem is part of a compound in the document
HEAD_WEIGHT = 0.5  # only the head of an unknown compound query word matched
MIN_PART = 4  # shortest stem that may match inside a compound
MIN_HEAD = 6  # shortest head of an unknown compound that counts
K1, B = 1.2, 0.4  # mild length normalisation: a chapter is long, an actor one line
#: the places a reader most likely means rank a little higher than a link or an endnote mentioning the word
KIND_WEIGHTS = {"chapter": 1.5, "offer": 1.5, "workshop": 1.5, "goal": 1.2, "figure": 1.2}
SUGGEST_KINDS = ("chapter", "workshop", "actor")


@lru_cache(maxsize=8)
def _stemmer(language: str):
    name = STEMMERS.get(language.split("-")[0])
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def term(word: str, language: str) -> str:
    """The normalised stem of one word: "Endgeräte" and "endgeraete" both give "endgeraet"."""
    word = word.lower().translate(FOLD)
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def analyse(text: str, language: str) -> list[str]:
    return [term(w, language) for w in WORD.findall(text or "") if len(w) > 1 or w.isdigit()]


@dataclass
class Entry:
    document: SearchDocument
    title_terms: Counter
    terms: Counter
    length: int


class LanguageIndex:
    """The rows of one language, read once per index generation."""

    def __init__(self, language: str, entries: list[Entry]):
        self.language = language
        self.entries = entries
        self.df: Counter = Counter()
        for e in entries:
            self.df.update(e.terms.keys())
        self.vocabulary = sorted(self.df)
        self.average = (sum(e.length for e in entries) / len(entries)) if entries else 1.0
        self._words: list[str] | None = None

    def words(self) -> list[str]:
        """The surface words of the documents, for "did you mean" suggestions."""
        if self._words is None:
            seen = set()
            for e in self.entries:
                seen.update(w for w in WORD.findall(f"{e.document.title} {e.document.text}") if len(w) > 3 and not w.isdigit())
            self._words = sorted(seen)
        return self._words

    def expand(self, stem: str) -> dict[str, float]:
        """The index terms that count as a match for ``stem``, with their weights."""
        found = {}
        if stem in self.df:
            found[stem] = 1.0
        if len(stem) >= MIN_PART:
            for v in self.vocabulary:
                if v != stem and stem in v:
                    found[v] = CONTAINS_WEIGHT
        if found:
            return found
        # an unknown compound: match its longest head that is a word of the index
        # ("wiederbeschaff" → "beschaff", found in "Beschaffung" and "Ersatzbeschaffungen")
        for i in range(2, len(stem) - MIN_HEAD + 1):
            head = stem[i:]
            if head in self.df:
                return {v: HEAD_WEIGHT for v in self.vocabulary if head in v}
        return {}


_cache: dict[str, tuple[str, LanguageIndex]] = {}
_lock = threading.Lock()


def _generation() -> str:
    from portal.search.models import SearchIndexState

    return SearchIndexState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _bump() -> None:
    from portal.search.models import SearchIndexState

    SearchIndexState.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def _load(language: str) -> LanguageIndex:
    from portal.search.models import SearchEntry

    generation = _generation()
    cached = _cache.get(language)
    if cached is not None and cached[0] == generation:
        return cached[1]
    entries = []
    rows = SearchEntry.objects.filter(language=language).values_list("key", "kind", "language", "title", "text", "url", "title_terms", "terms")
    for key, kind, lang, title, text, url, title_terms, terms in rows:
        words = terms.split()
        entries.append(Entry(SearchDocument(key, kind, lang, title, text, url), Counter(title_terms.split()), Counter(words), len(words)))
    index = LanguageIndex(language, entries)
    with _lock:
        _cache[language] = (generation, index)
    return index


def highlight(text: str, marked: set[str], language: str, width: int = 220) -> str:
    """A window of ``text`` around its first matched word, escaped, matched words in <mark>."""
    words = list(WORD.finditer(text))
    hits = [m for m in words if term(m.group(), language) in marked]
    if hits:
        start = max(0, hits[0].start() - width // 3)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else 0
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out, position = [], start
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        out.append(escape(text[position : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        position = m.end()
    out.append(escape(text[position:end]))
    return mark_safe(("… " if start else "") + "".join(out) + (" …" if end < len(text) else ""))


class EmbeddedBackend:
    """Search over the ``SearchEntry`` table; see the module's docstring."""

    def search(self, query: str, language: str, kinds=None, offset: int = 0, limit: int = 10) -> Results:
        index = _load(language)
        stems = list(dict.fromkeys(analyse(query, language)))
        if not stems or not index.entries:
            return Results([], 0, {})
        expansions = [index.expand(s) for s in stems]
        if not all(expansions):
            return Results([], 0, {})
        n = len(index.entries)
        scored = []
        for entry in index.entries:
            score, matched = 0.0, set()
            for expansion in expansions:
                part = 0.0
                for v, weight in expansion.items():
                    tf = entry.terms.get(v, 0)
                    if not tf:
                        continue
                    matched.add(v)
                    idf = math.log(1 + (n - index.df[v] + 0.5) / (index.df[v] + 0.5))
                    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * entry.length / index.average))
                    part += weight * idf * (norm + TITLE_WEIGHT * min(entry.title_terms.get(v, 0), 1))
                if not part:
                    break  # every word of the query must match
                score += part
            else:
                scored.append((score * KIND_WEIGHTS.get(entry.document.kind, 1.0), entry, matched))
        counts = Counter(e.document.kind for _s, e, _m in scored)
        if kinds:
            scored = [s for s in scored if s[1].document.kind in kinds]
        scored.sort(key=lambda s: (-s[0], s[1].document.title))
        hits = [
            Hit(entry.document, highlight(entry.document.text or entry.document.title, matched, language), score)
            for score, entry, matched in scored[offset : offset + limit]
        ]
        return Results(hits, len(scored), dict(counts))

    def suggest(self, prefix: str, language: str, limit: int = 8) -> list[SearchDocument]:
        index = _load(language)
        folded = prefix.strip().lower().translate(FOLD)
        if len(folded) < 2:
            return []
        ranked = []
        for entry in index.entries:
            doc = entry.document
            if doc.kind not in SUGGEST_KINDS:
                continue
            title = doc.title.lower().translate(FOLD)
            if title.startswith(folded):
                ranked.append((0, doc.title, doc))
            elif any(w.startswith(folded) for w in WORD.findall(title)):
                ranked.append((1, doc.title, doc))
        ranked.sort(key=lambda r: (r[0], r[1]))
        seen, out = set(), []
        for _rank, title, doc in ranked:
            if title not in seen:  # a workshop and its dates share a title
                seen.add(title)
                out.append(doc)
        return out[:limit]

    def spellings(self, query: str, language: str) -> list[str]:
        """Other spellings of a query that finds nothing: close words and titles of the index."""
        index = _load(language)
        words = WORD.findall(query)
        if not words:
            return []
        vocabulary = index.words()
        lowered = {w.lower(): w for w in vocabulary}
        fixed = []
        for word in words:
            close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
            fixed.append(lowered[close[0]] if close else word)
        out = []
        candidate = " ".join(fixed)
        if candidate.lower() != query.strip().lower():
            out.append(candidate)
        titles = {e.document.title.lower(): e.document.title for e in index.entries}
        for title in difflib.get_close_matches(query.lower(), list(titles), n=2, cutoff=0.6):
            if titles[title] not in out:
                out.append(titles[title])
        return out

    def index(self, docs: Iterable[SearchDocument]) -> None:
        from portal.search.models import SearchEntry

        docs = list(docs)
        with transaction.atomic():
            SearchEntry.objects.filter(key__in=[d.key for d in docs]).delete()
            SearchEntry.objects.bulk_create([_entry(d) for d in docs], batch_size=200)
            _bump()

    def delete(self, keys: Iterable[str]) -> None:
        from portal.search.models import SearchEntry

        keys = list(keys)
        with transaction.atomic():
            SearchEntry.objects.filter(owner__in=keys).delete()
            SearchEntry.objects.filter(key__in=keys).delete()
            _bump()

    def rebuild(self, progress=None) -> int:
        """Index every document anew; ``progress`` is called once per document."""
        from portal.search.models import SearchEntry

        entries = []
        for doc in all_documents():
            entries.append(_entry(doc))
            if progress:
                progress(doc)
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            SearchEntry.objects.bulk_create(entries, batch_size=200)
            _bump()
        return len(entries)


def _entry(doc: SearchDocument):
    from portal.search.models import SearchEntry

    title_terms = analyse(doc.title, doc.language)
    return SearchEntry(
        key=doc.key,
        owner=owner_of(doc.key),
        kind=doc.kind,
        language=doc.language,
        title=doc.title[:500],
        text=doc.text,
        url=doc.url[:1000],
        title_terms=" ".join(title_terms),
        terms=" ".join(title_terms + analyse(doc.text, doc.language)),
    )
