"""Personal data leaves early, and the portal itself runs its daily housekeeping and shows it in the admin."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.signals import task_enqueued

from portal.workshops import booking as service
from portal.workshops import retention, schedule, tasks
from portal.workshops.housekeeping import run_housekeeping
from portal.workshops.models import Booking, HousekeepingRun

pytestmark = pytest.mark.django_db

A_YEAR = 365


def booking(session, school="S001", status="confirmed", cancelled_at=None, seats=1):
    return Booking.objects.create(
        session=session, school_id=school, school_name=f"Schule {school}", contact_name="Anna Beispiel",
        email=f"{school.lower()}@schule.example", seats=seats, status=status, cancelled_at=cancelled_at,
    )


def is_erased(b) -> bool:
    b.refresh_from_db()
    return (b.contact_name, b.email, b.token_nonce) == ("", "", "") and b.erased_at is not None


@pytest.fixture(autouse=True)
def fresh_gate():
    schedule.reset()
    yield
    schedule.reset()


@pytest.fixture
def enqueued():
    """Every housekeeping task that gets enqueued, whichever backend runs it."""
    seen = []

    def count(sender, task_result, **kwargs):
        if task_result.task.func is tasks.workshop_housekeeping.func:
            seen.append(task_result)

    task_enqueued.connect(count, weak=False)
    yield seen
    task_enqueued.disconnect(count)


# -- erasure -----------------------------------------------------------------


def test_a_cancelled_booking_for_a_date_a_year_away_is_erased_after_seven_days_not_before(make_session, settings):
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 7
    cancelled_at = timezone.now()
    cancelled = booking(make_session(days=A_YEAR), "S001", status="cancelled", cancelled_at=cancelled_at, seats=2)
    assert retention.erase_personal_data(now=cancelled_at + timedelta(days=7, minutes=-1)) == 0
    assert not is_erased(cancelled)
    assert retention.erase_personal_data(now=cancelled_at + timedelta(days=7, minutes=1)) == 1
    assert is_erased(cancelled)
    assert (cancelled.school_id, cancelled.school_name, cancelled.seats) == ("S001", "Schule S001", 2)


def test_a_lapsed_booking_is_erased_seven_days_after_it_lapsed(make_session, settings):
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 7
    lapsed_at = timezone.now()
    lapsed = booking(make_session(days=A_YEAR), status="lapsed", cancelled_at=lapsed_at)
    assert retention.erase_personal_data(now=lapsed_at + timedelta(days=6)) == 0 and not is_erased(lapsed)
    assert retention.erase_personal_data(now=lapsed_at + timedelta(days=8)) == 1 and is_erased(lapsed)


def test_bookings_of_a_date_called_off_are_erased_seven_days_after_the_call(make_session, settings):
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 7
    session = make_session(days=A_YEAR)
    confirmed, waiting = booking(session, "S001"), booking(session, "S002", status="waiting")
    service.cancel_session(session.pk)
    assert retention.erase_personal_data(now=timezone.now() + timedelta(days=8)) == 2
    assert is_erased(confirmed) and is_erased(waiting)


def test_confirmed_and_waiting_bookings_keep_the_thirty_days_after_the_date(make_session, settings):
    settings.MEP_WORKSHOP_ERASURE_DAYS = 30
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 7
    far = make_session(days=A_YEAR)
    kept = [booking(far, "S001"), booking(far, "S002", status="waiting")]
    past = make_session(days=-31)
    gone = booking(past, "S001", seats=2)
    assert retention.erase_personal_data(now=timezone.now() + timedelta(days=8)) == 1
    assert not any(is_erased(b) for b in kept)
    assert is_erased(gone) and dict(past.bookings.values_list("school_id", "seats")) == {"S001": 2}


def test_the_erasure_command_takes_the_inactive_days(make_session):
    cancelled = booking(make_session(days=A_YEAR), status="cancelled", cancelled_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("erase_workshop_personal_data", "--inactive-days", "2", stdout=out)
    assert out.getvalue().strip() == "Buchungen anonymisiert: 1" and is_erased(cancelled)


def test_the_privacy_notices_state_both_periods_from_the_settings(
    client, make_session, settings, django_capture_on_commit_callbacks
):
    settings.MEP_WORKSHOP_ERASURE_DAYS = 21
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 5
    legal = client.get("/datenschutz/").content.decode()
    assert "<strong>21</strong> Tage nach dem Workshop-Termin" in legal
    assert "<strong>5</strong> Tage nach der Stornierung" in legal and "{MEP_" not in legal
    session = make_session()
    form = client.get(f"/workshops/termine/{session.pk}/buchen/").content.decode()
    assert "21 Tage nach dem Termin" in form and "schon 5 Tage danach" in form
    with django_capture_on_commit_callbacks(execute=True):
        service.book(session.pk, service.BookingRequest("S001", "Schule", "Anna", "a@schule.example", 1))
    assert "21 Tage nach dem Termin gelöscht" in mail.outbox[-1].body and "schon 5 Tage danach" in mail.outbox[-1].body


# -- one run -------------------------------------------------------------------


def test_a_run_lapses_erases_reminds_and_is_recorded(make_session, monkeypatch, settings):
    settings.MEP_WORKSHOP_REMINDER_DAYS = 3
    swept = []
    # The double opt-in's sweep (portal.workshops.booking.lapse_expired_bookings), stood in for here.
    monkeypatch.setattr(service, "lapse_expired_bookings", lambda now=None: swept.append(now) or 2, raising=False)
    cancelled = booking(make_session(days=A_YEAR), "S001", status="cancelled", cancelled_at=timezone.now() - timedelta(days=8))
    booking(make_session(days=2), "S002")
    run = run_housekeeping()
    assert (run.trigger, run.lapsed, run.erased, run.reminders, run.error) == ("command", 2, 1, 1, "")
    assert run.started_at and run.finished_at and len(swept) == 1 and swept[0] is not None
    assert is_erased(cancelled) and [m.to for m in mail.outbox] == [["s002@schule.example"]]


def test_a_failing_step_does_not_stop_the_others_and_its_message_is_not_stored(make_session, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("anna@schule.example refused")

    monkeypatch.setattr(retention, "erase_personal_data", broken)
    booking(make_session(days=2))
    run = run_housekeeping()
    assert run.error == "Personendaten löschen: RuntimeError" and run.reminders == 1 and run.finished_at


def test_the_command_runs_housekeeping_and_fails_loudly(make_session, monkeypatch):
    booking(make_session(days=A_YEAR), status="cancelled", cancelled_at=timezone.now() - timedelta(days=8))
    out = StringIO()
    call_command("run_housekeeping", stdout=out)
    assert out.getvalue().strip() == "Verfallen: 0, Personendaten gelöscht: 1, Erinnerungen gesendet: 0"
    assert HousekeepingRun.objects.get().trigger == HousekeepingRun.Trigger.COMMAND
    monkeypatch.setattr(retention, "erase_personal_data", lambda **kw: 1 / 0)
    with pytest.raises(CommandError, match="Personendaten löschen: ZeroDivisionError"):
        call_command("run_housekeeping", stdout=StringIO())


# -- started by traffic --------------------------------------------------------


def at(monkeypatch, moment):
    monkeypatch.setattr(schedule, "clock", lambda: moment)


def test_traffic_enqueues_one_run_per_interval_not_per_request(
    client, make_session, monkeypatch, settings, enqueued, django_assert_num_queries
):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 60
    cancelled = booking(make_session(days=A_YEAR), status="cancelled", cancelled_at=timezone.now() - timedelta(days=8))
    ten_past = datetime(2026, 11, 26, 10, 10, tzinfo=UTC)
    at(monkeypatch, ten_past)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert len(enqueued) == 1
    with django_assert_num_queries(0):  # once claimed, a request costs no query
        schedule.on_request_finished(sender=None)
    run = HousekeepingRun.objects.get()
    assert run.trigger == "traffic" and run.interval_start == ten_past.replace(minute=0)
    assert run.finished_at and run.erased == 1 and is_erased(cancelled)
    schedule.reset()  # another worker process, same interval: the database says it is taken
    at(monkeypatch, ten_past + timedelta(minutes=40))
    client.get("/workshops/")
    assert len(enqueued) == 1 and HousekeepingRun.objects.count() == 1
    at(monkeypatch, ten_past + timedelta(minutes=55))  # the next interval
    client.get("/healthz")
    client.get("/healthz")
    assert len(enqueued) == 2 and HousekeepingRun.objects.count() == 2


def test_in_production_the_db_worker_runs_what_traffic_enqueued(client, make_session, settings, monkeypatch):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 60
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    cancelled = booking(make_session(days=A_YEAR), status="cancelled", cancelled_at=timezone.now() - timedelta(days=8))
    client.get("/healthz")
    run = HousekeepingRun.objects.get()
    assert run.started_at is None and not is_erased(cancelled)  # the page only enqueued it
    # The worker's connection hygiene would close the test's transaction.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
    run.refresh_from_db()
    assert run.finished_at and run.erased == 1 and run.error == "" and is_erased(cancelled)


def test_a_failing_housekeeping_run_never_breaks_a_page(client, make_session, monkeypatch, settings):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 60
    monkeypatch.setattr(retention, "erase_personal_data", lambda **kw: 1 / 0)
    session = make_session()
    response = client.get(f"/workshops/termine/{session.pk}/")
    assert response.status_code == 200 and session.workshop.title in response.content.decode()
    assert HousekeepingRun.objects.get().error == "Personendaten löschen: ZeroDivisionError"


def test_a_run_that_cannot_be_enqueued_never_breaks_a_page(client, monkeypatch, settings):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 60

    class NoQueue:
        def enqueue(self, *args):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "workshop_housekeeping", NoQueue())
    assert client.get("/workshops/").status_code == 200
    assert client.get("/healthz").status_code == 200
    run = HousekeepingRun.objects.get()
    assert run.error == "Einplanen: ConnectionError" and run.started_at is None


def test_traffic_starts_nothing_when_the_interval_is_zero(client, settings, enqueued):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 0
    client.get("/healthz")
    assert enqueued == [] and not HousekeepingRun.objects.exists()


# -- the admin -----------------------------------------------------------------


def test_the_dashboard_shows_the_last_run_to_the_medienzentrum(client, staff, editor, make_session):
    booking(make_session(days=A_YEAR), status="cancelled", cancelled_at=timezone.now() - timedelta(days=8))
    run = run_housekeeping()
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert "Workshop-Datenpflege" in page
    finished = timezone.localtime(run.finished_at)
    assert f"Zuletzt gelaufen: {finished:%d.%m.%Y, %H:%M} Uhr" in page
    assert "Verfallene Buchungen: 0, gelöschte Personendaten: 1, gesendete Erinnerungen: 0." in page
    assert "db_worker" not in page and "Seit über einem Tag" not in page
    client.force_login(editor)
    assert "Workshop-Datenpflege" not in client.get("/admin/").content.decode()


def test_the_dashboard_warns_when_runs_wait_for_the_worker_or_none_ran(admin_client, settings):
    settings.MEP_HOUSEKEEPING_INTERVAL_MINUTES = 60
    page = admin_client.get("/admin/").content.decode()
    assert "Die Datenpflege ist noch nie gelaufen." in page and "Seit über einem Tag kein abgeschlossener Lauf" in page
    HousekeepingRun.objects.create(trigger="traffic", enqueued_at=timezone.now() - timedelta(hours=3))
    page = admin_client.get("/admin/").content.decode()
    assert "wartet auf den Hintergrundprozess" in page and "manage.py db_worker" in page
