"""The schools of the current cycle's published data set, for forms such as workshop bookings."""

from __future__ import annotations

from django.core.cache import cache

from portal.engine.dataset import load_dataset

from .models import Cycle
from .services import unpacked


def published_schools() -> list[tuple[str, str]]:
    """(school_id, name) of every school in the current cycle's published data set.

    Read once per published data set (keyed by its fingerprint) and cached, so
    a form never reads the data set on every request. Empty while nothing is
    published.
    """
    cycle = Cycle.current()
    regeneration = cycle.published_regeneration() if cycle else None
    if regeneration is None:
        return []
    version = regeneration.dataset_version
    key = f"mep:published-schools:{version.fingerprint}"
    schools = cache.get(key)
    if schools is None:
        with unpacked(version) as path:
            table = load_dataset(path).tables["schools"]
        schools = list(zip(table["school_id"].astype(str), table["name"].astype(str)))
        cache.set(key, schools, None)
    return schools
