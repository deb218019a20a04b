"""Issue 20 in a real browser: the waiting-list form, giving back seats, workshop dates on the Medienstudio's pages,
headings at 390 px; axe stays clean on each."""

import pytest

from .conftest import WCAG_21_AA, manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

FULL_DATE = """
from datetime import timedelta
from django.utils import timezone
from portal.workshops.models import Booking, Workshop, WorkshopSession
from portal.workshops.tokens import cancel_token
workshop = Workshop.objects.create(title="Browsertest: volle Warteliste", slug="browsertest-issue20", description="Voll.")
session = WorkshopSession.objects.create(workshop=workshop, start=timezone.now() + timedelta(days=12), capacity=2, max_seats_per_school=2)
booking = Booking.objects.create(session=session, school_id="S001", school_name="Beispielschule Grundschule 01",
    contact_name="Anna", email="anna@schule.example", seats=2, status="confirmed", confirmed_at=timezone.now(),
    participant_names="Anna\\nBen", extra_emails="ben@schule.example")
print(session.pk, cancel_token(booking))
"""


@pytest.fixture(scope="module")
def full_date(live_portal, portal_env):
    session_pk, token = manage(portal_env, "shell", "--no-imports", "-c", FULL_DATE).stdout.split()[-2:]
    return int(session_pk), token


def assert_axe_clean(page, axe):
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


def test_the_waiting_list_form_and_the_partial_cancel_page_have_no_axe_violations(live_portal, page, axe, full_date):
    session_pk, token = full_date
    page.goto(f"{live_portal}/workshops/termine/{session_pk}/")
    page.get_by_role("link", name="Auf die Warteliste setzen").click()
    assert page.locator("h1").inner_text() == "Auf die Warteliste setzen"
    assert page.get_by_label("Falls nicht genug Plätze frei sind").is_checked()
    assert_axe_clean(page, axe)
    page.goto(f"{live_portal}/workshops/stornieren/{token}/")
    assert page.get_by_label("Wie viele Plätze möchten Sie stornieren?").input_value() == "2"
    assert_axe_clean(page, axe)


CHAPTER_URL = "from portal.plan.models import ChapterPage; print(ChapterPage.objects.get(locale__language_code='de', number='6.2').url)"


@pytest.mark.parametrize("path", ["/partnerangebote/medienstudio/", None])
def test_pages_that_name_the_medienstudio_show_its_dates_without_axe_violations(live_portal, portal_env, page, axe, full_date, path):
    if path is None:  # chapter 6.2
        path = manage(portal_env, "shell", "--no-imports", "-c", CHAPTER_URL).stdout.split()[-1]
    response = page.goto(live_portal + path)
    assert response.status == 200
    assert page.locator(".upcoming-workshops li").count() >= 1
    assert_axe_clean(page, axe)


def test_long_headings_break_with_a_hyphen_and_nothing_overflows_at_390_px(live_portal, browser):
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE").new_page()
    page.goto(live_portal + "/")
    page.locator(".main-nav").get_by_role("link", name="Medienentwicklungsplan Bochum").click()
    heading = page.locator("h1")
    assert "\u00ad" in heading.inner_html()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
