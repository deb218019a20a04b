"""The attendee list of a date as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from portal.spreadsheet import neutralise

from .models import Booking, WorkshopSession

HEADER = [
    "Status", "Position Warteliste", "Schule", "Schulnummer", "Ansprechperson", "E-Mail", "Plätze", "Gebucht am",
    "Teilnehmende", "Weitere E-Mail-Adressen",
]


def attendee_rows(session: WorkshopSession):
    yield HEADER
    position = 0
    bookings = session.bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITING])
    for booking in bookings.order_by("status", "created_at", "id"):
        waiting = booking.status == Booking.Status.WAITING
        position += waiting
        yield [
            booking.get_status_display(),
            position if waiting else "",
            booking.school_name,
            booking.school_id,
            booking.contact_name,
            booking.email,
            booking.seats,
            f"{timezone.localtime(booking.created_at):%d.%m.%Y %H:%M}",
            ", ".join(booking.participant_list),
            ", ".join(booking.extra_email_list),
        ]


def attendee_csv(session: WorkshopSession) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what German spreadsheet programs expect
    for row in attendee_rows(session):
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + out.getvalue()  # BOM: umlauts open right in Excel
