"""Which fields of a page or snippet still hold what the content pack wrote (``load_content --update``).

The loader records a digest of every field it writes. On ``--update`` a field whose value still has
that digest is pack-owned and gets the pack's new text; a field whose value differs was changed by an
editor and is kept (and reported). Objects loaded before these records existed have none: for them a
page counts as the pack's when no editor has saved a revision of it, a snippet always (the portal had
no editors before this release).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from wagtail.fields import StreamField
from wagtail.models import Page

from .models import ContentPackState


def _strip_ids(value: Any) -> Any:
    """A StreamField's JSON without block ids, which are new on every save of the same content."""
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def field_digest(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    if isinstance(field, StreamField):
        text = json.dumps(_strip_ids(json.loads(field.value_to_string(instance) or "[]")), sort_keys=True)
    else:
        text = field.value_to_string(instance)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _state(instance) -> ContentPackState | None:
    return ContentPackState.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False), object_id=str(instance.pk)
    ).first()


def changed_by_editor(instance, names) -> list[str]:
    """The fields among ``names`` that an editor has changed since the pack last wrote them."""
    state = _state(instance)
    if state is None:
        latest = getattr(instance, "latest_revision", None)
        edited = latest is not None and latest.user_id is not None  # a person saved this page
        return list(names) if edited else []
    return [n for n in names if n in state.digests and state.digests[n] != field_digest(instance, n)]


def remember(instance, names, *, created: bool = False) -> None:
    """Record what the pack has just written into these fields (of a page: as stored, read back)."""
    if isinstance(instance, Page):
        instance = type(instance).objects.get(pk=instance.pk)
    digests = {n: field_digest(instance, n) for n in names}
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    if created:
        ContentPackState.objects.create(content_type=content_type, object_id=str(instance.pk), digests=digests)
        return
    state = _state(instance) or ContentPackState(content_type=content_type, object_id=str(instance.pk))
    state.digests = {**state.digests, **digests}
    state.save()
