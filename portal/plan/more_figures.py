"""Every published figure has a place in the plan: the ones a field's chapter does not show are listed below it.

Editors place figures in chapters as figure blocks. A plugin usually publishes more
figures than its chapter shows; the rest are listed at the end of the field's chapter
under "Weitere Abbildungen zu diesem Feld", rendered like any figure block (chart, table,
downloads). Which chapter is a plugin's field is said by ``MEP_FIELD_CHAPTERS``
(plugin -> chapter number), so that no page view has to read the other chapters.

The snapshots are read with the page's figure blocks in one query
(:meth:`portal.figures.published.PublishedFigures.want_plugins`).
"""

from __future__ import annotations

from django.conf import settings

from portal.figures import published


def field_plugins(number: str) -> set[str]:
    """The plugins whose field's chapter has ``number`` (``"5.3"`` -> ``{"finance"}``)."""
    if not number:
        return set()
    return {plugin for plugin, chapter in settings.MEP_FIELD_CHAPTERS.items() if chapter == number}


def prepare(page, request) -> None:
    """Ask the request's published figures to read the field's snapshots with the page's figure blocks."""
    plugins = field_plugins(page.number)
    if plugins:
        published.for_request(request).want_plugins(plugins)


def more_figures(page, request) -> list:
    """The field's published figures of the current cycle that ``page`` does not show in its text,
    as bound figure blocks (``{% include_block %}``), titled in the page's language."""
    plugins = field_plugins(page.number)
    if not plugins:
        return []
    figures = published.for_request(request)
    cycle = figures.current_cycle
    if cycle is None:
        return []
    from portal.figures.blocks import _keys_on_page, page_language

    shown = _keys_on_page({"page": page})
    language = page_language({"page": page})
    block = page._meta.get_field("body").stream_block.child_blocks["figure"]
    found = []
    for snapshot in figures.of_plugins(cycle, plugins):
        if snapshot.key in shown:
            continue
        title = snapshot.in_language(language).title
        found.append(block.bind(block.to_python({"key": snapshot.key, "title": title, "caption": ""})))
    return found
