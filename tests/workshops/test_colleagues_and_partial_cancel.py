"""Booking for colleagues (names, extra addresses), giving back some seats by link, the waiting-list form, seat grammar."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone, translation

from portal.workshops import booking as service
from portal.workshops import retention
from portal.workshops.models import Booking, with_seats_text
from portal.workshops.tokens import confirm_token
from tests.workshops.test_public_pages import VALID, confirm_last_request

pytestmark = pytest.mark.django_db

CANCEL_LINK = re.compile(r"http://testserver(/workshops/stornieren/\S+/)")
COLLEAGUES = {**VALID, "participant_names": "Anna Beispiel\nBen Kollege", "extra_emails": "ben@schule.example"}


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def request(school, seats, waitlist=False):
    return service.BookingRequest(
        school_id=school, school_name=f"Schule {school}", contact_name=f"Kontakt {school}",
        email=f"{school.lower()}@schule.example", seats=seats, join_waitlist=waitlist,
    )


def book(session, school, seats, waitlist=False):
    pending = service.book(session.pk, request(school, seats, waitlist))
    return service.confirm_booking(pending.pk, pending.token_nonce)


def form_defaults(form):
    """What a browser submits for the form as rendered: its values and ticked boxes, nothing typed."""
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]") if field.get("type") not in ("checkbox", "submit")}
    data.update({box["name"]: "on" for box in form.select("input[type=checkbox][checked]")})
    return data


# -- giving back some seats ---------------------------------------------------------------------


def test_cancelling_some_seats_keeps_the_rest_and_moves_the_waiting_list_up_by_them(make_session, django_capture_on_commit_callbacks):
    session = make_session(capacity=3, per_school=3)
    first = book(session, "S001", 3)
    second = book(session, "S002", 1, waitlist=True)
    third = book(session, "S003", 2, waitlist=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.cancel_booking(first.pk, first.token_nonce, seats=2)
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.status, first.seats) == (Booking.Status.CONFIRMED, 1)
    assert second.status == Booking.Status.CONFIRMED  # one freed seat each, in order: the first in line fits
    assert third.status == Booking.Status.WAITING and third.waiting_position() == 1  # needs 2, only 1 left
    assert session.free_seats() == 1
    subjects = sorted(m.subject.split(":")[0] for m in mail.outbox)
    assert subjects == ["Ein Platz ist frei geworden – Ihre Buchung ist bestätigt", "Plätze storniert"]
    reduced = next(m for m in mail.outbox if m.subject.startswith("Plätze storniert"))
    assert "Sie haben 2 Plätze storniert" in reduced.body and "Plätze:   1 Platz" in reduced.body
    assert re.search(r"/workshops/stornieren/\S+/", reduced.body)  # the rest can still be cancelled
    # the same link cancels the rest later
    service.cancel_booking(first.pk, first.token_nonce)
    first.refresh_from_db()
    assert first.status == Booking.Status.CANCELLED and first.seats == 1


def test_cancelling_more_seats_than_booked_is_refused_and_changes_nothing(make_session):
    session = make_session(capacity=3, per_school=2)
    first = book(session, "S001", 2)
    for seats in (0, 3):
        with pytest.raises(service.BookingRefused) as refused:
            service.cancel_booking(first.pk, first.token_nonce, seats=seats)
        assert refused.value.message == "Bitte wählen Sie, wie viele Ihrer 2 Plätze Sie stornieren möchten."
    first.refresh_from_db()
    assert (first.status, first.seats) == (Booking.Status.CONFIRMED, 2)


def test_the_cancel_link_offers_fewer_seats_and_cancels_only_those(client, make_session, post):
    session = make_session(capacity=2, per_school=2)
    post(f"/workshops/termine/{session.pk}/buchen/", VALID)
    confirm_last_request(post, "anna@schule.example")
    link = CANCEL_LINK.search(mail.outbox[-1].body).group(1)
    page = html(client.get(link))
    choice = page.find("select", attrs={"name": "seats"})
    assert page.find("label", attrs={"for": choice["id"]}).get_text() == "Wie viele Plätze möchten Sie stornieren?"
    assert [(o["value"], o.get_text()) for o in choice.find_all("option")] == [("2", "2 Plätze"), ("1", "1 Platz")]
    assert choice.find("option", selected=True)["value"] == "2"  # all, unless chosen otherwise

    wrong = post(link, {"seats": "7"})
    assert wrong.status_code == 422
    assert html(wrong).find(class_="field__error").get_text() == "Bitte wählen Sie, wie viele Ihrer 2 Plätze Sie stornieren möchten."
    assert Booking.objects.get().seats == 2

    done = post(link, {"seats": "1"})
    assert done.status_code == 200 and html(done).find("h1").get_text() == "Plätze storniert"
    assert "jetzt noch 1 Platz" in html(done).find(class_="lead").get_text()
    booking = Booking.objects.get()
    assert (booking.status, booking.seats) == (Booking.Status.CONFIRMED, 1)
    again = html(client.get(link))  # one seat left: no choice to make, the button cancels it
    assert again.find("select") is None
    assert post(link).status_code == 200 and Booking.objects.get().status == Booking.Status.CANCELLED


def test_names_go_with_the_seats_given_back_and_never_outnumber_the_seats(make_session):
    session = make_session(capacity=3, per_school=3)
    pending = service.book(session.pk, service.BookingRequest(
        school_id="S001", school_name="Schule S001", contact_name="Anna", email="s001@schule.example", seats=3,
        participant_names=["Anna Beispiel", "Ben Kollege", "Cem Kollegin"],
    ))
    booking = service.confirm_booking(pending.pk, pending.token_nonce)
    service.cancel_booking(booking.pk, booking.token_nonce, seats=1, absent=["Ben Kollege"])
    booking.refresh_from_db()
    assert (booking.seats, booking.participant_list) == (2, ["Anna Beispiel", "Cem Kollegin"])
    # one more seat back without saying whose: two names for one seat is refused, nothing changes
    with pytest.raises(service.BookingRefused) as refused:
        service.cancel_booking(booking.pk, booking.token_nonce, seats=1)
    assert refused.value.message == "Für 1 Platz sind 2 Namen zu viele. Bitte kreuzen Sie an, wer nicht kommt."
    assert refused.value.field == "absent"
    booking.refresh_from_db()
    assert (booking.seats, booking.participant_list) == (2, ["Anna Beispiel", "Cem Kollegin"])


def test_the_cancel_link_asks_whose_seats_go_back(client, make_session, post):
    session = make_session(capacity=4, per_school=3)
    names = {**VALID, "seats": "3", "participant_names": "Anna Beispiel\nBen Kollege\nCem Kollegin"}
    post(f"/workshops/termine/{session.pk}/buchen/", names)
    confirm_last_request(post, "anna@schule.example")
    link = CANCEL_LINK.search(mail.outbox[-1].body).group(1)
    group = html(client.get(link)).find("fieldset")
    assert group.find("legend").get_text() == "Wer kommt nicht?"
    assert [group.find("label", attrs={"for": box["id"]}).get_text() for box in group.select("input[type=checkbox]")] == [
        "Anna Beispiel", "Ben Kollege", "Cem Kollegin"
    ]
    unsaid = post(link, {"seats": "1"})
    assert unsaid.status_code == 422
    assert html(unsaid).find(class_="field__error").get_text() == "Für 2 Plätze sind 3 Namen zu viele. Bitte kreuzen Sie an, wer nicht kommt."
    assert Booking.objects.get().seats == 3
    done = post(link, {"seats": "1", "absent": ["1"]})
    assert done.status_code == 200
    booking = Booking.objects.get()
    assert (booking.seats, booking.participant_list) == (2, ["Anna Beispiel", "Cem Kollegin"])
    # giving back every seat asks no names: the whole booking goes
    assert post(link, {"seats": "2"}).status_code == 200 and Booking.objects.get().status == Booking.Status.CANCELLED


# -- booking for colleagues ---------------------------------------------------------------------


def test_colleagues_names_and_addresses_get_the_confirmation_and_calendar_file_without_the_cancel_link(make_session, post):
    session = make_session(capacity=4, per_school=2)
    assert post(f"/workshops/termine/{session.pk}/buchen/", COLLEAGUES).status_code == 302
    booking = Booking.objects.get()
    assert booking.participant_list == ["Anna Beispiel", "Ben Kollege"] and booking.extra_email_list == ["ben@schule.example"]
    assert [m.to for m in mail.outbox] == [["anna@schule.example"]]  # only the booker confirms the booking
    mail.outbox.clear()
    receipt = post(f"/workshops/bestaetigen/{confirm_token(booking)}/", follow=True)
    assert "Eine Kopie mit Kalenderdatei, ohne den Link zum Stornieren, geht an ben@schule.example." in html(receipt).get_text(" ")
    own, copy = sorted(mail.outbox, key=lambda m: m.to != ["anna@schule.example"])
    assert "Kopie an: ben@schule.example" in own.body  # the booker sees who got the copy
    assert own.to == ["anna@schule.example"] and CANCEL_LINK.search(own.body)
    assert copy.to == ["ben@schule.example"] and copy.subject == own.subject == "Buchung bestätigt: Lernroboter im Test"
    assert not CANCEL_LINK.search(copy.body)
    assert "Anna Beispiel hat bei dieser Buchung Ihre E-Mail-Adresse angegeben; Sie erhalten eine Kopie." in copy.body
    assert copy.attachments[0][0] == "workshop.ics" and "Teilnehmende: Anna Beispiel, Ben Kollege" in copy.body


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"participant_names": "A\nB\nC"}, "participant_names", "Sie haben mehr Namen angegeben, als Sie Plätze buchen (2 Plätze)."),
        ({"extra_emails": "a@schule.example, b@schule.example; c@schule.example"}, "extra_emails",
         "Sie haben mehr weitere Adressen angegeben, als Sie Plätze buchen (2 Plätze)."),
        ({"extra_emails": "ben@schule.example\nkein-at-zeichen"}, "extra_emails",
         "„kein-at-zeichen“ ist keine gültige E-Mail-Adresse. Bitte geben Sie eine Adresse je Zeile an, zum Beispiel name@schule.de."),
    ],
)
def test_wrong_names_or_addresses_get_a_message_at_their_field_and_book_nothing(client, make_session, extra, field, message):
    session = make_session(capacity=4, per_school=2)
    response = client.post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, **extra})
    assert response.status_code == 422
    assert html(response).find(id=f"id_{field}_error").get_text() == message
    assert not Booking.objects.exists()


def test_erasure_blanks_participant_names_and_extra_addresses(make_session, settings):
    settings.MEP_WORKSHOP_INACTIVE_ERASURE_DAYS = 7
    session = make_session(days=300)
    pending = service.book(session.pk, service.BookingRequest(
        school_id="S001", school_name="Schule S001", contact_name="Anna", email="anna@schule.example", seats=2,
        participant_names=["Anna", "Ben"], extra_emails=["ben@schule.example"],
    ))
    service.cancel_booking(*(lambda b: (b.pk, b.token_nonce))(service.confirm_booking(pending.pk, pending.token_nonce)))
    assert retention.erase_personal_data(now=timezone.now() + timedelta(days=8)) == 1
    erased = Booking.objects.get()
    assert (erased.participant_names, erased.extra_emails, erased.contact_name, erased.email) == ("", "", "", "")
    assert erased.seats == 2


# -- the waiting-list path and seat grammar -----------------------------------------------------


def test_a_full_date_leads_to_a_form_set_for_the_waiting_list_whose_first_submit_succeeds(client, make_session):
    session = make_session(capacity=2, per_school=2)
    book(session, "S002", 2)
    detail = html(client.get(f"/workshops/termine/{session.pk}/"))
    button = detail.find("a", class_="button")
    assert button.get_text() == "Auf die Warteliste setzen"
    page = html(client.get(button["href"]))
    assert page.find("h1").get_text() == "Auf die Warteliste setzen"
    assert page.find("input", attrs={"name": "join_waitlist"}).has_attr("checked")
    form = page.find("form", class_="booking-form")
    assert form.find("button", type="submit").get_text() == "Auf die Warteliste setzen"
    data = {**form_defaults(form), "school": "S001", "contact_name": "Anna", "email": "anna@schule.example", "seats": "2", "privacy": "on"}
    response = client.post(button["href"], data, follow=True)
    assert response.status_code == 200
    assert "Position 1 der Warteliste" in html(response).find(class_="booking-deadline").get_text()
    queued = Booking.objects.get(school_id="S001")
    assert queued.queued
    receipt = html(client.post(f"/workshops/bestaetigen/{confirm_token(queued)}/"))
    assert "Grundschule Am Kirchplatz steht mit 2 Plätzen an Position 1 der Warteliste." in receipt.find(class_="lead").get_text()


def test_a_date_with_seats_left_offers_the_plain_booking_form(client, make_session):
    session = make_session(capacity=2)
    page = html(client.get(f"/workshops/termine/{session.pk}/buchen/"))
    assert page.find("h1").get_text() == "Plätze buchen"
    assert not page.find("input", attrs={"name": "join_waitlist"}).has_attr("checked")


def test_seat_counts_read_right_in_every_number(make_session, client):
    assert [with_seats_text(n) for n in (1, 2)] == ["mit 1 Platz", "mit 2 Plätzen"]
    with translation.override("en"):
        assert with_seats_text(2) == "with 2 seats"
    session = make_session(capacity=3, per_school=2)
    book(session, "S001", 2)
    with pytest.raises(service.BookingRefused) as refused:
        book(session, "S002", 2)
    assert refused.value.message.startswith("Es ist nur noch 1 Platz frei.")
    one = make_session(capacity=3, per_school=1)
    with pytest.raises(service.BookingRefused) as refused:
        book(one, "S001", 2)
    assert refused.value.message == "Eine Schule kann für diesen Termin höchstens 1 Platz buchen."
    form = html(client.post(f"/workshops/termine/{one.pk}/buchen/", VALID))
    assert form.find(id="id_seats_error").get_text() == "Eine Schule kann für diesen Termin höchstens 1 Platz buchen."


def test_the_attendee_list_names_the_colleagues_and_their_addresses(make_session):
    from portal.workshops.attendees import attendee_rows

    session = make_session(capacity=4, per_school=2)
    pending = service.book(session.pk, service.BookingRequest(
        school_id="S001", school_name="Schule S001", contact_name="Anna", email="anna@schule.example", seats=2,
        participant_names=["Anna", "Ben"], extra_emails=["ben@schule.example"],
    ))
    service.confirm_booking(pending.pk, pending.token_nonce)
    header, row = attendee_rows(session)
    assert dict(zip(header, row, strict=True))["Teilnehmende"] == "Anna, Ben"
    assert dict(zip(header, row, strict=True))["Weitere E-Mail-Adressen"] == "ben@schule.example"
