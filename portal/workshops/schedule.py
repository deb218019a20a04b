"""Housekeeping started by ordinary page traffic: at most one run per interval across all workers.

django-tasks 0.12 has no periodic scheduler, so the end of a request checks whether the current
interval already has its run. A process remembers when its next interval begins, so the check costs
a comparison per request and one INSERT per interval; the unique ``interval_start`` makes exactly one
worker win that INSERT. The winner enqueues the task: the db_worker runs it in production, the demo
runs it inline after the response went out. Nothing here may break or slow a page: errors are logged.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import HousekeepingRun

logger = logging.getLogger(__name__)


class _Gate(threading.local):
    next_check: float = 0.0  # epoch seconds; before it, this process knows its interval is claimed


_gate = _Gate()


def clock() -> datetime:
    return timezone.now()


def interval_start(now: datetime, minutes: int) -> datetime:
    """The start of the interval ``now`` falls in, aligned to the epoch so every worker agrees."""
    seconds = minutes * 60
    return datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=UTC)


def on_request_finished(sender, **kwargs) -> None:
    """request_finished receiver; never raises."""
    try:
        if not due():
            return
        maybe_enqueue()
    except Exception:
        logger.exception("Workshop housekeeping could not be started")
    # Django closed this request's connections before this receiver ran; close what it opened
    # again the same way (never inside a transaction, such as a test's).
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def due() -> bool:
    minutes = settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES
    return minutes > 0 and clock().timestamp() >= _gate.next_check


def maybe_enqueue() -> HousekeepingRun | None:
    """Claim and enqueue this interval's run unless some worker already did; returns the run if this one did."""
    if not due():
        return None
    minutes = settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES
    now = clock()
    start = interval_start(now, minutes)
    # Set before touching the database: a broken database is tried again next interval, not every request.
    _gate.next_check = (start + timedelta(minutes=minutes)).timestamp()
    try:
        with transaction.atomic():
            run = HousekeepingRun.objects.create(
                trigger=HousekeepingRun.Trigger.TRAFFIC, interval_start=start, enqueued_at=now
            )
    except IntegrityError:
        return None  # another worker claimed this interval
    from .tasks import workshop_housekeeping

    try:
        workshop_housekeeping.enqueue(run.pk)
    except Exception as exc:
        run.error = _("Einplanen: %(error)s") % {"error": type(exc).__name__}
        run.save(update_fields=["error"])
        raise
    return run


def reset() -> None:
    """Forget this process's claimed interval (tests, or after changing the interval)."""
    _gate.next_check = 0.0
