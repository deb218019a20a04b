"""The workshops in English: pages, booking errors and every mail of a booking made on an English page."""

import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from portal.workshops import booking as service
from portal.workshops.models import Booking
from tests.test_i18n import assert_english

pytestmark = pytest.mark.django_db

VALID = {"school": "S001", "contact_name": "Anna Example", "email": "anna@schule.example", "seats": "2", "privacy": "on"}
CONFIRM_LINK = re.compile(r"http://testserver(/en/workshops/bestaetigen/\S+/)")
GERMAN_MAIL_WORDS = re.compile(r"\b(Guten Tag|Buchung|Termin|Plätze|Warteliste|Uhr|bitte|Bitte|Grüßen|Schule:)\b")


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def english_mail(message) -> str:
    """A mail's subject and body without what is German by nature: the workshop's title, school, address."""
    text = f"{message.subject}\n{message.body}"
    for german in ("Lernroboter im Test", "Grundschule Am Kirchplatz", "Grundschule Lindenweg",
                   "Medienzentrum Bochum – Medienstudio", "Medienstudio im Medienzentrum Bochum, Universitätsstraße 43–49, 44789 Bochum",
                   "Universitätsstraße 43–49, 44789 Bochum", "Medienzentrum Bochum"):
        text = text.replace(german, "")
    return text


def assert_english_mail(message):
    assert not GERMAN_MAIL_WORDS.search(english_mail(message)), english_mail(message)
    assert "http://testserver/workshops/" not in message.body  # every link leads to the English pages


def test_the_workshop_pages_speak_english_under_en(client, make_session):
    session = make_session(capacity=4)
    for url in ["/en/workshops/", f"/en/workshops/termine/{session.pk}/", f"/en/workshops/termine/{session.pk}/buchen/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert html(response).html["lang"] == "en"
        assert_english(response)
    doc = html(client.get("/en/workshops/"))
    assert doc.h1.get_text() == "Workshops at the Medienstudio"
    assert doc.select_one(".session-card__when time").get_text().endswith("–" + timezone.localtime(session.end).strftime("%H:%M"))
    assert doc.select_one(".card__title a")["lang"] == "de"  # the workshop's German title says so
    assert "4 seats still free" in doc.select_one(".seats").get_text()


def test_an_invalid_booking_on_an_english_page_gets_english_messages(client, make_session):
    session = make_session(capacity=4, per_school=2)
    response = client.post(f"/en/workshops/termine/{session.pk}/buchen/", {"seats": "3", "email": "not-an-address"})
    assert response.status_code == 422
    doc = html(response)
    assert doc.select_one("#error-summary-title").get_text() == "Please check your details"
    errors = [li.get_text(" ", strip=True) for li in doc.select("#error-summary li")]
    assert "School: Please choose your school." in errors
    assert "Name of the contact person: Please enter your name." in errors
    assert "E-mail address: Please enter a valid e-mail address, for example name@school.de." in errors
    assert "Number of seats: A school can book at most 2 seats for this date." in errors
    assert "I have read the privacy notice and agree that my details are processed for this booking.: " \
        "Please confirm that you have read the privacy notice." in errors
    assert_english(response)
    assert Booking.objects.count() == 0


def test_a_refusal_of_the_booking_rules_is_english_too(client, make_session, post):
    session = make_session(capacity=1, per_school=2)
    response = post(f"/en/workshops/termine/{session.pk}/buchen/", VALID)
    assert response.status_code == 422
    assert "Only 1 seat left. Book fewer seats or join the waiting list." in html(response).select_one("#error-summary").get_text()


def test_a_booking_made_in_english_gets_every_mail_in_english_later_ones_too(client, make_session, post, settings):
    session = make_session(capacity=2, per_school=2, days=2)
    assert post(f"/en/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302
    booking = Booking.objects.get()
    assert booking.language == "en"
    [request_mail] = mail.outbox
    assert request_mail.subject == "Please confirm your booking: Lernroboter im Test"
    assert request_mail.body.startswith("Hello,\n")
    assert_english_mail(request_mail)
    link = CONFIRM_LINK.search(request_mail.body).group(1)
    confirmed = post(link)
    assert html(confirmed).h1.get_text() == "Booking confirmed"
    assert mail.outbox[1].subject == "Booking confirmed: Lernroboter im Test"
    assert mail.outbox[1].body.startswith("Dear Anna Example,\n")
    assert "/en/workshops/stornieren/" in mail.outbox[1].body
    assert_english_mail(mail.outbox[1])
    ics = mail.outbox[1].attachments[0][1]
    assert "Workshops at the Medienstudio Bochum" in (ics.decode() if isinstance(ics, bytes) else ics)

    # A second school, German page, goes on the waiting list; the English booking cancels; then reminders, in German context.
    german = service.book(session.pk, service.BookingRequest("S002", "Grundschule Lindenweg", "Bernd", "b@schule.example", 2, True))
    with translation.override("en"):
        service.confirm_booking(german.pk, german.token_nonce)
    assert Booking.objects.get(pk=german.pk).status == Booking.Status.WAITING
    settings.MEP_WORKSHOP_REMINDER_DAYS = 3
    outbox_before = len(mail.outbox)
    with translation.override("de"):  # the command runs in no reader's language
        call_command("send_workshop_reminders", stdout=StringIO())
    [reminder] = mail.outbox[outbox_before:]
    assert reminder.to == ["anna@schule.example"]
    assert reminder.subject == "Reminder of your workshop: Lernroboter im Test"
    assert_english_mail(reminder)


def test_waiting_list_promotion_and_call_off_are_written_in_each_bookings_language(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=2, per_school=2)

    def book(school, email, language):
        with django_capture_on_commit_callbacks(execute=True):
            made = service.book(
                session.pk, service.BookingRequest(school, f"Schule {school}", "Kim", email, 2, True, language=language)
            )
        with django_capture_on_commit_callbacks(execute=True):
            service.confirm_booking(made.pk, made.token_nonce)
        return made

    first = book("S001", "de@schule.example", "de")
    book("S002", "en@schule.example", "en")
    mail.outbox.clear()
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        service.cancel_booking(first.pk, first.token_nonce)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["de@schule.example"].subject.startswith("Buchung storniert")
    promoted = by_address["en@schule.example"]
    assert promoted.subject == "A seat has become free – your booking is confirmed: Lernroboter im Test"
    assert_english_mail(promoted)

    mail.outbox.clear()
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        service.cancel_session(session.pk)
    [called_off] = mail.outbox
    assert called_off.subject == "Date called off: Lernroboter im Test" and called_off.to == ["en@schule.example"]
    assert_english_mail(called_off)


def test_a_booking_made_in_german_stays_german_whatever_language_is_active(client, make_session, post):
    session = make_session(capacity=4)
    post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    booking = Booking.objects.get()
    assert booking.language == "de"
    mail.outbox.clear()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED, confirmed_at=timezone.now())
    booking.refresh_from_db()
    from portal.workshops import emails

    with translation.override("en"):
        emails.send_reminder(booking)
    [reminder] = mail.outbox
    assert reminder.subject.startswith("Erinnerung an Ihren Workshop") and reminder.body.startswith("Guten Tag Anna Example,")
    assert "/en/" not in reminder.body  # links stay on the German pages
