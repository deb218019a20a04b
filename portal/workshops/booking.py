"""Booking seats: the rules that must hold when many schools book at once.

Locking follows pretix (doc/development/implementation/locking.rst): each
service opens its own durable transaction (``date_transaction``), locks the
date's row first -- in every path, so two paths never wait on each other in
opposite order -- and only then reads or locks its bookings, checks, and writes.
On PostgreSQL a lock that is not granted within ``MEP_LOCK_TIMEOUT_MS`` fails
fast; on SQLite (IMMEDIATE transactions) the connection's busy timeout does the
same. Either way the caller gets ``DateBusy`` with a German message, not a 500.
Emails leave only after the transaction committed.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .models import Booking, WorkshopSession, seats_text

ACTIVE = (Booking.Status.CONFIRMED, Booking.Status.WAITING)


@dataclass
class BookingRequest:
    school_id: str
    school_name: str
    contact_name: str
    email: str
    seats: int
    join_waitlist: bool = False


class BookingRefused(Exception):
    """A booking that the rules do not allow; ``message`` is German and meant for the person booking."""

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


def lock_session(session_id: int) -> WorkshopSession:
    """Lock a date's row: the first lock in every path that changes the date's seats."""
    return WorkshopSession.objects.select_for_update().get(pk=session_id)


def book(session_id: int, request: BookingRequest, *, base_url: str | None = None) -> Booking:
    """Confirm the seats while enough remain, else put the school on the waiting list if it asked to."""
    if request.seats < 1:
        raise BookingRefused("Bitte buchen Sie mindestens einen Platz.", field="seats")
    with date_transaction():
        session = lock_session(session_id)
        now = timezone.now()
        _check_open(session, now)
        if request.seats > session.max_seats_per_school:
            raise BookingRefused(
                f"Eine Schule kann für diesen Termin höchstens {session.max_seats_per_school} Plätze buchen.",
                field="seats",
            )
        held = _seats(session.bookings.filter(school_id=request.school_id, status__in=ACTIVE))
        if held + request.seats > session.max_seats_per_school:
            raise BookingRefused(
                f"Ihre Schule hat für diesen Termin schon {seats_text(held)} gebucht oder auf der Warteliste; "
                f"je Schule sind höchstens {session.max_seats_per_school} möglich.",
                field="seats",
            )
        free = session.capacity - _seats(session.bookings.filter(status=Booking.Status.CONFIRMED))
        if request.seats <= free:
            status = Booking.Status.CONFIRMED
        elif request.join_waitlist:
            status = Booking.Status.WAITING
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
            seats=request.seats,
            status=status,
            created_at=now,
            confirmed_at=now if status == Booking.Status.CONFIRMED else None,
        )
        transaction.on_commit(lambda: emails.send_booking_received(booking, base_url=base_url))
    return booking


def cancel_booking(booking_id: int, nonce: str, *, base_url: str | None = None) -> Booking:
    """Cancel once; freed seats go to the waiting list in order."""
    # The date is locked before the booking (one lock order everywhere), so find it without locking.
    session_id = Booking.objects.filter(pk=booking_id).values_list("session_id", flat=True).first()
    if session_id is None:
        raise CancellationRefused()
    with date_transaction():
        session = lock_session(session_id)
        booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None or not nonce or booking.token_nonce != nonce or booking.status not in ACTIVE:
            raise CancellationRefused()
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
    free = session.capacity - _seats(session.bookings.filter(status=Booking.Status.CONFIRMED))
    promoted = []
    for waiting in session.bookings.select_for_update().filter(status=Booking.Status.WAITING).order_by("created_at", "id"):
        if free <= 0:
            break
        if waiting.seats <= free:
            waiting.status = Booking.Status.CONFIRMED
            waiting.confirmed_at = now
            waiting.save(update_fields=["status", "confirmed_at"])
            free -= waiting.seats
            promoted.append(waiting)
    for booking in promoted:
        transaction.on_commit(lambda booking=booking: emails.send_promoted(booking, base_url=base_url))
    return promoted


def cancel_session(session_id: int, *, base_url: str | None = None) -> list[Booking]:
    """Staff call a date off: every confirmed and waiting booking is released and told by email."""
    with date_transaction():
        session = lock_session(session_id)
        if session.is_cancelled:
            return []
        now = timezone.now()
        session.cancelled_at = now
        session.save(update_fields=["cancelled_at"])
        affected = list(session.bookings.select_for_update().filter(status__in=ACTIVE))
        for booking in affected:
            booking.status = Booking.Status.SESSION_CANCELLED
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at"])
            transaction.on_commit(lambda booking=booking: emails.send_session_cancelled(booking, base_url=base_url))
    return affected


def _check_open(session: WorkshopSession, now) -> None:
    state = session.booking_state(now)
    if state == "cancelled":
        raise BookingRefused("Dieser Termin wurde abgesagt.", code="closed")
    if state == "not_yet":
        opens = timezone.localtime(session.booking_opens)
        raise BookingRefused(f"Die Buchung öffnet erst am {opens:%d.%m.%Y um %H:%M} Uhr.", code="closed")
    if state == "closed":
        raise BookingRefused("Für diesen Termin ist die Buchung geschlossen.", code="closed")


def _seats(bookings) -> int:
    return bookings.aggregate(n=Sum("seats", default=0))["n"]


def _full_message(free: int) -> str:
    if free <= 0:
        return "Dieser Termin ist ausgebucht. Sie können sich auf die Warteliste setzen lassen."
    return (
        f"Es sind nur noch {seats_text(free)} frei. Buchen Sie weniger Plätze "
        "oder lassen Sie sich auf die Warteliste setzen."
    )
