"""Every published figure has a place in the plan: the ones no chapter shows appear on their field's chapter.

Editors place figures in chapters as figure blocks. A plugin usually publishes more
figures than its chapter shows; those are listed at the end of the field's chapter
under "Weitere Abbildungen zu diesem Feld", rendered like any figure block. A field's
chapter is the first chapter (in reading order) that shows one of the plugin's figures;
a figure shown in any chapter of that language is not repeated.

Which chapter shows which figure is read from the live chapters of a language with one
query and kept in the shared "pages" cache under the content generation, which a
published page starts anew (portal/plan/generation.py).
"""

from __future__ import annotations

from django.core.cache import caches

from portal.figures import published
from portal.figures.catalog import _keys_in, figure_fields

from . import generation

TIMEOUT = 60 * 60  # seconds; a new generation replaces the entry at once when a page is published


def placement(locale_id: int) -> tuple[dict[str, int], set[str]]:
    """(plugin -> pk of its field's chapter, every figure key a live chapter of the locale shows)."""
    cache = caches[generation.CACHE]
    key = f"mep:figure-placement:{generation.current()}:{locale_id}"
    found = cache.get(key)
    if found is None:
        found = _read(locale_id)
        cache.set(key, found, TIMEOUT)
    chapters, placed = found
    return dict(chapters), set(placed)


def _read(locale_id: int) -> tuple[dict[str, int], list[str]]:
    from .models import ChapterPage

    fields = figure_fields().get(ChapterPage, ())
    names = [name for name, _ in fields]
    chapters: dict[str, int] = {}
    placed: set[str] = set()
    rows = ChapterPage.objects.live().filter(locale_id=locale_id).order_by("path").values_list("pk", *names)
    for pk, *values in rows:
        keys = set().union(*(_keys_in(value, blocks) for value, (_, blocks) in zip(values, fields, strict=True))) - {""}
        for figure in sorted(keys):
            chapters.setdefault(figure.split(".", 1)[0], pk)
        placed |= keys
    return chapters, sorted(placed)


def more_figures(page, request) -> list:
    """The published figures of the current cycle whose field's chapter is ``page`` and that no chapter shows,
    as bound figure blocks (``{% include_block %}``), titled in the page's language."""
    chapters, placed = placement(page.locale_id)
    plugins = {plugin for plugin, pk in chapters.items() if pk == page.pk}
    if not plugins:
        return []
    figures = published.for_request(request)
    cycle = figures.current_cycle
    if cycle is None:
        return []
    from portal.figures.blocks import page_language

    language = page_language({"page": page})
    block = page._meta.get_field("body").stream_block.child_blocks["figure"]
    found = []
    for snapshot in figures.of_plugins(cycle, plugins):
        if snapshot.key in placed:
            continue
        title = snapshot.in_language(language).title
        found.append(block.bind(block.to_python({"key": snapshot.key, "title": title, "caption": ""})))
    return found
