"""The admin dashboard's panel on the workshop housekeeping: when it last ran, what it did, whether it is stuck."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import HousekeepingRun

# Cron users run it daily; longer without a finished run means nobody runs it.
OVERDUE_AFTER = timedelta(hours=25)


class HousekeepingPanel(Component):
    name = "workshop_housekeeping"
    template_name = "workshops/admin/housekeeping_panel.html"
    order = 150

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        runs = list(HousekeepingRun.objects.all()[:5])
        last = HousekeepingRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
        minutes = settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES
        # A run claimed by traffic that no worker picked up within an interval: db_worker is not running.
        waiting = HousekeepingRun.objects.filter(
            started_at__isnull=True, enqueued_at__lt=now - timedelta(minutes=max(minutes, 1))
        ).count()
        return {
            "runs": runs,
            "last": last,
            "overdue": last is None or last.finished_at < now - OVERDUE_AFTER,
            "waiting": waiting,
            "interval_minutes": minutes,
        }


def panel_for(request) -> HousekeepingPanel | None:
    """The panel, for the Medienzentrum's group and superusers (whoever may view housekeeping runs)."""
    if request.user.has_perm("workshops.view_housekeepingrun"):
        return HousekeepingPanel(request)
    return None
