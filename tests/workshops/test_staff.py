"""The Medienzentrum in the Wagtail admin: bookings and waiting list per date, CSV, calling a date off."""

import csv
import io

import pytest
from django.core import mail

from portal.workshops.attendees import neutralise
from portal.workshops.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(make_session):
    session = make_session(capacity=2, per_school=2)
    Booking.objects.create(session=session, school_id="S001", school_name="=HYPERLINK(\"http://x\")", contact_name="+Anna",
                           email="anna@schule.example", seats=2, status=Booking.Status.CONFIRMED)
    Booking.objects.create(session=session, school_id="S002", school_name="Grundschule Lindenweg", contact_name="@Bea",
                           email="bea@schule.example", seats=1, status=Booking.Status.WAITING)
    Booking.objects.create(session=session, school_id="S003", school_name="Gymnasium am Park", contact_name="-Cem",
                           email="cem@schule.example", seats=1, status=Booking.Status.WAITING)
    return session


def test_staff_see_dates_with_seat_counts_and_the_bookings_per_date(client, staff, booked):
    client.force_login(staff)
    dates = client.get("/admin/snippets/workshops/workshopsession/")
    assert dates.status_code == 200
    text = dates.content.decode()
    assert "Lernroboter im Test" in text and "Teilnehmerliste (CSV)" in text and "Termin absagen" in text
    bookings = client.get(f"/admin/snippets/workshops/booking/?session={booked.pk}&status=waiting")
    assert bookings.status_code == 200
    page = bookings.content.decode()
    assert "Grundschule Lindenweg" in page and "Gymnasium am Park" in page and "HYPERLINK" not in page


def test_the_attendee_csv_neutralises_formula_cells(client, staff, booked):
    client.force_login(staff)
    response = client.get(f"/admin/workshops/termine/{booked.pk}/teilnehmerliste.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Status", "Position Warteliste", "Schule"]
    by_school_id = {row[3]: row for row in rows[1:]}
    assert by_school_id["S001"][2] == "'=HYPERLINK(\"http://x\")" and by_school_id["S001"][4] == "'+Anna"
    assert by_school_id["S002"][4] == "'@Bea" and by_school_id["S003"][4] == "'-Cem"
    assert [by_school_id[s][1] for s in ("S001", "S002", "S003")] == ["", "1", "2"]
    assert [neutralise(v) for v in ("Anna", "", 3, "\tx")] == ["Anna", "", "3", "'\tx"]


def test_people_outside_the_medienzentrum_get_no_attendee_list(client, editor, booked):
    client.force_login(editor)
    # Wagtail answers a refused permission in the admin with a redirect to the dashboard.
    for response in (
        client.get(f"/admin/workshops/termine/{booked.pk}/teilnehmerliste.csv"),
        client.post(f"/admin/workshops/termine/{booked.pk}/absagen/"),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert b"anna@schule.example" not in response.content
    booked.refresh_from_db()
    assert not booked.is_cancelled


def test_staff_call_a_date_off_and_everyone_booked_is_told(client, staff, booked, django_capture_on_commit_callbacks):
    client.force_login(staff)
    confirm = client.get(f"/admin/workshops/termine/{booked.pk}/absagen/")
    assert confirm.status_code == 200 and "(3)" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/workshops/termine/{booked.pk}/absagen/")
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@schule.example", "bea@schule.example", "cem@schule.example"]
    assert all(m.subject.startswith("Termin abgesagt") for m in mail.outbox)
    assert client.get(f"/workshops/termine/{booked.pk}/").content.decode().count("Dieser Termin wurde abgesagt.") == 1


def test_staff_add_a_date_in_the_admin_and_the_end_follows_the_duration(client, staff, robotics):
    client.force_login(staff)
    response = client.post("/admin/snippets/workshops/workshopsession/add/", {
        "workshop": robotics.pk, "start": "2030-03-04 14:30", "end": "",
        "capacity": "12", "max_seats_per_school": "2", "booking_opens": "", "booking_closes": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    session = robotics.sessions.get()
    assert (session.end - session.start).total_seconds() == robotics.duration_minutes * 60
    assert session.capacity == 12


def test_a_date_cannot_give_one_school_more_seats_than_it_has(client, staff, robotics):
    client.force_login(staff)
    response = client.post("/admin/snippets/workshops/workshopsession/add/", {
        "workshop": robotics.pk, "start": "2030-03-04 14:30", "end": "",
        "capacity": "2", "max_seats_per_school": "3", "booking_opens": "", "booking_closes": "",
    })
    assert response.status_code == 200
    assert "Eine Schule kann nicht mehr Plätze nehmen, als es gibt." in response.content.decode()
    assert not robotics.sessions.exists()


def test_staff_cancel_a_booking_for_a_school_and_the_waiting_list_moves_up(client, staff, booked, django_capture_on_commit_callbacks):
    client.force_login(staff)
    confirmed = booked.bookings.get(school_id="S001")
    listing = client.get(f"/admin/snippets/workshops/booking/?session={booked.pk}").content.decode()
    assert f"/admin/workshops/buchungen/{confirmed.pk}/stornieren/" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/workshops/buchungen/{confirmed.pk}/stornieren/")
    assert response.status_code == 302
    statuses = dict(booked.bookings.values_list("school_id", "status"))
    assert statuses == {"S001": "cancelled", "S002": "confirmed", "S003": "confirmed"}  # 2 seats freed, 1 + 1 waiting
    assert {m.to[0] for m in mail.outbox} == {"anna@schule.example", "bea@schule.example", "cem@schule.example"}


def test_staff_cannot_add_bookings_or_change_seats_past_the_rules(client, staff, booked):
    client.force_login(staff)
    assert client.get("/admin/snippets/workshops/booking/add/").status_code in (302, 403)
    booking = booked.bookings.get(school_id="S002")
    edit = client.get(f"/admin/snippets/workshops/booking/edit/{booking.pk}/").content.decode()
    assert 'name="email"' in edit and 'name="seats"' not in edit and 'name="status"' not in edit


def test_staff_see_pending_bookings_apart_and_the_attendee_list_leaves_them_out(client, staff, booked):
    from portal.workshops import booking as service

    pending = service.book(booked.pk, service.BookingRequest("S009", "Realschule Mitte", "Dora", "dora@schule.example", 1, join_waitlist=True))
    client.force_login(staff)
    listing = client.get(f"/admin/snippets/workshops/booking/?session={booked.pk}").content.decode()
    assert "wartet auf Bestätigung (Warteliste)" in listing
    only_pending = client.get(f"/admin/snippets/workshops/booking/?session={booked.pk}&status=pending").content.decode()
    assert "Realschule Mitte" in only_pending and "Gymnasium am Park" not in only_pending
    dates = client.get("/admin/snippets/workshops/workshopsession/").content.decode()
    assert "Unbestätigt gehaltene Plätze" in dates
    rows = list(csv.reader(io.StringIO(client.get(f"/admin/workshops/termine/{booked.pk}/teilnehmerliste.csv").content.decode("utf-8-sig")), delimiter=";"))
    assert "S009" not in {row[3] for row in rows[1:]} and len(rows) == 4
    assert pending.waiting_position() == 3


def test_staff_keep_a_schools_mail_domains_in_the_admin(client, staff):
    from portal.workshops.models import SchoolEmailDomains

    client.force_login(staff)
    add = "/admin/snippets/workshops/schoolemaildomains/add/"
    assert client.get(add).status_code == 200
    bad = client.post(add, {"school_id": "S001", "domains": "gs-kirchplatz.bochum.de\nkein domain"})
    assert bad.status_code == 200 and "Keine gültige Domain: kein, domain" in bad.content.decode()
    unknown = client.post(add, {"school_id": "X999", "domains": "schule.de"})
    assert "Diese Schulnummer steht nicht in der Liste der Schulen" in unknown.content.decode()
    assert not SchoolEmailDomains.objects.exists()
    assert client.post(add, {"school_id": "S001", "domains": "@GS-Kirchplatz.Bochum.de, schule.example.org"}).status_code == 302
    assert SchoolEmailDomains.objects.get().domain_list() == ["gs-kirchplatz.bochum.de", "schule.example.org"]
    listing = client.get("/admin/snippets/workshops/schoolemaildomains/").content.decode()
    assert "Grundschule Am Kirchplatz" in listing
