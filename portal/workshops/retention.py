"""Erasing the personal data of bookings: soon after a cancellation or lapse, else some days after the date.

Only names (contact and participants), email addresses (contact and extra ones) and the cancel token's nonce go; school and seats stay, so the counts per school survive.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Booking

INACTIVE_STATUSES = (Booking.Status.CANCELLED, Booking.Status.SESSION_CANCELLED, Booking.Status.LAPSED)


def erase_personal_data(now=None, days: int | None = None, inactive_days: int | None = None) -> int:
    """Blank names and email addresses of bookings due for erasure; returns how many.

    Due: every booking whose date ended more than ``days`` ago, and every cancelled, called-off or
    lapsed booking ``inactive_days`` after it stopped being active, however far away its date is.
    """
    now = now or timezone.now()
    days = settings.MEP_WORKSHOP_ERASURE_DAYS if days is None else days
    inactive_days = settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS if inactive_days is None else inactive_days
    due = Q(session__end__lt=now - timedelta(days=days)) | Q(
        status__in=INACTIVE_STATUSES, inactive_since__lte=now - timedelta(days=inactive_days)
    )
    # A booking made inactive without a timestamp (by hand, say) counts from its creation.
    return (
        Booking.objects.alias(inactive_since=Coalesce("cancelled_at", "created_at"))
        .filter(due, erased_at__isnull=True)
        .update(contact_name="", email="", participant_names="", extra_emails="", token_nonce="", erased_at=now)
    )
