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
    """The editor's list: titles, grouped by plugin; the key stays the stored value."""
    return [(key, f"{title} ({plugin})") for key, (plugin, title) in installed_figures().items()]


def cycle_choices() -> list[tuple[str, str]]:
    from .models import Cycle

    return [(cycle.slug, cycle.name) for cycle in Cycle.objects.all()]
