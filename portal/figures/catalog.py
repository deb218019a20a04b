"""What the installed plugins can compute, read once per process (never computed in a page view)."""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from portal.engine.plugins import PluginError, get_plugin_manager

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _installed_infos() -> dict[str, tuple[str, object]]:
    """key -> (plugin, FigureInfo) for every figure an installed plugin offers."""
    # Imported here: the engine's computing modules bring pandas, which a portal process needs
    # only to compute figures, not to start or to serve pages (every gunicorn worker, every manage.py).
    from portal.engine.compute import figure_catalog

    try:
        catalog = figure_catalog(get_plugin_manager())
    except PluginError as exc:
        log.error("Abbildungskatalog nicht lesbar: %s", exc)
        return {}
    return {info.key: (plugin, info) for plugin, infos in catalog for info in infos}


def installed_figures() -> dict[str, tuple[str, str]]:
    """key -> (plugin, title) for every figure an installed plugin offers."""
    return {key: (plugin, info.title) for key, (plugin, info) in _installed_infos().items()}


def headline_column(key: str) -> str | None:
    """The column a figure declares as its value (``FigureInfo.headline``); None if it declares none or is not installed."""
    entry = _installed_infos().get(key)
    return getattr(entry[1], "headline", None) if entry else None


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
    return choices + [(key, _("%(key)s (Plugin nicht installiert)") % {"key": key}) for key in orphans]


#: the generation of the cached :func:`stored_figure_keys`, in the shared cache; a new one makes every worker read again
STORED_KEYS_GENERATION = "mep:stored-figure-keys:generation"
STORED_KEYS_TIMEOUT = 24 * 60 * 60  # seconds; old generations expire, the current one is read again daily


def stored_figure_keys() -> set[str]:
    """Every figure key that a published figure or a page's figure block holds, from the shared cache.

    Read from the database only when the cache holds none: after figures are
    published, or when a saved or deleted page held a key the entry did not know.
    """
    entry = _entry()
    keys = cache.get(entry)
    if keys is None:
        keys = _read_stored_keys()
        cache.set(entry, keys, STORED_KEYS_TIMEOUT)
    return set(keys)


def _entry() -> str:
    from portal.plan.generation import token

    return f"mep:stored-figure-keys:{token(cache, STORED_KEYS_GENERATION)}"


def clear_stored_keys() -> None:
    """Start a new generation now: the next choice list reads the keys from the database."""
    cache.set(STORED_KEYS_GENERATION, uuid.uuid4().hex, None)


def forget_stored_keys(**kwargs) -> None:
    """Clear now and again on commit, so a list read meanwhile from the old rows does not outlive the change."""
    clear_stored_keys()
    transaction.on_commit(clear_stored_keys)


def _read_stored_keys() -> set[str]:
    """The keys of the published figures and of every figure block of every model (any StreamField)."""
    from .models import FigureSnapshot

    keys = set(FigureSnapshot.objects.filter(regeneration__published=True).values_list("key", flat=True).distinct())
    for model, fields in figure_fields().items():
        for name, blocks in fields:
            if model._meta.get_field(name).model is not model:
                continue  # read once, on the model that declares the field
            for value in model._default_manager.values_list(name, flat=True):
                keys |= _keys_in(value, blocks)
    keys.discard("")
    return keys


@lru_cache(maxsize=1)
def figure_fields() -> dict[type, list[tuple[str, frozenset[str]]]]:
    """model -> [(StreamField name, names of its figure blocks)] for every model that can hold a figure."""
    from django.apps import apps
    from wagtail.fields import StreamField

    from .blocks import FigureBlock

    found: dict[type, list[tuple[str, frozenset[str]]]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                names = frozenset(n for n, b in field.stream_block.child_blocks.items() if isinstance(b, FigureBlock))
                if names:
                    found.setdefault(model, []).append((field.name, names))
    return found


def _keys_in(value, blocks: frozenset[str]) -> set[str]:
    raw = getattr(value, "raw_data", None) or ()
    return {
        block["value"].get("key") or ""
        for block in raw
        if block.get("type") in blocks and isinstance(block.get("value"), dict)
    }


def _figure_holder_saved(sender, instance, **kwargs) -> None:
    """A saved page that holds a key nobody knew yet (not installed, not cached) drops the cached keys."""
    fields = figure_fields().get(sender)
    if not fields:
        return
    known = cache.get(_entry())
    if known is None:
        return
    held = set().union(*(_keys_in(getattr(instance, name, None), blocks) for name, blocks in fields)) - {""}
    if held - set(known) - installed_figures().keys():
        forget_stored_keys()


def _figure_holder_deleted(sender, **kwargs) -> None:
    if figure_fields().get(sender):
        forget_stored_keys()


def connect() -> None:
    """Keep the cached keys true: published figures and saved or deleted pages can change them."""
    from django.db.models.signals import post_delete, post_save

    from .signals import figures_changed

    figures_changed.connect(forget_stored_keys, dispatch_uid="mep-stored-figure-keys-figures")
    post_save.connect(_figure_holder_saved, dispatch_uid="mep-stored-figure-keys-saved")
    post_delete.connect(_figure_holder_deleted, dispatch_uid="mep-stored-figure-keys-deleted")


def cycle_choices() -> list[tuple[str, str]]:
    from .models import Cycle

    return [(cycle.slug, cycle.name) for cycle in Cycle.objects.all()]
