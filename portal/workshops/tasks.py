"""Background tasks (django-tasks) of the workshops: the database backend in production, inline in tests and the demo."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_booking_mail(booking_id: int, template: str, base_url=None, ics=False, with_link=True, freed=None) -> bool:
    """Send one booking mail in the booking's language; errors are logged by ``deliver``, so the task itself never fails."""
    from .emails import deliver

    return deliver(booking_id, template, base_url=base_url, ics=ics, with_link=with_link, freed=freed)


@task()
def workshop_housekeeping(run_id: int) -> dict:
    """Run the housekeeping claimed as ``run_id``; what it did is stored on the run itself."""
    from .housekeeping import run_housekeeping
    from .models import HousekeepingRun

    run = HousekeepingRun.objects.filter(pk=run_id, started_at__isnull=True).first()
    if run is None:  # pruned while the worker was down, or already run
        return {}
    try:
        run = run_housekeeping(run)
    except Exception:
        # The inline backend keeps a task's exception to itself; the log must see it.
        logger.exception("Workshop housekeeping run %s failed", run_id)
        raise
    return {"lapsed": run.lapsed, "erased": run.erased, "reminders": run.reminders, "error": run.error}
