"""Production's shared database cache: `migrate` creates its tables first, and empties the page cache at the end.

The tables are made before any migration runs (pre_migrate), because data migrations already
save cycles and snippets, whose signals clear the page cache. createcachetable only acts on
caches configured as DatabaseCache and skips tables that exist, so this is safe on every run.
Clearing after migrate means fragments rendered by the previous release never outlive a deploy.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db.models.signals import post_migrate, pre_migrate


def create_cache_tables(sender, using="default", **kwargs) -> None:
    call_command("createcachetable", database=using, verbosity=0)


def clear_after_migrate(sender, **kwargs) -> None:
    from .page_cache import clear_page_cache

    clear_page_cache()


def connect(app_config) -> None:
    # Sent once per app; tied to this app so it runs once per migrate, before the first migration.
    pre_migrate.connect(create_cache_tables, sender=app_config, dispatch_uid="mep-cache-tables")
    post_migrate.connect(clear_after_migrate, sender=app_config, dispatch_uid="mep-page-cache-migrated")
