"""A school cancels while staff call the same date off: one lock order (the date first), no deadlock, no hang.

Like test_concurrency.py, each thread has its own connection and commits for real,
so PostgreSQL's row locks meet as they do in production; on SQLite the IMMEDIATE
write lock serialises the two paths and the same assertions hold.
"""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from portal.workshops import booking as service
from portal.workshops.models import Booking, Workshop, WorkshopSession
from portal.workshops.tokens import cancel_token

ROUNDS = 25
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def committed_workshop(django_db_setup, django_db_blocker):
    """A workshop committed outside any test transaction, removed again with its dates afterwards."""
    with django_db_blocker.unblock():
        workshop = Workshop.objects.create(title="Sperrfolge", slug="sperrfolge-test", description="x")
        yield workshop
        workshop.delete()
        connections.close_all()


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_lock_and_mail_timeouts_come_from_the_environment(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "MEP_LOCK_TIMEOUT_MS": "1234", "EMAIL_TIMEOUT": "7"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.MEP_LOCK_TIMEOUT_MS, settings.EMAIL_TIMEOUT)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1234", "7.0"]


def _run_at_once(*calls):
    """Start every call at the same moment, each in its own thread and connection; return what went wrong."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except service.CancellationRefused:
            pass  # a clean answer: the date was called off first
        except Exception as exc:  # a deadlock, a lock timeout (nobody should wait that long) or anything else
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_a_school_cancelling_while_staff_call_the_date_off_never_deadlocks(committed_workshop, django_db_blocker):
    with django_db_blocker.unblock():
        for round_ in range(ROUNDS):
            session = WorkshopSession.objects.create(
                workshop=committed_workshop, start=timezone.now() + timedelta(days=7), capacity=2, max_seats_per_school=2
            )
            confirmed = Booking.objects.create(
                session=session, school_id="S001", school_name="Schule A", email="a@schule.example", seats=2,
                status=Booking.Status.CONFIRMED,
            )
            waiting = Booking.objects.create(
                session=session, school_id="S002", school_name="Schule B", email="b@schule.example", seats=1,
                status=Booking.Status.WAITING,
            )
            errors = _run_at_once(
                lambda booking=confirmed: service.cancel_booking(booking.pk, booking.token_nonce),
                lambda date=session: service.cancel_session(date.pk),
            )
            assert errors == [], f"Runde {round_}"
            session.refresh_from_db()
            confirmed.refresh_from_db()
            waiting.refresh_from_db()
            assert session.is_cancelled
            assert confirmed.status in (Booking.Status.CANCELLED, Booking.Status.SESSION_CANCELLED)
            # Promoted before the date was called off, or released with it: never left confirmed on a cancelled date.
            assert waiting.status == Booking.Status.SESSION_CANCELLED


def test_giving_back_some_seats_while_staff_call_the_date_off_never_deadlocks(committed_workshop, django_db_blocker):
    """The partial cancel takes the date's lock first too: racing the call-off, it neither deadlocks nor leaves a seat."""
    with django_db_blocker.unblock():
        for round_ in range(ROUNDS):
            session = WorkshopSession.objects.create(
                workshop=committed_workshop, start=timezone.now() + timedelta(days=7), capacity=2, max_seats_per_school=2
            )
            confirmed = Booking.objects.create(
                session=session, school_id="S001", school_name="Schule A", email="a@schule.example", seats=2,
                status=Booking.Status.CONFIRMED,
            )
            waiting = Booking.objects.create(
                session=session, school_id="S002", school_name="Schule B", email="b@schule.example", seats=1,
                status=Booking.Status.WAITING,
            )
            errors = _run_at_once(
                lambda booking=confirmed: service.cancel_booking(booking.pk, booking.token_nonce, seats=1),
                lambda date=session: service.cancel_session(date.pk),
            )
            assert errors == [], f"Runde {round_}"
            session.refresh_from_db()
            confirmed.refresh_from_db()
            waiting.refresh_from_db()
            assert session.is_cancelled
            assert confirmed.status == Booking.Status.SESSION_CANCELLED
            assert waiting.status == Booking.Status.SESSION_CANCELLED


def _short_busy_timeout():
    """SQLite waits its busy timeout (20 s) for the write lock; this thread's connection gives up sooner."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        options = {**connection.settings_dict.get("OPTIONS", {}), "timeout": 0.3}
        connection.settings_dict = {**connection.settings_dict, "OPTIONS": options}


def test_a_date_locked_too_long_gives_a_german_answer_instead_of_a_hang_or_500(committed_workshop, django_db_blocker, settings):
    settings.MEP_LOCK_TIMEOUT_MS = 300
    with django_db_blocker.unblock():
        session = WorkshopSession.objects.create(
            workshop=committed_workshop, start=timezone.now() + timedelta(days=7), capacity=2, max_seats_per_school=2
        )
        booking = Booking.objects.create(
            session=session, school_id="S001", school_name="Schule A", email="a@schule.example", seats=1,
            status=Booking.Status.CONFIRMED,
        )
        locked, release, outcome = threading.Event(), threading.Event(), {}

        def hold_the_date():
            try:
                with transaction.atomic():
                    WorkshopSession.objects.select_for_update().get(pk=session.pk)
                    locked.set()
                    release.wait(timeout=60)
            finally:
                connections.close_all()

        def cancel_meanwhile():
            try:
                _short_busy_timeout()
                outcome["page"] = Client().post(f"/workshops/stornieren/{cancel_token(booking)}/")
                try:
                    service.cancel_session(session.pk)
                except service.DateBusy as busy:
                    outcome["staff"] = busy.message
            finally:
                connections.close_all()

        holder = threading.Thread(target=hold_the_date)
        holder.start()
        assert locked.wait(timeout=30)
        canceller = threading.Thread(target=cancel_meanwhile)
        canceller.start()
        canceller.join(timeout=60)
        release.set()
        holder.join(timeout=60)

        page = outcome["page"]
        assert page.status_code == 503
        assert "Dieser Termin wird gerade bearbeitet. Es wurde nichts geändert" in page.content.decode()
        assert outcome["staff"].startswith("Dieser Termin wird gerade bearbeitet.")
        booking.refresh_from_db()
        session.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED and not session.is_cancelled
