"""Erasing the personal data of bookings some days after their date; counts per school stay."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Booking


def erase_personal_data(now=None, days: int | None = None) -> int:
    """Blank name and email of every booking whose date ended more than ``days`` ago; returns how many."""
    now = now or timezone.now()
    days = settings.MEP_WORKSHOP_ERASURE_DAYS if days is None else days
    return (
        Booking.objects.filter(erased_at__isnull=True, session__end__lt=now - timedelta(days=days)).update(contact_name="", email="", token_nonce="", erased_at=now)
    )
