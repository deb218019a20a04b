"""Scenarios follow their cycle's data: a newly published data set has every computed scenario computed again.

A scenario's result holds the numbers of the data set it was computed on. When
a cycle publishes another data set (a new upload, or the previous figures
restored), each of its computed scenarios is queued once the publication is
committed; a published one stays on show with its last result, which its page
calls older than the published data, until the new run replaces it.
"""

from __future__ import annotations

import logging

from django.db import transaction

from .models import Regeneration, Scenario
from .signals import figures_changed

log = logging.getLogger(__name__)


def recompute_after_publication(sender, regeneration: Regeneration, **kwargs) -> None:
    """Receiver of ``figures_changed``: queue the cycle's computed scenarios that hold another data set's result."""
    if sender is not Regeneration or not regeneration.published:
        return
    version = regeneration.dataset_version
    transaction.on_commit(lambda: _enqueue_stale(version.cycle_id, version.pk))


def _enqueue_stale(cycle_id: int, version_id: int) -> None:
    from .tasks import scenario_task

    stale = Scenario.objects.filter(cycle_id=cycle_id, status=Scenario.SUCCEEDED).exclude(dataset_version_id=version_id)
    for pk in list(stale.values_list("pk", flat=True)):
        Scenario.objects.filter(pk=pk).update(status=Scenario.QUEUED, progress="", error="")
        log.info("Szenario %s: neue Planungsdaten veröffentlicht, wird neu berechnet", pk)
        scenario_task.enqueue(pk)


def connect() -> None:
    figures_changed.connect(recompute_after_publication, dispatch_uid="mep-scenarios-after-publication")
