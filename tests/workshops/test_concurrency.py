"""Many schools book the last seats of one date at the same moment: never more than the capacity.

Each thread has its own database connection and its own transaction, committed
for real (no test transaction around it), on whatever database the run uses:
SQLite in the first CI run, PostgreSQL in the second (DATABASE_URL).
"""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from portal.workshops import booking as service
from portal.workshops.models import Booking, Workshop, WorkshopSession

REQUESTS = 60
CAPACITY = 20


@pytest.fixture
def committed_session(django_db_setup, django_db_blocker):
    """A date committed outside any test transaction, removed again afterwards."""
    with django_db_blocker.unblock():
        workshop = Workshop.objects.create(title="Ansturm", slug="ansturm-test", description="x")
        session = WorkshopSession.objects.create(
            workshop=workshop, start=timezone.now() + timedelta(days=7), capacity=CAPACITY, max_seats_per_school=2
        )
        yield session
        workshop.delete()
        # This connection may differ from the one pytest-django tears down with (Playwright's
        # greenlets give the test its own context); left open, it blocks dropping the test database.
        connections.close_all()


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_database_is_the_one_ci_asked_for():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def run_at_once(django_db_blocker, work, count):
    """Run ``work(i)`` in ``count`` threads released together; returns the errors (anything but a clean answer)."""
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except Exception as exc:  # anything else is an unclean answer
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    return errors


def test_concurrent_bookings_never_overbook(committed_session, django_db_blocker):
    """Pending holds count against the capacity while they are booked, and again while they are all confirmed at once."""
    outcomes, bookings = [None] * REQUESTS, [None] * REQUESTS

    def book(i):
        request = service.BookingRequest(
            school_id=f"K{i:03d}", school_name=f"Schule {i}", contact_name="Test", email=f"k{i}@schule.example",
            seats=1, join_waitlist=i % 2 == 0,
        )
        try:
            bookings[i] = service.book(committed_session.pk, request)
            outcomes[i] = "queued" if bookings[i].queued else "held"
        except service.BookingRefused as refused:
            outcomes[i] = refused.code

    assert run_at_once(django_db_blocker, book, REQUESTS) == []
    held, queued, full = outcomes.count("held"), outcomes.count("queued"), outcomes.count("full")
    assert held == CAPACITY and held + queued + full == REQUESTS
    assert all(outcomes[i] != "queued" for i in range(REQUESTS) if i % 2)
    with django_db_blocker.unblock():
        assert committed_session.taken_seat_count() == CAPACITY and committed_session.confirmed_seat_count() == 0
        assert set(committed_session.bookings.values_list("status", flat=True)) == {Booking.Status.PENDING}

    booked = [b for b in bookings if b is not None]
    results = [None] * len(booked)

    def confirm(i):
        results[i] = service.confirm_booking(booked[i].pk, booked[i].token_nonce).status

    assert run_at_once(django_db_blocker, confirm, len(booked)) == []
    assert results.count(Booking.Status.CONFIRMED) == CAPACITY and results.count(Booking.Status.WAITING) == queued
    with django_db_blocker.unblock():
        assert committed_session.confirmed_seat_count() == CAPACITY
        assert committed_session.bookings.count() == held + queued
        positions = [b.waiting_position() for b in committed_session.bookings.filter(status=Booking.Status.WAITING)]
        assert sorted(positions) == list(range(1, queued + 1))


def test_sweeping_confirming_and_booking_one_date_at_once_stay_clean(committed_session, django_db_blocker):
    """Every path locks the date first: sweeps, late confirmations and new bookings race without deadlock or overbooking."""
    with django_db_blocker.unblock():
        stale = [
            service.book(committed_session.pk, service.BookingRequest(f"A{i:03d}", f"Alt {i}", "Test", f"a{i}@schule.example", 1))
            for i in range(CAPACITY)
        ]
        Booking.objects.filter(pk__in=[b.pk for b in stale]).update(expires_at=timezone.now() - timedelta(seconds=1))
    refusals, THREADS = [], 30

    def work(i):
        if i % 3 == 0:
            service.lapse_expired_bookings()
        elif i % 3 == 1:
            try:
                service.confirm_booking(stale[i // 3].pk, stale[i // 3].token_nonce)
            except service.ConfirmationRefused as refused:
                refusals.append(refused.reason)
        else:
            service.book(committed_session.pk, service.BookingRequest(f"N{i:03d}", f"Neu {i}", "Test", f"n{i}@schule.example", 1))

    assert run_at_once(django_db_blocker, work, THREADS) == []
    assert refusals == ["lapsed"] * (THREADS // 3)
    with django_db_blocker.unblock():
        assert not committed_session.bookings.filter(status=Booking.Status.CONFIRMED).exists()
        assert committed_session.bookings.filter(status=Booking.Status.PENDING).count() == THREADS // 3
        assert committed_session.bookings.filter(status=Booking.Status.LAPSED).count() == CAPACITY
        assert committed_session.taken_seat_count() == THREADS // 3 <= CAPACITY
