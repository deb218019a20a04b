"""The workshop housekeeping: lapse unconfirmed bookings, erase personal data that is due, send due reminders.

Each step runs on its own, so a failing mail server never keeps personal data past its erasure date.
Every run is recorded (HousekeepingRun); its error text names the step and the exception's class only,
because exception messages (an SMTP refusal, say) may carry an email address. The traceback goes to the log.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import booking, reminders, retention
from .models import HousekeepingRun

logger = logging.getLogger(__name__)

# Runs are kept this long for the dashboard, then deleted; they hold no personal data.
KEEP_RUNS = timedelta(days=90)


STEPS = (
    ("lapsed", _("Verfallene Buchungen"), lambda now: booking.lapse_expired_bookings(now=now)),
    ("erased", _("Personendaten löschen"), lambda now: retention.erase_personal_data(now=now)),
    ("reminders", _("Erinnerungen"), lambda now: reminders.send_due_reminders(now=now)),
)


def run_housekeeping(run: HousekeepingRun | None = None, *, now=None) -> HousekeepingRun:
    """Run every step once and record what each did on ``run`` (a new command run if none is given)."""
    if run is None:
        run = HousekeepingRun.objects.create(trigger=HousekeepingRun.Trigger.COMMAND)
    run.started_at = timezone.now()
    run.save(update_fields=["started_at"])
    errors = []
    for field, label, step in STEPS:
        try:
            setattr(run, field, step(now or timezone.now()))
        except Exception as exc:  # one broken step must not stop the others
            logger.exception("Workshop housekeeping: step %s failed", field)
            errors.append(f"{label}: {type(exc).__name__}")
    run.error = "; ".join(errors)
    run.finished_at = timezone.now()
    run.save(update_fields=["lapsed", "erased", "reminders", "error", "finished_at"])
    HousekeepingRun.objects.filter(enqueued_at__lt=run.finished_at - KEEP_RUNS).delete()
    return run
