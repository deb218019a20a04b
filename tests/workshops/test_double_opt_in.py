"""Double opt-in: a booking holds its seats only until its e-mail link is followed; links end when the date begins."""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from portal.workshops import booking as service
from portal.workshops.attendees import attendee_rows
from portal.workshops.models import Booking, SchoolEmailDomains, WorkshopSession
from portal.workshops.tokens import cancel_token, confirm_token

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VALID = {"school": "S001", "contact_name": "Anna Beispiel", "email": "anna@schule.example", "seats": "2", "privacy": "on"}
CONFIRM_LINK = re.compile(r"http://testserver(/workshops/bestaetigen/\S+/)")


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def request(school="S001", seats=1, waitlist=False, name=None):
    return service.BookingRequest(
        school_id=school, school_name=f"Schule {school}", contact_name=name or f"Kontakt {school}",
        email=f"{school.lower()}@schule.example", seats=seats, join_waitlist=waitlist,
    )


def expire(*bookings):
    """Let the holds run out: their deadline lies in the past (no clock involved)."""
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(expires_at=timezone.now() - timedelta(seconds=1))


def confirm_link(booking):
    return f"/workshops/bestaetigen/{confirm_token(booking)}/"


def test_a_booking_is_pending_and_holds_its_seats_until_the_link_is_followed(make_session):
    session = make_session(capacity=2)
    pending = service.book(session.pk, request("S001", 2))
    assert (pending.status, pending.queued, pending.confirmed_at) == (Booking.Status.PENDING, False, None)
    assert session.confirmed_seat_count() == 0 and session.free_seats() == 0
    assert WorkshopSession.objects.with_seats().get(pk=session.pk).free_seats() == 0
    with pytest.raises(service.BookingRefused) as refused:
        service.book(session.pk, request("S002", 1))
    assert refused.value.code == "full"
    confirmed = service.confirm_booking(pending.pk, pending.token_nonce)
    assert confirmed.status == Booking.Status.CONFIRMED and confirmed.confirmed_at is not None
    assert session.confirmed_seat_count() == 2


def test_an_unconfirmed_hold_ends_by_itself_and_the_waiting_list_moves_up(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=2, per_school=2)
    never_confirmed = service.book(session.pk, request("S001", 2))
    waiting = service.book(session.pk, request("S002", 1, waitlist=True))
    waiting = service.confirm_booking(waiting.pk, waiting.token_nonce)
    assert waiting.status == Booking.Status.WAITING
    expire(never_confirmed)

    # Read time: the expired hold counts for nothing even though no sweep has run.
    assert session.free_seats() == 2
    assert WorkshopSession.objects.with_seats().get(pk=session.pk).free_seats() == 2
    assert Booking.objects.get(pk=never_confirmed.pk).status == Booking.Status.PENDING

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.lapse_expired_bookings() == 1
    never_confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert never_confirmed.status == Booking.Status.LAPSED and never_confirmed.cancelled_at is not None
    assert waiting.status == Booking.Status.CONFIRMED
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [
        (["s002@schule.example"], "Ein Platz ist frei geworden – Ihre Buchung ist bestätigt")
    ]
    assert service.lapse_expired_bookings() == 0
    other = service.book(session.pk, request("S003", 1))
    assert not other.queued


def test_booking_a_date_lapses_its_expired_holds_first(make_session):
    session = make_session(capacity=2)
    old = service.book(session.pk, request("S001", 2))
    waiting = service.book(session.pk, request("S002", 1, waitlist=True))
    service.confirm_booking(waiting.pk, waiting.token_nonce)
    expire(old)
    service.book(session.pk, request("S003", 1))
    statuses = dict(session.bookings.values_list("school_id", "status"))
    assert statuses == {"S001": "lapsed", "S002": "confirmed", "S003": "pending"}


def test_a_pending_waiting_list_place_keeps_its_turn_and_confirms_to_the_waiting_list(make_session):
    session = make_session(capacity=1, per_school=1)
    first = service.confirm_booking(*_ids(service.book(session.pk, request("S001"))))
    queued = service.book(session.pk, request("S002", waitlist=True))
    later = service.confirm_booking(*_ids(service.book(session.pk, request("S003", waitlist=True))))
    assert (queued.status, queued.queued, queued.waiting_position()) == (Booking.Status.PENDING, True, 1)
    assert later.waiting_position() == 2

    service.cancel_booking(first.pk, first.token_nonce)  # its turn: the pending place now holds the seat
    queued.refresh_from_db(), later.refresh_from_db()
    assert (queued.status, queued.queued) == (Booking.Status.PENDING, False)
    assert later.status == Booking.Status.WAITING and later.waiting_position() == 1
    assert session.free_seats() == 0
    assert service.confirm_booking(queued.pk, queued.token_nonce).status == Booking.Status.CONFIRMED


def test_a_queued_booking_confirms_onto_the_waiting_list(make_session):
    session = make_session(capacity=1, per_school=1)
    service.book(session.pk, request("S001"))
    queued = service.book(session.pk, request("S002", waitlist=True))
    assert service.confirm_booking(queued.pk, queued.token_nonce).status == Booking.Status.WAITING


def _ids(booking):
    return booking.pk, booking.token_nonce


def test_an_invented_address_never_gets_a_confirmed_booking(client, make_session, post):
    session = make_session(capacity=4)
    response = post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, "email": "erfunden@nirgendwo.example"}, follow=True)
    assert html(response).find("h1").get_text() == "Bitte bestätigen Sie Ihre Buchung"
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PENDING and session.confirmed_seat_count() == 0
    assert [row[3] for row in attendee_rows(session)][1:] == []  # staff's list: not an attendee
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Bitte bestätigen Sie Ihre Buchung"]
    expire(booking)
    late = post(confirm_link(booking))
    assert late.status_code == 410
    assert "Die Frist zur Bestätigung ist abgelaufen" in html(late).find(class_="lead").get_text()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.LAPSED and session.confirmed_seat_count() == 0


def test_the_confirmation_link_asks_once_and_works_once(client, make_session, post):
    session = make_session(capacity=4)
    post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    page = client.get(link)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and html(page).find("button", string="Buchung bestätigen")
    assert Booking.objects.get().status == Booking.Status.PENDING
    done = post(link)
    assert done.status_code == 200 and html(done).find("h1").get_text() == "Buchung bestätigt"
    again = post(link)
    assert again.status_code == 410 and html(again).find("h1").get_text() == "Buchung bereits bestätigt"
    assert client.get(link).status_code == 410
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Bitte bestätigen Sie Ihre Buchung", "Buchung bestätigt"]
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert client.get(tampered).status_code == 404
    assert client.get(f"/workshops/bestaetigen/{cancel_token(Booking.objects.get())}/").status_code == 404


def test_an_expired_link_whose_seats_went_to_another_school_does_not_overbook(client, make_session, post):
    session = make_session(capacity=2)
    slow = service.book(session.pk, request("S001", 2))
    expire(slow)
    quick = service.book(session.pk, request("S002", 2))
    service.confirm_booking(quick.pk, quick.token_nonce)
    page = client.get(confirm_link(slow))
    assert page.status_code == 410 and "Die Frist zur Bestätigung ist abgelaufen" in page.content.decode()
    with pytest.raises(service.ConfirmationRefused) as refused:
        service.confirm_booking(slow.pk, slow.token_nonce)
    assert refused.value.reason == "lapsed"
    assert session.confirmed_seat_count() == 2 and session.taken_seat_count() == 2


def test_the_unconfirmed_mail_carries_nothing_the_visitor_typed(make_session, post):
    session = make_session()
    phishing = "Klicken Sie hier http://evil.example"
    post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, "contact_name": phishing})
    (message,) = mail.outbox
    text = message.subject + message.body
    assert "evil.example" not in text and "Klicken Sie hier" not in text and "Anna" not in text
    assert message.body.startswith("Guten Tag,\n") and "Grundschule Am Kirchplatz" in message.body
    assert message.subject == "Bitte bestätigen Sie Ihre Buchung: Lernroboter im Test"
    assert CONFIRM_LINK.search(message.body) and not message.attachments


def test_the_receipt_says_the_link_makes_it_count_and_how_long_that_takes(client, make_session, settings):
    settings.MEP_BOOKING_CONFIRM_MINUTES = 45
    session = make_session()
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", VALID, follow=True)
    text = html(response).find(class_="booking-done").get_text(" ", strip=True)
    assert "Ihre Buchung ist noch nicht gültig. Sie gilt erst, wenn Sie den Link in der E-Mail öffnen" in text
    assert "45 Minuten" in text and "2 Plätze für Grundschule Am Kirchplatz frei" in text
    booking = Booking.objects.get()
    assert booking.expires_at - booking.created_at == timedelta(minutes=45)
    form = html(client.get(f"/workshops/termine/{session.pk}/buchen/")).find(id="confirm-notice").get_text(" ", strip=True)
    assert "Erst wenn Sie die Buchung über diesen Link bestätigen, gilt sie; dafür haben Sie 45 Minuten Zeit." in form


def test_a_hold_never_outlasts_the_start_of_the_date(make_session, settings):
    settings.MEP_BOOKING_CONFIRM_MINUTES = 30
    session = make_session(days=0)
    WorkshopSession.objects.filter(pk=session.pk).update(start=timezone.now() + timedelta(minutes=10))
    booking = service.book(session.pk, request())
    session.refresh_from_db()
    assert booking.expires_at == session.start


@pytest.mark.parametrize("value, ok", [("45", True), ("0", False), ("halbe Stunde", False)])
def test_the_confirm_minutes_come_from_the_environment(value, ok):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.test", "MEP_BOOKING_CONFIRM_MINUTES": value,
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.MEP_BOOKING_CONFIRM_MINUTES)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    if ok:
        assert result.returncode == 0 and result.stdout.split()[-1] == value, result.stderr
    else:
        assert result.returncode != 0
        assert "MEP_BOOKING_CONFIRM_MINUTES muss eine ganze Zahl von Minuten größer als 0 sein" in result.stderr


def test_a_schools_domain_list_refuses_other_addresses_at_the_field(client, make_session):
    SchoolEmailDomains.objects.create(school_id="S001", domains="gs-kirchplatz.bochum.de\nschule.example.org")
    session = make_session(capacity=8)
    url = f"/workshops/termine/{session.pk}/buchen/"
    for address in ("anna@schule.example", "anna@sub.gs-kirchplatz.bochum.de", "anna@bochum.de"):
        response = client.post(url, {**VALID, "email": address})
        assert response.status_code == 422, address
        error = html(response).find(id="id_email_error").get_text(strip=True)
        assert error == ("Für diese Schule nehmen wir nur E-Mail-Adressen mit @gs-kirchplatz.bochum.de oder "
                         "@schule.example.org an. Bitte nutzen Sie Ihre dienstliche Adresse.")
    assert not Booking.objects.exists()
    assert client.post(url, {**VALID, "email": "Anna@GS-Kirchplatz.Bochum.DE"}).status_code == 302
    assert client.post(url, {**VALID, "school": "S002", "email": "bea@anywhere.example"}).status_code == 302
    with pytest.raises(service.BookingRefused) as refused:
        service.book(session.pk, request("S001"))
    assert refused.value.field == "email"


def test_a_cancel_link_ends_when_the_date_begins(client, make_session, post):
    session = make_session(capacity=4)
    booked = Booking.objects.create(session=session, school_id="S002", school_name="Schule S002", contact_name="Bea",
                                    email="s002@schule.example", seats=1, status=Booking.Status.CONFIRMED)
    WorkshopSession.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(minutes=1))
    cancel = f"/workshops/stornieren/{cancel_token(booked)}/"
    for response in (client.get(cancel), post(cancel)):
        assert response.status_code == 410
        text = html(response).get_text(" ", strip=True)
        assert "Der Termin hat bereits begonnen; eine Stornierung über diesen Link ist nicht mehr möglich." in text
        assert "Medienzentrum Bochum" in text
    booked.refresh_from_db()
    assert booked.status == Booking.Status.CONFIRMED and not mail.outbox


def test_a_confirmation_link_ends_when_the_date_begins(client, make_session, post):
    session = make_session(capacity=4)
    pending = service.book(session.pk, request("S001"))
    WorkshopSession.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(minutes=1))
    for response in (client.get(confirm_link(pending)), post(confirm_link(pending))):
        assert response.status_code == 410
        assert "Der Termin hat bereits begonnen; eine Bestätigung über diesen Link ist nicht mehr möglich." in html(response).get_text()
    assert Booking.objects.get(pk=pending.pk).status != Booking.Status.CONFIRMED


def test_a_pending_booking_of_a_date_called_off_cannot_be_confirmed_and_gets_no_mail(make_session, django_capture_on_commit_callbacks):
    session = make_session()
    pending = service.book(session.pk, request("S001"))
    with django_capture_on_commit_callbacks(execute=True):
        service.cancel_session(session.pk)
    assert mail.outbox == []
    with pytest.raises(service.ConfirmationRefused) as refused:
        service.confirm_booking(pending.pk, pending.token_nonce)
    assert refused.value.reason == "cancelled"
