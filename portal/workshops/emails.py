"""The emails a booking sends: please confirm, received (confirmed or waiting), promoted, cancelled, date called off, reminder.

Each is written in the language the booking was made in (``Booking.language``),
links included. The first one goes to an address nobody has confirmed yet, so it carries nothing
the visitor typed (no name): only our own data -- the school from our list, the
workshop, the date -- and the link.

Each mail is queued as a task (django-tasks: sent at once in the demo and tests, by
the worker in production) that carries only the booking's id, so a slow or broken
mail server never holds up a request, and no error of it reaches one.
"""

from __future__ import annotations

import logging
import unicodedata

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from .calendar import calendar_for, public_base_url
from .models import CONTROL_CATEGORIES, Booking
from .tasks import send_booking_mail
from .tokens import cancel_token, confirm_token

logger = logging.getLogger(__name__)


def cancel_url(booking: Booking, base_url: str | None = None) -> str:
    return public_base_url(base_url) + reverse("workshops:cancel", args=[cancel_token(booking)])


def confirm_url(booking: Booking, base_url: str | None = None) -> str:
    return public_base_url(base_url) + reverse("workshops:confirm", args=[confirm_token(booking)])


# Each mail's subject, by template; translated when the mail is written, in the booking's language.
SUBJECTS = {
    "confirm_request": gettext_lazy("Bitte bestätigen Sie Ihre Buchung"),
    "confirmed": gettext_lazy("Buchung bestätigt"),
    "waiting": gettext_lazy("Sie stehen auf der Warteliste"),
    "promoted": gettext_lazy("Ein Platz ist frei geworden – Ihre Buchung ist bestätigt"),
    "cancelled": gettext_lazy("Buchung storniert"),
    "reduced": gettext_lazy("Plätze storniert"),
    "session_cancelled": gettext_lazy("Termin abgesagt"),
    "reminder": gettext_lazy("Erinnerung an Ihren Workshop"),
}


def send_confirmation_request(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "confirm_request", base_url=base_url, with_link=False)


def send_booking_received(booking: Booking, *, base_url: str | None = None) -> None:
    if booking.status == Booking.Status.CONFIRMED:
        _send(booking, "confirmed", base_url=base_url, ics=True)
    else:
        _send(booking, "waiting", base_url=base_url)


def send_promoted(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "promoted", base_url=base_url, ics=True)


def send_cancelled(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "cancelled", base_url=base_url, with_link=False)


def send_reduced(booking: Booking, freed: int, *, base_url: str | None = None) -> None:
    _send(booking, "reduced", base_url=base_url, freed=freed)


def send_session_cancelled(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "session_cancelled", base_url=base_url, with_link=False, ics=True)


def send_reminder(booking: Booking, *, base_url: str | None = None) -> None:
    _send(booking, "reminder", base_url=base_url, ics=True)


# Mails that the booking's extra addresses (colleagues booked along) get too, as a copy without the cancel link.
COPIED = {"confirmed", "promoted", "reduced", "cancelled", "session_cancelled", "reminder"}


def _send(booking: Booking, template: str, *, base_url=None, ics=False, with_link=True, freed=None) -> None:
    if not booking.email:
        return  # personal data already erased
    try:
        send_booking_mail.enqueue(booking.pk, template, base_url=base_url, ics=ics, with_link=with_link, freed=freed)
    except Exception:
        # The booking is committed either way; a queue that is down must not turn it into an error page.
        logger.exception("Workshop-E-Mail „%s“ an Buchung %s nicht in die Warteschlange gestellt", template, booking.pk)


def deliver(booking_id: int, template: str, *, base_url=None, ics=False, with_link=True, freed=None) -> bool:
    """Render and send one mail now (and its copy to the extra addresses), in the booking's language;
    every error is logged, none is raised. Returns whether it was sent."""
    try:
        booking = Booking.objects.select_related("session__workshop").filter(pk=booking_id).first()
        if booking is None or not booking.email:
            return False  # deleted or personal data erased meanwhile
        options = {"base_url": base_url, "ics": ics, "freed": freed}
        with translation.override(mail_language(booking)):
            messages = [_message(booking, template, with_link=with_link, **options)]
            if template in COPIED and booking.extra_email_list:
                messages.append(_message(booking, template, with_link=False, copy_to=booking.extra_email_list, **options))
        for message in messages:
            message.send()
        return True
    except Exception:
        # Any failure of the mail server (refused, timed out, SMTP error) or of the message itself.
        logger.exception("Workshop-E-Mail „%s“ an Buchung %s nicht gesendet", template, booking_id)
        return False


def mail_language(booking: Booking) -> str:
    """The booking's language if the portal still offers it, else the default (German)."""
    offered = {code for code, _name in settings.LANGUAGES}
    return booking.language if booking.language in offered else settings.LANGUAGE_CODE


def header_text(text: str) -> str:
    """Text for a mail header: line breaks and other control characters become spaces (no header injection)."""
    return " ".join("".join(" " if unicodedata.category(c) in CONTROL_CATEGORIES else c for c in text).split())


def _message(booking: Booking, template: str, *, base_url=None, ics=False, with_link=True, freed=None, copy_to=None) -> EmailMessage:
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
        "waiting_position": booking.waiting_position(),
        "confirm_url": confirm_url(booking, base) if booking.status == Booking.Status.PENDING else "",
        "confirm_minutes": settings.MEP_BOOKING_CONFIRM_MINUTES,
        "freed": freed,
        "copy": bool(copy_to),
    }
    message = EmailMessage(
        subject=header_text(f"{SUBJECTS[template]}: {workshop.title}"),
        body=render_to_string(f"workshops/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=copy_to or [booking.email],
    )
    if ics:
        message.attach("workshop.ics", calendar_for([session], base_url=base), "text/calendar")
    return message
