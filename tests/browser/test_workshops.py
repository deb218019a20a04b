"""A school books in a real browser, confirms by the emailed link, cancels by its link, the waiting list moves up; axe stays clean."""

import email
import re
import time
from email import policy
from pathlib import Path

import pytest

from .conftest import WCAG_21_AA, manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

CREATE_DATE = """
from datetime import timedelta
from django.utils import timezone
from portal.workshops.models import Workshop, WorkshopSession
workshop = Workshop.objects.create(title="Browsertest: Lernroboter", slug="browsertest-{tag}", description="Ein Termin für den Browsertest.")
session = WorkshopSession.objects.create(workshop=workshop, start=timezone.now() + timedelta(days=9), capacity=2, max_seats_per_school=2)
print(session.pk)
"""


@pytest.fixture
def small_date(live_portal, portal_env, request):
    """A date with two seats, fresh for each test."""
    tag = re.sub(r"\W", "", request.node.name)[-30:].lower()
    output = manage(portal_env, "shell", "--no-imports", "-c", CREATE_DATE.replace("{tag}", tag)).stdout
    return int(output.split()[-1])


def read_mails(portal_env) -> list:
    messages = []
    for path in sorted(Path(portal_env["MEP_TEST_EMAIL_DIR"]).glob("*.log")):
        for part in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if part.strip():
                messages.append(email.message_from_bytes(part.strip() + b"\n", policy=policy.default))
    return messages


def mail_to(portal_env, address: str, subject_start: str):
    for _ in range(50):
        for message in read_mails(portal_env):
            if message["To"] == address and str(message["Subject"]).strip().startswith(subject_start):
                return message
        time.sleep(0.1)
    raise AssertionError(f"keine E-Mail „{subject_start}…“ an {address}")


def fill_booking(page, base, session_pk, school, name, address, seats, waitlist=False):
    page.goto(f"{base}/workshops/termine/{session_pk}/buchen/")
    page.get_by_label("Schule", exact=True).select_option(label=school)
    page.get_by_label("Name der Ansprechperson").fill(name)
    page.get_by_label("E-Mail-Adresse").fill(address)
    page.get_by_label("Anzahl der Plätze").fill(str(seats))
    if waitlist:
        page.get_by_label("Falls nicht genug Plätze frei sind").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    # "Verbindlich buchen", or "Auf die Warteliste setzen" on a full date
    page.locator("form.booking-form button[type=submit]").click()


def confirm_by_mail(page, portal_env, address: str):
    """Open the link of the 'please confirm' mail and press the button, as the school's reader does."""
    request = mail_to(portal_env, address, "Bitte bestätigen Sie Ihre Buchung")
    body = request.get_body(preferencelist=("plain",)).get_content()
    assert "http://127.0.0.1" in body and not list(request.iter_attachments())
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/workshops/bestaetigen/\S+/)", body).group(1))
    page.get_by_role("button", name="Buchung bestätigen").click()


def test_booking_email_cancellation_and_waiting_list(live_portal, browser, portal_env, small_date):
    first = browser.new_context(locale="de-DE").new_page()
    fill_booking(first, live_portal, small_date, "Beispielschule Grundschule 01", "Anna Beispiel", "anna@schule.example", 2)
    assert first.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre Buchung"
    assert "Minuten Zeit" in first.locator(".booking-deadline").inner_text()

    second = browser.new_context(locale="de-DE").new_page()
    # the pending booking holds both seats: the form is the waiting list's, box ticked, and the first submit succeeds
    second.goto(f"{live_portal}/workshops/termine/{small_date}/")
    second.get_by_role("link", name="Auf die Warteliste setzen").click()
    assert second.locator("h1").inner_text() == "Auf die Warteliste setzen"
    assert second.get_by_label("Falls nicht genug Plätze frei sind").is_checked()
    fill_booking(second, live_portal, small_date, "Beispielschule Grundschule 02", "Bea Muster", "bea@schule.example", 1)
    assert second.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre Buchung"
    assert "Position 1 der Warteliste" in second.locator(".booking-deadline").inner_text()

    confirm_by_mail(first, portal_env, "anna@schule.example")
    assert first.locator("h1").inner_text() == "Buchung bestätigt"
    confirm_by_mail(second, portal_env, "bea@schule.example")
    assert second.locator("h1").inner_text() == "Auf der Warteliste"
    assert "Position 1" in second.locator(".lead").inner_text()

    confirmation = mail_to(portal_env, "anna@schule.example", "Buchung bestätigt")
    attachments = {part.get_filename(): part for part in confirmation.iter_attachments()}
    assert "BEGIN:VEVENT" in attachments["workshop.ics"].get_content()
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://127\.0\.0\.1:\d+/workshops/stornieren/\S+/)", body).group(1)

    first.goto(link)
    first.get_by_role("button", name="Buchung stornieren").click()
    assert first.locator("h1").inner_text() == "Buchung storniert"

    promoted = mail_to(portal_env, "bea@schule.example", "Ein Platz ist frei geworden")
    assert "Ihre Buchung von der Warteliste ist jetzt bestätigt" in promoted.get_body(preferencelist=("plain",)).get_content()
    first.goto(f"{live_portal}/workshops/termine/{small_date}/")
    assert "1 von 2" in first.locator("dl.facts").inner_text()

    first.goto(link)
    assert first.locator("h1").inner_text() == "Dieser Link gilt nicht mehr"


def test_the_booking_form_survives_a_reload(live_portal, page, small_date):
    page.goto(f"{live_portal}/workshops/termine/{small_date}/buchen/")
    page.get_by_label("Schule", exact=True).select_option(label="Beispielschule Grundschule 03")
    page.get_by_label("Name der Ansprechperson").fill("Cem Yılmaz")
    page.get_by_label("E-Mail-Adresse").fill("cem@schule.example")
    page.reload()
    assert page.get_by_label("Schule", exact=True).input_value() == "S003"
    assert page.get_by_label("Name der Ansprechperson").input_value() == "Cem Yılmaz"
    assert page.get_by_label("E-Mail-Adresse").input_value() == "cem@schule.example"


@pytest.mark.parametrize("name", ["list", "detail", "booking form", "booking form with errors"])
def test_workshop_pages_have_no_axe_violations(live_portal, page, axe, small_date, name):
    url = {
        "list": "/workshops/",
        "detail": f"/workshops/termine/{small_date}/",
        "booking form": f"/workshops/termine/{small_date}/buchen/",
        "booking form with errors": f"/workshops/termine/{small_date}/buchen/",
    }[name]
    response = page.goto(live_portal + url)
    assert response.status == 200
    if name == "list":
        assert page.locator(".session-list li").count() >= 3
    if name == "booking form with errors":
        with page.expect_navigation():  # count() does not wait for the answer
            page.get_by_role("button", name="Verbindlich buchen").click()
        assert page.locator(".error-summary li").count() == 5
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


def test_the_pending_receipt_and_the_confirm_page_have_no_axe_violations(live_portal, page, axe, portal_env, small_date):
    fill_booking(page, live_portal, small_date, "Beispielschule Grundschule 04", "Dana Test", "dana@schule.example", 1)
    assert page.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre Buchung"
    for step in ("receipt", "confirm page"):
        if step == "confirm page":
            body = mail_to(portal_env, "dana@schule.example", "Bitte bestätigen").get_body(preferencelist=("plain",)).get_content()
            page.goto(re.search(r"(http://127\.0\.0\.1:\d+/workshops/bestaetigen/\S+/)", body).group(1))
            assert page.locator("h1").inner_text() == "Buchung bestätigen"
        results = axe.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, results.generate_report()
