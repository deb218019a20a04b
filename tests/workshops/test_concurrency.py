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


def test_concurrent_bookings_never_overbook(committed_session, django_db_blocker):
    barrier = threading.Barrier(REQUESTS)
    outcomes, errors = [None] * REQUESTS, []

    def book(i):
        try:
            barrier.wait(timeout=30)
            request = service.BookingRequest(
                school_id=f"K{i:03d}", school_name=f"Schule {i}", contact_name="Test", email=f"k{i}@schule.example",
                seats=1, join_waitlist=i % 2 == 0,
            )
            try:
                outcomes[i] = service.book(committed_session.pk, request).status
            except service.BookingRefused as refused:
                outcomes[i] = refused.code
        except Exception as exc:  # anything else is an unclean answer
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=book, args=(i,)) for i in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert errors == []
        assert committed_session.confirmed_seat_count() == CAPACITY
        confirmed = outcomes.count(Booking.Status.CONFIRMED)
        waiting = outcomes.count(Booking.Status.WAITING)
        full = outcomes.count("full")
        assert confirmed == CAPACITY and confirmed + waiting + full == REQUESTS
        asked_for_waitlist = [i for i in range(REQUESTS) if i % 2 == 0]
        assert waiting == sum(outcomes[i] == Booking.Status.WAITING for i in asked_for_waitlist)
        assert all(outcomes[i] != Booking.Status.WAITING for i in range(REQUESTS) if i % 2)
        assert committed_session.bookings.count() == confirmed + waiting
        positions = [b.waiting_position() for b in committed_session.bookings.filter(status=Booking.Status.WAITING)]
        assert sorted(positions) == list(range(1, waiting + 1))
