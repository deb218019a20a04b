"""What a school sees: the list, filters, a date's details, the booking form, iCal, cancelling by link."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from portal.workshops.models import Booking, Workshop

pytestmark = pytest.mark.django_db


VALID = {"school": "S001", "contact_name": "Anna Beispiel", "email": "anna@schule.example", "seats": "2", "privacy": "on"}
CONFIRM_LINK = re.compile(r"http://testserver(/workshops/bestaetigen/\S+/)")


def confirm_last_request(post, address):
    """Follow the confirmation link of the last request mailed to ``address``, as its reader does."""
    request = [m for m in mail.outbox if m.to == [address] and m.subject.startswith("Bitte bestätigen")][-1]
    return post(CONFIRM_LINK.search(request.body).group(1))


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_main_navigation_leads_to_the_workshops(client):
    nav = html(client.get("/")).find("nav", attrs={"aria-label": "Hauptnavigation"})
    link = nav.find("a", string="Workshops")
    assert link["href"] == "/workshops/"
    assert client.get(link["href"]).status_code == 200


def test_list_shows_upcoming_dates_with_free_seats_only(client, make_session):
    open_date = make_session(capacity=5)
    Booking.objects.create(session=open_date, school_id="S1", school_name="X", seats=2, status=Booking.Status.CONFIRMED)
    past = make_session(days=-3)
    called_off = make_session(cancelled_at=timezone.now())
    doc = html(client.get("/workshops/"))
    links = {a["href"] for a in doc.select(".session-list a")}
    assert f"/workshops/termine/{open_date.pk}/" in links
    assert f"/workshops/termine/{past.pk}/" not in links and f"/workshops/termine/{called_off.pk}/" not in links
    card = doc.find("a", href=f"/workshops/termine/{open_date.pk}/").find_parent("li")
    assert "Noch 3 Plätze frei" in card.get_text()


def test_list_filters_by_topic_and_target_group(client, make_session, robotics):
    online = Workshop.objects.create(title="KI für alle", slug="ki-fuer-alle", description="x",
                                     target_group=Workshop.TargetGroup.ALL, place=Workshop.Place.ONLINE)
    secondary = Workshop.objects.create(title="Calliope Sek I", slug="calliope", description="x",
                                        target_group=Workshop.TargetGroup.SECONDARY)
    for workshop in (robotics, online, secondary):
        make_session(workshop=workshop)

    def titles(query):
        return {a.get_text(strip=True) for a in html(client.get("/workshops/" + query)).select(".session-list h3 a")}

    assert {"Lernroboter im Test", "KI für alle", "Calliope Sek I"} <= titles("")
    assert titles("?thema=test-robotik") == {"Lernroboter im Test"}
    primary = titles("?zielgruppe=grundschule")
    assert "Lernroboter im Test" in primary and "KI für alle" in primary and "Calliope Sek I" not in primary
    assert "Lernroboter im Test" not in titles("?zielgruppe=weiterfuehrend")


def test_detail_shows_the_date_and_labels_examples(client, make_session, robotics):
    robotics.is_example = True
    robotics.save()
    session = make_session(capacity=6)
    doc = html(client.get(f"/workshops/termine/{session.pk}/"))
    assert "Beispiel" in doc.find("h1").get_text()
    facts = doc.find("dl", class_="facts").get_text(" ", strip=True)
    assert "Universitätsstraße 43–49, 44789 Bochum" in facts and "6 von 6" in facts
    assert doc.find("a", href=f"/workshops/termine/{session.pk}/buchen/")
    assert doc.find("a", href=f"/workshops/termine/{session.pk}/termin.ics")


def test_every_wrong_field_gets_a_german_message_at_the_field(client, make_session):
    session = make_session(per_school=2)
    response = client.post(f"/workshops/termine/{session.pk}/buchen/",
                           {"school": "S999", "contact_name": "", "email": "kein-at", "seats": "5"})
    assert response.status_code == 422
    doc = html(response)
    expected = {
        "id_school": "Bitte wählen Sie eine Schule aus der Liste.",
        "id_contact_name": "Bitte geben Sie Ihren Namen an.",
        "id_email": "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@schule.de.",
        "id_seats": "Eine Schule kann für diesen Termin höchstens 2 Plätze buchen.",
        "id_privacy": "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.",
    }
    for field_id, message in expected.items():
        error = doc.find(id=f"{field_id}_error")
        assert error is not None and error.get_text(strip=True) == message, field_id
        widget = doc.find(id=field_id)
        assert widget["aria-invalid"] == "true" and f"{field_id}_error" in widget["aria-describedby"], field_id
    summary_links = [a["href"] for a in doc.select(".error-summary a")]
    assert summary_links == [f"#{field_id}" for field_id in expected]
    assert not Booking.objects.exists()


def test_the_form_keeps_what_was_typed_and_names_autocomplete(client, make_session):
    session = make_session()
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, "privacy": ""})
    doc = html(response)
    assert doc.find(id="id_contact_name")["value"] == "Anna Beispiel"
    assert doc.find(id="id_email")["value"] == "anna@schule.example"
    assert doc.find(id="id_school").find("option", selected=True)["value"] == "S001"
    assert doc.find(id="id_contact_name")["autocomplete"] == "name"
    assert doc.find(id="id_email")["autocomplete"] == "email"
    assert doc.find(id="id_school")["autocomplete"] == "organization"
    assert doc.find("script", src=re.compile(r"booking-form\.js$"))


def test_a_full_date_offers_the_waiting_list_and_keeps_the_order(client, make_session):
    session = make_session(capacity=2)
    assert client.post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302
    other = {**VALID, "school": "S002", "email": "bea@schule.example", "seats": "1"}
    refused = client.post(f"/workshops/termine/{session.pk}/buchen/", other)
    assert refused.status_code == 422
    assert "ausgebucht" in html(refused).find(id="id_seats_error").get_text()
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", {**other, "join_waitlist": "on"}, follow=True)
    assert "Position 1 der Warteliste" in html(response).find(class_="booking-deadline").get_text()
    queued = Booking.objects.get(school_id="S002")
    assert (queued.status, queued.queued) == (Booking.Status.PENDING, True)


def test_booking_stores_school_id_and_name_and_mails_ics_and_cancel_link(client, make_session, post):
    session = make_session()
    response = post(f"/workshops/termine/{session.pk}/buchen/", VALID, follow=True)
    assert html(response).find("h1").get_text() == "Bitte bestätigen Sie Ihre Buchung"
    booking = Booking.objects.get()
    assert (booking.school_id, booking.school_name, booking.seats) == ("S001", "Grundschule Am Kirchplatz", 2)
    assert not mail.outbox[-1].attachments and "/workshops/stornieren/" not in mail.outbox[-1].body
    assert html(confirm_last_request(post, "anna@schule.example")).find("h1").get_text() == "Buchung bestätigt"
    message = mail.outbox[-1]
    assert message.to == ["anna@schule.example"] and "Lernroboter im Test" in message.subject
    name, ics, mimetype = message.attachments[0]
    assert name == "workshop.ics" and mimetype == "text/calendar"
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Lernroboter im Test"
    assert re.search(r"http://testserver/workshops/stornieren/\S+/", message.body)


def test_the_cancellation_link_cannot_be_guessed_or_used_twice(client, make_session, post):
    session = make_session(capacity=2)
    post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    confirm_last_request(post, "anna@schule.example")
    waiting = {**VALID, "school": "S002", "email": "bea@schule.example", "seats": "1", "join_waitlist": "on"}
    post(f"/workshops/termine/{session.pk}/buchen/", waiting)
    confirm_last_request(post, "bea@schule.example")
    link = re.search(r"http://testserver(/workshops/stornieren/\S+/)", mail.outbox[1].body).group(1)

    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert client.get(tampered).status_code == 404
    assert post(tampered).status_code == 404
    confirm = client.get(link)
    assert confirm.status_code == 200 and html(confirm).find("button", string=re.compile("Buchung stornieren"))
    mail.outbox.clear()
    done = post(link)
    assert done.status_code == 200 and html(done).find("h1").get_text() == "Buchung storniert"
    assert Booking.objects.get(school_id="S001").status == Booking.Status.CANCELLED
    assert Booking.objects.get(school_id="S002").status == Booking.Status.CONFIRMED
    assert {m.to[0] for m in mail.outbox} == {"anna@schule.example", "bea@schule.example"}
    again = post(link)
    assert again.status_code == 410 and "gilt nicht mehr" in html(again).find("h1").get_text()


def test_a_filled_honeypot_books_nothing(client, make_session):
    session = make_session()
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Booking.objects.exists() and not mail.outbox


def test_the_booking_form_requires_a_csrf_token(make_session):
    session = make_session()
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 403
    assert not Booking.objects.exists()
    form = html(client.get(f"/workshops/termine/{session.pk}/buchen/"))
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert client.post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, "csrfmiddlewaretoken": token}).status_code == 302


def test_too_many_attempts_from_one_address_are_refused(client, make_session, settings):
    settings.MEP_BOOKING_RATE_LIMIT = 3
    session = make_session()
    for _ in range(3):
        assert client.post(f"/workshops/termine/{session.pk}/buchen/", {}).status_code == 422
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    assert response.status_code == 429 and "Zu viele Anfragen" in html(response).find("h1").get_text()
    assert not Booking.objects.exists()
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 302


def test_booking_closed_dates_show_no_form(client, make_session):
    session = make_session(booking_closes=timezone.now() - timedelta(hours=1))
    page = html(client.get(f"/workshops/termine/{session.pk}/buchen/"))
    assert page.find("form", class_="booking-form") is None and "geschlossen" in page.get_text()
    assert client.post(f"/workshops/termine/{session.pk}/buchen/", VALID).status_code == 409
    assert not Booking.objects.exists()


def test_ical_feed_lists_the_dates_and_each_date_has_its_ics(client, make_session):
    first, second = make_session(days=5), make_session(days=12)
    feed = client.get("/workshops/kalender.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert {f"workshop-termin-{first.pk}@testserver", f"workshop-termin-{second.pk}@testserver"} <= uids
    single = client.get(f"/workshops/termine/{first.pk}/termin.ics")
    assert "attachment" in single["Content-Disposition"]
    event = Calendar.from_ical(single.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == first.start and event.decoded("DTEND") == first.end
    assert "Universitätsstraße 43–49" in str(event["LOCATION"])


def test_a_refused_csrf_check_explains_itself_in_german(make_session):
    session = make_session()
    response = Client(enforce_csrf_checks=True).post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    assert response.status_code == 403
    doc = html(response)
    assert doc.html["lang"] == "de" and doc.find("h1").get_text() == "Anfrage abgelehnt"
    assert "CSRF-Schutz" in doc.get_text()


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_passes(client, make_session, settings):
    settings.MEP_BOOKING_RATE_LIMIT = 1
    settings.MEP_TRUSTED_PROXY_COUNT = 1
    settings.MEP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    session = make_session()
    url = f"/workshops/termine/{session.pk}/buchen/"
    assert client.post(url, {}, HTTP_X_REAL_IP="198.51.100.1").status_code == 422
    assert client.post(url, {}, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert client.post(url, {}, HTTP_X_REAL_IP="198.51.100.2").status_code == 422


def test_a_mail_server_that_is_down_does_not_undo_or_hide_the_booking(client, make_session, post, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP nicht erreichbar")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = post(f"/workshops/termine/{make_session().pk}/buchen/", VALID, follow=True)
    assert response.status_code == 200 and html(response).find("h1").get_text() == "Bitte bestätigen Sie Ihre Buchung"
    assert Booking.objects.get().status == Booking.Status.PENDING
    assert "nicht gesendet" in caplog.text
