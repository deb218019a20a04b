"""The search page in a real browser: axe on a page with results, and the autocomplete by keyboard."""

import pytest

from .conftest import WCAG_21_AA

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker


def test_search_page_with_results_has_no_axe_violations(live_portal, page, axe):
    response = page.goto(live_portal + "/suche/?q=Medienscouts")
    assert response.status == 200
    assert page.locator(".search-result mark").count() > 0
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


def test_empty_search_with_suggestions_has_no_axe_violations(live_portal, page, axe):
    page.goto(live_portal + "/suche/?q=Fortbildnugen")
    assert page.locator(".search-suggestions-list a").count() > 0
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_autocomplete_works_with_the_keyboard(live_portal, page, axe):
    page.goto(live_portal + "/suche/")
    field = page.locator("#search-q")
    field.focus()
    page.keyboard.type("Betrieb")
    options = page.locator("#search-suggestions [role=option]")
    options.first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("ArrowDown")
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert field.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert page.locator("#search-suggestions").is_hidden()
    page.keyboard.press("ArrowDown")  # opens the list again
    options.first.wait_for()
    page.keyboard.press("ArrowDown")
    target = options.first.get_attribute("data-url")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_portal + target


def test_without_javascript_the_form_searches(live_portal, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_portal + "/suche/")
    page.fill("#search-q", "Datenstrategie")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    assert "q=Datenstrategie" in page.url
    assert page.locator(".search-result").count() > 0
    context.close()
