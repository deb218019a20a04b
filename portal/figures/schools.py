"""The schools of the current cycle's published data set, for forms such as workshop bookings.

They are stored on the data set version when it is validated, so a form reads
one row and never unpacks a data set.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from portal.engine.plugins import PluginError

from .models import DataSetVersion, Regeneration

if TYPE_CHECKING:
    from portal.engine.dataset import DataSet

log = logging.getLogger(__name__)


def published_schools() -> list[tuple[str, str]]:
    """(school_id, name) of every school in the current cycle's published data set; empty while nothing is published."""
    schools = (
        Regeneration.objects.filter(published=True, dataset_version__cycle__is_current=True)
        .order_by("-published_at", "-pk")
        .values_list("dataset_version__schools", flat=True)
        .first()
    )
    return [(str(sid), str(name)) for sid, name in schools or ()]


def schools_of(dataset: DataSet) -> list[list[str]]:
    """[school_id, name] of every school of a read data set, in its order, as stored on its version."""
    table = dataset.tables["schools"]
    return [[str(sid), str(name)] for sid, name in zip(table["school_id"], table["name"], strict=True)]


def read_schools(version: DataSetVersion) -> list[list[str]]:
    """The schools of a stored version, read from its file: only for versions validated before they were stored."""
    from portal.engine.dataset import DataSetError, load_dataset  # on use: see services._ENGINE_ON_USE

    from .services import dataset_limits, unpacked

    if not version.file:
        return []
    try:
        with unpacked(version) as path:
            return schools_of(load_dataset(path, limits=dataset_limits()))
    except (DataSetError, PluginError, OSError) as exc:
        log.error("Schulen der Datensatz-Version %s nicht lesbar: %s", version.pk, exc)
        return []
