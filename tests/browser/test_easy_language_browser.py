"""The Leichte-Sprache page in a real browser: axe clean (WCAG 2.1 A/AA), larger type, reached from the header."""

import pytest

from .conftest import WCAG_21_AA

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker


def test_easy_language_page_has_no_axe_violations_and_reads_larger(live_portal, page, axe):
    response = page.goto(live_portal + "/leichte-sprache/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "de"
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    sentence = page.locator("article.easy-language .easy-sentences p").first
    size = float(sentence.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    line_height = float(sentence.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert size >= 1.2 * body_size and line_height >= 1.7 * size
    assert sentence.evaluate("e => getComputedStyle(e).textAlign") in ("left", "start")
    box = page.locator("aside.explained-word").first
    assert box.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"


def test_english_header_leads_to_the_german_page(live_portal, page):
    page.goto(live_portal + "/en/")
    link = page.locator("header .easy-language-link a")
    assert " ".join(link.inner_text().split()) == "Leichte Sprache (Easy German)"
    link.click()
    assert page.url == live_portal + "/leichte-sprache/"
    assert page.locator("h1").inner_text() == "Leichte Sprache"
