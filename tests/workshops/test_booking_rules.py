"""The booking service: seats, waiting list in order, one-time cancellation, calling a date off.

Bookings here are confirmed by their e-mail link right away (``book``); the
pending state itself is pinned in test_double_opt_in.py.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.workshops import booking as service
from portal.workshops.models import Booking
from portal.workshops.tokens import read_cancel_token

pytestmark = pytest.mark.django_db(transaction=False)


def request(school="S001", seats=1, waitlist=False, email=None):
    return service.BookingRequest(
        school_id=school, school_name=f"Schule {school}", contact_name=f"Kontakt {school}",
        email=email or f"{school.lower()}@schule.example", seats=seats, join_waitlist=waitlist,
    )


def book(session, *args, **kwargs):
    """Book and follow the confirmation link, as a school that reads its mail does."""
    pending = service.book(session.pk, request(*args, **kwargs))
    return service.confirm_booking(pending.pk, pending.token_nonce)


def test_booking_is_confirmed_while_seats_remain(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=4)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(session, "S001", 2)
    assert booking.status == Booking.Status.CONFIRMED
    assert session.free_seats() == 2
    assert [m.to for m in mail.outbox] == [["s001@schule.example"]] * 2
    assert mail.outbox[0].subject.startswith("Bitte bestätigen Sie Ihre Buchung")
    assert mail.outbox[1].subject.startswith("Buchung bestätigt")


def test_full_date_refuses_unless_the_school_joins_the_waiting_list(make_session):
    session = make_session(capacity=2)
    book(session, "S001", 2)
    with pytest.raises(service.BookingRefused) as refused:
        book(session, "S002", 1)
    assert refused.value.code == "full" and refused.value.field == "seats"
    assert "ausgebucht" in refused.value.message
    waiting = book(session, "S002", 1, waitlist=True)
    assert waiting.status == Booking.Status.WAITING and waiting.waiting_position() == 1
    assert session.confirmed_seat_count() == 2


def test_request_larger_than_the_seats_left_says_how_many_are_left(make_session):
    session = make_session(capacity=3, per_school=2)
    book(session, "S001", 2)
    with pytest.raises(service.BookingRefused) as refused:
        book(session, "S002", 2)
    assert "nur noch 1 Platz frei" in refused.value.message


def test_a_school_cannot_take_more_than_its_share_across_bookings(make_session):
    session = make_session(capacity=10, per_school=2)
    book(session, "S001", 1)
    with pytest.raises(service.BookingRefused) as refused:
        book(session, "S001", 2)
    assert "höchstens 2" in refused.value.message and "schon 1 Platz" in refused.value.message
    with pytest.raises(service.BookingRefused):
        book(session, "S002", 3)
    assert book(session, "S001", 1).status == Booking.Status.CONFIRMED


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"booking_opens": timezone.now() + timedelta(days=1)}, "öffnet erst"),
        ({"booking_closes": timezone.now() - timedelta(minutes=1)}, "geschlossen"),
        ({"cancelled_at": timezone.now()}, "abgesagt"),
    ],
)
def test_booking_outside_the_booking_window_is_refused(make_session, extra, expected):
    session = make_session(**extra)
    with pytest.raises(service.BookingRefused) as refused:
        book(session, "S001", 1)
    assert expected in refused.value.message and refused.value.code == "closed"
    assert not session.bookings.exists()


def test_cancelling_gives_the_seats_to_the_waiting_list_in_order(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=2, per_school=2)
    first = book(session, "S001", 2)
    second = book(session, "S002", 1, waitlist=True)
    third = book(session, "S003", 1, waitlist=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.cancel_booking(first.pk, first.token_nonce)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == third.status == Booking.Status.CONFIRMED
    subjects = sorted(m.subject.split(":")[0] for m in mail.outbox)
    assert subjects == [
        "Buchung storniert",
        "Ein Platz ist frei geworden – Ihre Buchung ist bestätigt",
        "Ein Platz ist frei geworden – Ihre Buchung ist bestätigt",
    ]
    promoted_to = {m.to[0] for m in mail.outbox if m.subject.startswith("Ein Platz")}
    assert promoted_to == {"s002@schule.example", "s003@schule.example"}
    assert all(m.attachments[0][0] == "workshop.ics" for m in mail.outbox if m.subject.startswith("Ein Platz"))


def test_the_waiting_list_is_served_in_order_and_a_larger_request_keeps_its_place(make_session):
    session = make_session(capacity=3, per_school=2)
    a = book(session, "S001", 2)
    book(session, "S002", 1)
    big = book(session, "S003", 2, waitlist=True)
    small = book(session, "S004", 1, waitlist=True)
    later = book(session, "S005", 1, waitlist=True)
    service.cancel_booking(a.pk, a.token_nonce)  # frees 2: the first in line takes both
    big.refresh_from_db(), small.refresh_from_db(), later.refresh_from_db()
    assert big.status == Booking.Status.CONFIRMED
    assert small.status == later.status == Booking.Status.WAITING
    assert small.waiting_position() == 1 and later.waiting_position() == 2


def test_a_cancellation_link_works_once(make_session):
    session = make_session(capacity=2)
    booking = book(session, "S001", 1)
    service.cancel_booking(booking.pk, booking.token_nonce)
    with pytest.raises(service.CancellationRefused):
        service.cancel_booking(booking.pk, booking.token_nonce)
    with pytest.raises(service.CancellationRefused):
        service.cancel_booking(booking.pk, "guessed")
    assert read_cancel_token("not-a-token") is None
    assert session.confirmed_seat_count() == 0


def test_calling_a_date_off_notifies_everyone_booked_and_waiting(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=1, per_school=1)
    book(session, "S001", 1)
    book(session, "S002", 1, waitlist=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notified = service.cancel_session(session.pk)
    assert len(notified) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["s001@schule.example", "s002@schule.example"]
    assert all(m.subject.startswith("Termin abgesagt") for m in mail.outbox)
    ics = mail.outbox[0].attachments[0][1]
    assert "STATUS:CANCELLED" in (ics.decode() if isinstance(ics, bytes) else ics)
    assert set(session.bookings.values_list("status", flat=True)) == {Booking.Status.SESSION_CANCELLED}
    assert service.cancel_session(session.pk) == []
