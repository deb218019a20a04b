"""What the installed plugins can compute, read once per process (never computed in a page view)."""

from __future__ import annotations

import logging
from functools import lru_cache

from portal.engine.compute import figure_catalog
from portal.engine.plugins import PluginError, get_plugin_manager

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def installed_figures() -> dict[str, tuple[str, str]]:
    """key -> (plugin, title) for every figure an installed plugin offers."""
    try:
        catalog = figure_catalog(get_plugin_manager())
    except PluginError as exc:
        log.error("Abbildungskatalog nicht lesbar: %s", exc)
        return {}
    return {info.key: (plugin, info.title) for plugin, infos in catalog for info in infos}


def installed_plugins() -> set[str]:
    return {plugin for plugin, _ in installed_figures().values()}


def figure_choices() -> list[tuple[str, str]]:
    """The editor's list: titles, grouped by plugin; the key stays the stored value.

    A key that pages or published figures still hold but no installed plugin
    offers stays a choice, marked as such, so an editor can still save a page
    that shows it (the page says the figure cannot be shown) instead of
    meeting "not a valid choice".
    """
    installed = installed_figures()
    choices = [(key, f"{title} ({plugin})") for key, (plugin, title) in installed.items()]
    orphans = sorted(stored_figure_keys() - installed.keys())
    return choices + [(key, f"{key} (Plugin nicht installiert)") for key in orphans]


def stored_figure_keys() -> set[str]:
    """Every figure key that a published figure or a page's figure block holds (any model, any StreamField)."""
    from django.apps import apps
    from wagtail.fields import StreamField

    from .blocks import FigureBlock
    from .models import FigureSnapshot

    keys = set(FigureSnapshot.objects.filter(regeneration__published=True).values_list("key", flat=True).distinct())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, StreamField) or field.model is not model:
                continue
            names = {n for n, b in field.stream_block.child_blocks.items() if isinstance(b, FigureBlock)}
            if not names:
                continue
            for value in model._default_manager.values_list(field.name, flat=True):
                for block in getattr(value, "raw_data", None) or ():
                    if block.get("type") in names and isinstance(block.get("value"), dict):
                        keys.add(block["value"].get("key") or "")
    keys.discard("")
    return keys


def cycle_choices() -> list[tuple[str, str]]:
    from .models import Cycle

    return [(cycle.slug, cycle.name) for cycle in Cycle.objects.all()]
