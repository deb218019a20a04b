"""Booking seats: the rules that must hold when many schools book at once.

Locking follows pretix (doc/development/implementation/locking.rst): each
service opens its own durable transaction (``date_transaction``), locks the
date's row first -- in every path, so two paths never wait on each other in
opposite order -- and only then reads or locks its bookings, checks, and writes.
On PostgreSQL a lock that is not granted within ``MEP_LOCK_TIMEOUT_MS`` fails
fast; on SQLite (IMMEDIATE transactions) the connection's busy timeout does the
same. Either way the caller gets ``DateBusy`` with a message in the reader's language, not a 500.
Emails leave only after the transaction committed.

Double opt-in: ``book()`` creates a *pending* booking that holds its seats -- or,
with ``queued`` set, its place in the waiting list -- until ``expires_at``
(``MEP_BOOKING_CONFIRM_MINUTES`` after booking, never past the date's start).
Only following the e-mailed link (``confirm_booking``) makes it confirmed or
waiting. Seat counting reads an expired hold as nothing (``seat_taking_q`` and
``queue_q`` in models.py), so capacity is right even if no sweep ever ran;
``lapse_expired_bookings`` marks such bookings lapsed and moves the waiting
list up. When seats free up and a pending queued booking is next in line, it
keeps its turn: it now holds seats, and confirming makes it a booking.
Every path locks the date first, then its bookings.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import emails
from .domains import address_allowed, allowed_domains, domain_message
from .models import Booking, WorkshopSession, per_school_message, queue_q, seat_taking_q, seats_text

ACTIVE = (Booking.Status.CONFIRMED, Booking.Status.WAITING)


@dataclass
class BookingRequest:
    school_id: str
    school_name: str
    contact_name: str
    email: str
    seats: int
    join_waitlist: bool = False
    participant_names: list[str] = field(default_factory=list)  # optional, for colleagues booked along
    extra_emails: list[str] = field(default_factory=list)  # get the confirmation and the calendar file too
    language: str = "de"  # of the page booked on; the booking's mails are written in it


class BookingRefused(Exception):
    """A booking that the rules do not allow; ``message`` is in the active language and meant for the person booking."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "refused", free_seats: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.free_seats = free_seats


class CancellationRefused(Exception):
    """The booking is unknown, already cancelled, or its personal data is erased."""


class DateBusy(BookingRefused):
    """Another transaction held the date's lock too long; nothing was changed, trying again later works."""

    def __init__(self):
        super().__init__(
            _("Dieser Termin wird gerade bearbeitet. Es wurde nichts geändert; bitte versuchen Sie es in einer Minute noch einmal."),
            code="busy",
        )


# PostgreSQL: lock_not_available (lock_timeout) and deadlock_detected; SQLite: busy timeout ran out.
_LOCK_FAILURES = ("55P03", "40P01")


@contextmanager
def date_transaction():
    """The transaction a service owns: durable, with a lock timeout; a lock not granted in time raises ``DateBusy``."""
    try:
        with transaction.atomic(durable=True):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # set_config(..., true) is SET LOCAL: it ends with this transaction.
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.MEP_LOCK_TIMEOUT_MS}ms"])
            yield
    except OperationalError as exc:
        cause = exc.__cause__
        if getattr(cause, "sqlstate", None) in _LOCK_FAILURES or "database is locked" in str(exc):
            raise DateBusy() from exc
        raise
    # Committed: the workshop pages show other free seats (or another state) now. After the commit, so that
    # the generation's row in the database cache is never one more lock inside a booking's transaction.
    seats_changed()


def seats_changed() -> None:
    """A new content generation for every worker; the workshop pages in a proxy in front are purged."""
    from portal.plan import generation

    from .purge import purge_workshop_pages

    generation.bump()
    purge_workshop_pages()


def lock_session(session_id: int) -> WorkshopSession:
    """Lock a date's row: the first lock in every path that changes the date's seats."""
    return WorkshopSession.objects.select_for_update().get(pk=session_id)


class ConfirmationRefused(Exception):
    """A confirmation link that does not work (any more); ``reason`` says why, for the German page.

    Reasons: ``unknown`` (no such booking or a wrong link), ``used`` (already confirmed), ``lapsed`` (not
    confirmed in time), ``started`` (the date has begun), ``cancelled`` (the date was called off, or the
    booking is no longer pending).
    """

    def __init__(self, reason: str, booking: Booking | None = None):
        super().__init__(reason)
        self.reason = reason
        self.booking = booking


def book(session_id: int, request: BookingRequest, *, base_url: str | None = None) -> Booking:
    """Hold the seats while enough remain (else a waiting-list place, if asked) until the e-mailed link confirms them."""
    if request.seats < 1:
        raise BookingRefused(_("Bitte buchen Sie mindestens einen Platz."), field="seats")
    domains = allowed_domains(request.school_id)
    if not address_allowed(request.email, domains):
        raise BookingRefused(domain_message(domains), field="email")
    if any(not address_allowed(address, domains) for address in request.extra_emails):
        raise BookingRefused(domain_message(domains), field="extra_emails")
    if len(request.participant_names) > request.seats or len(request.extra_emails) > request.seats:
        raise BookingRefused(_("Geben Sie höchstens so viele Namen und Adressen an, wie Sie Plätze buchen."), field="participant_names")
    _lapse_session(session_id, timezone.now(), base_url=base_url)  # tidy only: the counts below ignore expired holds
    with date_transaction():
        session = lock_session(session_id)
        now = timezone.now()
        _check_open(session, now)
        if request.seats > session.max_seats_per_school:
            raise BookingRefused(
                per_school_message(session.max_seats_per_school) % {"n": session.max_seats_per_school},
                field="seats",
            )
        held = _seats(session.bookings.filter(seat_taking_q(now) | queue_q(now), school_id=request.school_id))
        if held + request.seats > session.max_seats_per_school:
            raise BookingRefused(
                _(
                    "Ihre Schule hat für diesen Termin schon %(held)s gebucht, angefragt oder auf der Warteliste; "
                    "je Schule sind höchstens %(n)s möglich."
                ) % {"held": seats_text(held), "n": session.max_seats_per_school},
                field="seats",
            )
        free = session.capacity - _seats(session.bookings.filter(seat_taking_q(now)))
        if request.seats <= free:
            queued = False
        elif request.join_waitlist:
            queued = True
        else:
            raise BookingRefused(
                _full_message(free), field="seats", code="full", free_seats=max(0, free)
            )
        booking = Booking.objects.create(
            session=session,
            school_id=request.school_id,
            school_name=request.school_name,
            contact_name=request.contact_name,
            email=request.email,
            participant_names="\n".join(request.participant_names),
            extra_emails="\n".join(request.extra_emails),
            seats=request.seats,
            language=request.language,
            status=Booking.Status.PENDING,
            queued=queued,
            created_at=now,
            expires_at=min(now + timedelta(minutes=settings.MEP_BOOKING_CONFIRM_MINUTES), session.start),
        )
        transaction.on_commit(lambda: emails.send_confirmation_request(booking, base_url=base_url))
    return booking


def confirm_booking(booking_id: int, nonce: str, *, base_url: str | None = None) -> Booking:
    """Follow the e-mailed link once: a live pending booking becomes confirmed, or waiting if it held a waiting-list place."""
    session_id = Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).first()
    if session_id is None:
        raise ConfirmationRefused("unknown")
    with date_transaction():
        session = lock_session(session_id)
        booking = session.bookings.select_for_update().filter(pk=booking_id).first()
        now = timezone.now()
        reason = _confirmation_refusal(session, booking, nonce, now)
        if reason == "lapsed" and booking.status == Booking.Status.PENDING:
            _lapse(session, [booking], now, base_url=base_url)
        elif reason is None:
            others = _seats(session.bookings.filter(seat_taking_q(now)).exclude(pk=booking.pk))
            # A held seat stays the visitor's; only staff lowering the capacity meanwhile sends them to the waiting list.
            if not booking.queued and others + booking.seats <= session.capacity:
                booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
            else:
                booking.status = Booking.Status.WAITING
            booking.save(update_fields=["status", "confirmed_at"])
            transaction.on_commit(lambda: emails.send_booking_received(booking, base_url=base_url))
    if reason:
        booking = Booking.objects.filter(pk=booking_id).select_related("session__workshop").first()
        raise ConfirmationRefused(reason, booking if reason != "unknown" else None)
    return booking


def lapse_expired_bookings(now=None) -> int:
    """Mark every pending booking whose hold expired as lapsed and move each affected waiting list up; returns how many."""
    now = now or timezone.now()
    expired = Booking.objects.filter(status=Booking.Status.PENDING, expires_at__lte=now)
    session_ids = sorted(set(expired.values_list("session_id", flat=True)))
    return sum(_lapse_session(session_id, now) for session_id in session_ids)


def cancel_booking(
    booking_id: int, nonce: str, *, seats: int | None = None, absent: Sequence[str] = (), base_url: str | None = None
) -> Booking:
    """Cancel once, or give back only ``seats`` of a booking's seats; freed seats go to the waiting list in order.

    ``absent``: participants' names that go with the seats given back; the booking never keeps more names than seats.
    """
    # The date is locked before the booking (one lock order everywhere), so find it without locking.
    session_id = Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).first()
    if session_id is None:
        raise CancellationRefused()
    with date_transaction():
        session = lock_session(session_id)
        booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None or not nonce or booking.token_nonce != nonce or booking.status not in ACTIVE:
            raise CancellationRefused()
        if seats is not None and not 1 <= seats <= booking.seats:
            raise BookingRefused(
                _("Bitte wählen Sie, wie viele Ihrer %(seats)s Sie stornieren möchten.") % {"seats": seats_text(booking.seats)}, field="seats"
            )
        if seats is not None and seats < booking.seats:
            # Fewer seats: the booking stays, with its place in the waiting list if it is waiting.
            names = booking.participant_list
            for name in absent:
                if name in names:
                    names.remove(name)
            if len(names) > booking.seats - seats:
                raise BookingRefused(
                    _("Für %(left)s sind %(kept)s Namen zu viele. Bitte kreuzen Sie an, wer nicht kommt.")
                    % {"left": seats_text(booking.seats - seats), "kept": len(names)},
                    field="absent",
                )
            booking.seats -= seats
            booking.participant_names = "\n".join(names)
            booking.save(update_fields=["seats", "participant_names"])
            transaction.on_commit(lambda: emails.send_reduced(booking, seats, base_url=base_url))
            promote_locked_session(session, base_url=base_url)
            return booking
        freed = booking.status == Booking.Status.CONFIRMED
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
        transaction.on_commit(lambda: emails.send_cancelled(booking, base_url=base_url))
        if freed:
            promote_locked_session(session, base_url=base_url)
    return booking


def promote_waiting_list(session_id: int, *, base_url: str | None = None) -> list[Booking]:
    """Give free seats to the waiting list in order, in a transaction of its own (say, after staff raised the capacity)."""
    with date_transaction():
        return promote_locked_session(lock_session(session_id), base_url=base_url)


def promote_locked_session(session: WorkshopSession, *, base_url: str | None = None) -> list[Booking]:
    """Promote inside the caller's transaction, which already holds the date's lock; whoever needs more seats than are free keeps their place."""
    now = timezone.now()
    if session.is_cancelled or session.start <= now:
        return []
    free = session.capacity - _seats(session.bookings.filter(seat_taking_q(now)))
    promoted = []
    for waiting in session.bookings.select_for_update().filter(queue_q(now)).order_by("created_at", "id"):
        if free <= 0:
            break
        if waiting.seats <= free and waiting.status == Booking.Status.PENDING:
            # Its turn, but nobody confirmed the address yet: it holds the seats until it is confirmed or lapses.
            waiting.queued = False
            waiting.save(update_fields=["queued"])
            free -= waiting.seats
        elif waiting.seats <= free:
            waiting.status = Booking.Status.CONFIRMED
            waiting.confirmed_at = now
            waiting.save(update_fields=["status", "confirmed_at"])
            free -= waiting.seats
            promoted.append(waiting)
    for booking in promoted:
        transaction.on_commit(lambda booking=booking: emails.send_promoted(booking, base_url=base_url))
    return promoted


def cancel_session(session_id: int, *, base_url: str | None = None) -> list[Booking]:
    """Staff call a date off: every booking is released; confirmed and waiting ones are told by email."""
    with date_transaction():
        session = lock_session(session_id)
        if session.is_cancelled:
            return []
        now = timezone.now()
        session.cancelled_at = now
        session.save(update_fields=["cancelled_at"])
        released = list(session.bookings.select_for_update().filter(status__in=(*ACTIVE, Booking.Status.PENDING)))
        affected = [booking for booking in released if booking.status in ACTIVE]
        for booking in released:
            booking.status = Booking.Status.SESSION_CANCELLED
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at"])
        # Unconfirmed addresses get no mail: nobody has shown they belong to the school.
        for booking in affected:
            transaction.on_commit(lambda booking=booking: emails.send_session_cancelled(booking, base_url=base_url))
    return affected


def _check_open(session: WorkshopSession, now) -> None:
    state = session.booking_state(now)
    if state == "cancelled":
        raise BookingRefused(_("Dieser Termin wurde abgesagt."), code="closed")
    if state == "not_yet":
        opens = timezone.localtime(session.booking_opens)
        raise BookingRefused(
            _("Die Buchung öffnet erst am %(day)s um %(time)s Uhr.")
            % {"day": formats.date_format(opens, "SHORT_DATE_FORMAT"), "time": formats.time_format(opens, "H:i")},
            code="closed",
        )
    if state == "closed":
        raise BookingRefused(_("Für diesen Termin ist die Buchung geschlossen."), code="closed")


def _lapse_session(session_id: int, now, *, base_url: str | None = None) -> int:
    if not Booking.objects.filter(session_id=session_id, status=Booking.Status.PENDING, expires_at__lte=now).exists():
        return 0
    with date_transaction():
        session = lock_session(session_id)
        expired = list(session.bookings.select_for_update().filter(status=Booking.Status.PENDING, expires_at__lte=now))
        _lapse(session, expired, now, base_url=base_url)
    return len(expired)


def _lapse(session: WorkshopSession, bookings: list[Booking], now, *, base_url: str | None = None) -> None:
    """Inside the caller's transaction, with the date locked: the holds end and the waiting list moves up."""
    if not bookings:
        return
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(status=Booking.Status.LAPSED, cancelled_at=now)
    for booking in bookings:
        booking.status, booking.cancelled_at = Booking.Status.LAPSED, now
    promote_locked_session(session, base_url=base_url)


def confirmation_refusal(booking: Booking, now=None) -> str | None:
    """Why following this booking's confirmation link would be refused right now, read without locking; None if it works."""
    return _confirmation_refusal(booking.session, booking, booking.token_nonce, now or timezone.now())


def _confirmation_refusal(session: WorkshopSession, booking: Booking | None, nonce: str, now) -> str | None:
    if booking is None or not nonce or booking.token_nonce != nonce:
        return "unknown"
    if booking.status in (Booking.Status.CONFIRMED, Booking.Status.WAITING):
        return "used"
    if booking.status == Booking.Status.LAPSED:
        return "lapsed"
    if booking.status != Booking.Status.PENDING or session.is_cancelled:
        return "cancelled"
    if session.start <= now:
        return "started"
    if booking.expires_at is None or booking.expires_at <= now:
        return "lapsed"
    return None


def _seats(bookings) -> int:
    return bookings.aggregate(n=Sum("seats", default=0))["n"]


def _full_message(free: int) -> str:
    if free <= 0:
        return _("Dieser Termin ist ausgebucht. Sie können sich auf die Warteliste setzen lassen.")
    return ngettext(
        "Es ist nur noch %(free)s frei. Buchen Sie weniger Plätze oder lassen Sie sich auf die Warteliste setzen.",
        "Es sind nur noch %(free)s frei. Buchen Sie weniger Plätze oder lassen Sie sich auf die Warteliste setzen.",
        free,
    ) % {"free": seats_text(free)}
