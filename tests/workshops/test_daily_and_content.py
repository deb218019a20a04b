"""The daily commands (reminders, erasure), the demo workshops and where the schools come from."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from portal.workshops import booking as service
from portal.workshops.content import DEFAULT_FILE, load_workshops
from portal.workshops.models import Booking, Workshop, WorkshopSession
from portal.workshops.schools import available_schools
from portal.workshops.tokens import cancel_token

pytestmark = pytest.mark.django_db


def booking(session, school="S001", status=Booking.Status.CONFIRMED, seats=1):
    return Booking.objects.create(
        session=session, school_id=school, school_name=f"Schule {school}", contact_name="Anna Beispiel",
        email=f"{school.lower()}@schule.example", seats=seats, status=status,
    )


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_reminders_go_once_to_confirmed_bookings_of_dates_soon(make_session, settings):
    settings.MEP_WORKSHOP_REMINDER_DAYS = 3
    soon, later = make_session(days=2), make_session(days=9)
    due = booking(soon, "S001")
    booking(soon, "S002", status=Booking.Status.WAITING)
    booking(soon, "S003", status=Booking.Status.CANCELLED)
    booking(later, "S004")
    assert run("send_workshop_reminders").strip() == "Erinnerungen gesendet: 1"
    assert [m.to for m in mail.outbox] == [["s001@schule.example"]]
    assert mail.outbox[0].subject.startswith("Erinnerung an Ihren Workshop")
    assert "/workshops/stornieren/" in mail.outbox[0].body and mail.outbox[0].attachments
    assert run("send_workshop_reminders").strip() == "Erinnerungen gesendet: 0"
    assert len(mail.outbox) == 1
    due.refresh_from_db()
    assert due.reminder_sent_at is not None


def test_no_reminder_for_a_date_called_off(make_session):
    session = make_session(days=1, cancelled_at=timezone.now())
    booking(session)
    assert run("send_workshop_reminders").strip() == "Erinnerungen gesendet: 0" and not mail.outbox


def test_personal_data_is_erased_after_the_configured_days_and_counts_survive(make_session, settings):
    settings.MEP_WORKSHOP_ERASURE_DAYS = 30
    old = make_session(days=-31)
    recent = make_session(days=-29)
    kept = booking(recent, "S001", seats=2)
    erased = [booking(old, "S001", seats=2), booking(old, "S002", seats=1)]
    link = cancel_token(erased[0])
    assert run("erase_workshop_personal_data").strip() == "Buchungen anonymisiert: 2"
    assert run("erase_workshop_personal_data").strip() == "Buchungen anonymisiert: 0"
    for b in erased:
        b.refresh_from_db()
        assert (b.contact_name, b.email, b.token_nonce) == ("", "", "") and b.erased_at is not None
    kept.refresh_from_db()
    assert kept.email == "s001@schule.example"
    per_school = dict(old.bookings.values_list("school_id", "seats"))
    assert per_school == {"S001": 2, "S002": 1}
    assert Booking.objects.filter(school_name="Schule S001").count() == 2
    assert Client().get(f"/workshops/stornieren/{link}/").status_code == 410


def test_erasure_days_come_from_the_setting(make_session, settings):
    settings.MEP_WORKSHOP_ERASURE_DAYS = 5
    booking(make_session(days=-6))
    assert run("erase_workshop_personal_data").strip() == "Buchungen anonymisiert: 1"


def test_the_privacy_notice_states_the_erasure(client, make_session, settings):
    settings.MEP_WORKSHOP_ERASURE_DAYS = 30
    form = client.get(f"/workshops/termine/{make_session().pk}/buchen/").content.decode()
    assert "30 Tage nach dem Termin werden Name und E-Mail-Adresse gelöscht" in form
    legal = client.get("/datenschutz/").content.decode()
    assert "Buchung von Workshops im Medienstudio" in legal and "30</strong> Tage" in legal


def test_demo_workshops_load_once_and_are_labelled_examples(client):
    first = load_workshops(DEFAULT_FILE)
    assert first["Workshops"] >= 3 and first["Termine"] >= 3
    counts = (Workshop.objects.count(), WorkshopSession.objects.count())
    assert not any(load_workshops(DEFAULT_FILE).values())
    assert (Workshop.objects.count(), WorkshopSession.objects.count()) == counts
    assert Workshop.objects.filter(is_example=False).count() == 0
    assert all(s.start > timezone.now() and s.start.weekday() < 5 for s in WorkshopSession.objects.all())
    page = client.get("/workshops/").content.decode()
    assert page.count('<span class="badge">Beispiel</span>') == WorkshopSession.objects.count()
    robotics = Workshop.objects.get(slug="beispiel-robotik-grundschule")
    assert robotics.related_page.slug == "medienstudio" and robotics.topics.filter(slug="robotik").exists()


def test_schools_come_from_the_configured_source(settings):
    assert available_schools() == [
        ("S001", "Grundschule Am Kirchplatz"), ("S002", "Grundschule Lindenweg"), ("S003", "Gymnasium am Park"),
    ]


def test_the_default_source_reads_the_demo_data_set_and_writes_it_once(settings, tmp_path):
    settings.MEP_SCHOOL_SOURCE = "portal.workshops.schools.demo_data_schools"
    settings.MEP_DEMO_DATA_DIR = tmp_path / "demo"
    schools = available_schools()
    assert len(schools) == 80 and (tmp_path / "demo" / "schools.csv").exists()
    assert ("S001", "Beispielschule Grundschule 01") in schools
    (tmp_path / "demo" / "schools.csv").write_text("school_id,name\nX9,Testschule\n", encoding="utf-8")
    assert available_schools() == [("X9", "Testschule")]


def test_a_booking_far_from_its_date_gets_no_reminder_yet(make_session):
    session = make_session(days=20)
    pending = service.book(session.pk, service.BookingRequest("S001", "Schule", "Anna", "a@schule.example", 1))
    assert run("send_workshop_reminders", "--days", "21").strip() == "Erinnerungen gesendet: 0"  # not confirmed yet
    service.confirm_booking(pending.pk, pending.token_nonce)
    assert run("send_workshop_reminders", "--days", "3").strip() == "Erinnerungen gesendet: 0"
    assert run("send_workshop_reminders", "--days", "21").strip() == "Erinnerungen gesendet: 1"
