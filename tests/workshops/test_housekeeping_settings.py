"""The housekeeping settings, read by a portal started in a subprocess on this run's test database.

No django_db mark: the rows are committed (as in test_concurrency.py) so the subprocess sees them,
and removed again; a transactional test would flush the content pack the session loaded once.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from portal.workshops.models import Booking, HousekeepingRun, Workshop, WorkshopSession

ROOT = Path(__file__).resolve().parent.parent.parent
A_YEAR = 365


def booking(session, school, status, cancelled_at):
    return Booking.objects.create(
        session=session, school_id=school, school_name=f"Schule {school}", contact_name="Anna Beispiel",
        email=f"{school.lower()}@schule.example", seats=1, status=status, cancelled_at=cancelled_at,
    )


def is_erased(b) -> bool:
    b.refresh_from_db()
    return (b.contact_name, b.email) == ("", "") and b.erased_at is not None


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _manage(*args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": _database_url(), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Rows committed for a portal started in a subprocess, removed afterwards."""
    with django_db_blocker.unblock():
        workshop = Workshop.objects.create(title="Datenpflege", slug="datenpflege-test", description="x")
        yield WorkshopSession.objects.create(workshop=workshop, start=timezone.now() + timedelta(days=A_YEAR))
        workshop.delete()
        HousekeepingRun.objects.all().delete()


def test_the_portal_reads_the_inactive_erasure_days_from_the_environment(committed, django_db_blocker):
    with django_db_blocker.unblock():
        four = booking(committed, "S001", status="cancelled", cancelled_at=timezone.now() - timedelta(days=4))
        two = booking(committed, "S002", status="lapsed", cancelled_at=timezone.now() - timedelta(days=2))
        result = _manage("run_housekeeping", MEP_WORKSHOP_INACTIVE_ERASURE_DAYS="3")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Personendaten gelöscht: 1" in result.stdout
        assert is_erased(four) and not is_erased(two)


def test_the_portal_reads_the_housekeeping_interval_from_the_environment(committed, django_db_blocker):
    script = (
        "from django.test import Client; c = Client(); [c.get('/healthz') for _ in range(3)]; "
        "from portal.workshops.models import HousekeepingRun as R; "
        "print('runs', R.objects.filter(trigger='traffic', finished_at__isnull=False).count())"
    )
    with django_db_blocker.unblock():
        result = _manage("shell", "-c", script, MEP_HOUSEKEEPING_INTERVAL_MINUTES="60")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "runs 1" in result.stdout
