"""Stand-in (branch search-es): publishing a page hands its documents to ``on_change``. The lead keeps `search`'s."""

from wagtail.signals import page_published, page_unpublished


def _published(sender, instance, **kwargs):
    from .backends import on_change
    from .documents import documents_for

    on_change(documents_for(instance), [])


def _unpublished(sender, instance, **kwargs):
    from .backends import on_change
    from .documents import keys_for

    on_change([], keys_for(instance))


def connect():
    page_published.connect(_published, dispatch_uid="mep-search-published")
    page_unpublished.connect(_unpublished, dispatch_uid="mep-search-unpublished")
