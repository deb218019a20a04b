"""Reminders a few days before a date, sent once per booking however often the command runs."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import emails
from .models import Booking


def send_due_reminders(now=None, days: int | None = None) -> int:
    """Remind every confirmed booking of a date starting within ``days``; returns how many were sent."""
    now = now or timezone.now()
    days = settings.MEP_WORKSHOP_REMINDER_DAYS if days is None else days
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__cancelled_at__isnull=True,
        session__start__gt=now,
        session__start__lte=now + timedelta(days=days),
    ).select_related("session__workshop")
    sent = 0
    for booking in due:
        # Claim first: a second run, even a concurrent one, finds the reminder taken.
        claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
        if claimed:
            emails.send_reminder(booking)
            sent += 1
    return sent
