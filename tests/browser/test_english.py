"""The English workshop pages in a real browser: no axe violations (WCAG 2.1 A/AA), the switcher keeps the page."""

import pytest

from .conftest import WCAG_21_AA

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker


def assert_axe_clean(page, axe):
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


def test_english_workshop_list_has_no_axe_violations(live_portal, page, axe):
    response = page.goto(live_portal + "/en/workshops/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Workshops at the Medienstudio"
    assert_axe_clean(page, axe)


def test_english_booking_form_and_its_errors_have_no_axe_violations(live_portal, page, axe):
    page.goto(live_portal + "/en/workshops/")
    page.locator(".session-card a").first.click()
    page.get_by_role("link", name="Book seats").or_(page.get_by_role("link", name="Join the waiting list")).click()
    assert "/en/workshops/termine/" in page.url and page.url.endswith("/buchen/")
    assert_axe_clean(page, axe)
    page.get_by_role("button", name="Book").click()  # nothing filled in: every error, in English
    assert page.locator("#error-summary-title").inner_text() == "Please check your details"
    assert "Please choose your school." in page.locator("#error-summary").inner_text()
    assert_axe_clean(page, axe)


def test_the_switcher_keeps_the_reader_on_the_same_workshop_page(live_portal, page):
    page.goto(live_portal + "/en/workshops/")
    page.locator(".session-card a").first.click()
    english_url = page.url
    page.locator('.language-switcher a[hreflang="de"]').click()
    assert page.url == english_url.replace("/en/workshops/", "/workshops/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator('.language-switcher a[hreflang="en"]').click()
    assert page.url == english_url
