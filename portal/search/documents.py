"""Stand-in (branch search-es) for the core helper's documents module: SEARCH.md's API, pages only.

The lead keeps the `search` branch's version on merge.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SearchDocument:
    key: str
    kind: str
    language: str
    title: str
    text: str
    url: str


KINDS: dict[str, str] = {"page": _("Kapitel")}


def _page_document(page) -> SearchDocument:
    specific = page.specific
    text = " ".join(str(getattr(specific, name, "") or "") for name in ("summary", "intro", "body"))
    return SearchDocument(
        key=f"page:{page.pk}",
        kind="page",
        language=page.locale.language_code,
        title=page.title,
        text=strip_tags(text),
        url=page.get_url() or "",
    )


def all_documents(language: str | None = None) -> Iterator[SearchDocument]:
    from wagtail.models import Page

    pages = Page.objects.live().public().filter(depth__gt=1).select_related("locale")
    if language:
        pages = pages.filter(locale__language_code=language)
    for page in pages:
        yield _page_document(page)


def documents_for(instance) -> list[SearchDocument]:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        return [_page_document(instance)]
    return []


def keys_for(instance) -> list[str]:
    return [f"page:{instance.pk}"]
