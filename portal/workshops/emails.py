"""The emails a booking sends: please confirm, received (confirmed or waiting), promoted, cancelled, date called off, reminder.

The first one goes to an address nobody has confirmed yet, so it carries nothing
the visitor typed (no name): only our own data -- the school from our list, the
workshop, the date -- and the link.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import calendar_for, public_base_url
from .models import Booking
from .tokens import cancel_token, confirm_token

logger = logging.getLogger(__name__)


def cancel_url(booking: Booking, base_url: str | None = None) -> str:
    return public_base_url(base_url) + reverse("workshops:cancel", args=[cancel_token(booking)])


def confirm_url(booking: Booking, base_url: str | None = None) -> str:
    return public_base_url(base_url) + reverse("workshops:confirm", args=[confirm_token(booking)])


def send_confirmation_request(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, _("Bitte bestätigen Sie Ihre Buchung"), "confirm_request", base_url=base_url, with_link=False)


def send_booking_received(booking: Booking, *, base_url: str | None = None) -> None:
    if booking.status == Booking.Status.CONFIRMED:
        _send(booking, "Buchung bestätigt", "confirmed", base_url=base_url, ics=True)
    else:
        _send(booking, "Sie stehen auf der Warteliste", "waiting", base_url=base_url)


def send_promoted(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "Ein Platz ist frei geworden – Ihre Buchung ist bestätigt", "promoted", base_url=base_url, ics=True)


def send_cancelled(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "Buchung storniert", "cancelled", base_url=base_url, with_link=False)


def send_session_cancelled(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "Termin abgesagt", "session_cancelled", base_url=base_url, with_link=False, ics=True)


def send_reminder(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "Erinnerung an Ihren Workshop", "reminder", base_url=base_url, ics=True)


def _send(booking: Booking, subject: str, template: str, *, base_url=None, ics=False, with_link=True) -> None:
    if not booking.email:
        return  # personal data already erased
    session = booking.session
    workshop = session.workshop
    base = public_base_url(base_url)
    context = {
        "booking": booking,
        "session": session,
        "workshop": workshop,
        "start": timezone.localtime(session.start),
        "end": timezone.localtime(session.end),
        "session_url": base + reverse("workshops:session", args=[session.pk]),
        "cancel_url": cancel_url(booking, base) if with_link else "",
        "confirm_url": confirm_url(booking, base) if booking.status == Booking.Status.PENDING else "",
        "confirm_minutes": settings.MEP_BOOKING_CONFIRM_MINUTES,
        "waiting_position": booking.waiting_position(),
    }
    message = EmailMessage(
        subject=f"{subject}: {workshop.title}",
        body=render_to_string(f"workshops/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.email],
    )
    if ics:
        message.attach("workshop.ics", calendar_for([session], base_url=base), "text/calendar")
    try:
        message.send()
    except OSError:
        # The booking is committed either way; a mail server that is down must not turn it into an error page.
        logger.exception("Workshop-E-Mail „%s“ an Buchung %s nicht gesendet", subject, booking.pk)
