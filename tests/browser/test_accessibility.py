"""Zero axe-core violations (WCAG 2.1 A and AA) on the pages readers use most."""

import pytest

from .conftest import WCAG_21_AA

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

PAGES = {
    "home": "/",
    "plan": "/plan/",
    "chapter 5.3": "/plan/teil-2-status-quo/inhaltsfelder/finanz-und-investitionsplanung/",
    "actor map": "/plan/teil-1-retrospektive/akteure/",
    "milestones": "/plan/teil-1-retrospektive/meilensteine/",
    "partner offer": "/partnerangebote/medienstudio/",
    "compare cycles": "/abbildungen/vergleich/?key=finance.forecast&a=2025-2026&b=2027-2028",
    "open data": "/offene-daten/",
    "goals": "/ziele/",
    "goals filtered": "/ziele/?status=open&feld=controlling-und-evaluation",
    "goals in English": "/en/ziele/",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(live_portal, page, axe, name):
    response = page.goto(live_portal + PAGES[name])
    assert response.status == 200
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("name", ["home", "chapter 5.3", "actor map", "compare cycles", "open data", "goals"])
def test_page_fits_a_320_pixel_screen(live_portal, browser, name):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_portal + PAGES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0, f"{name}: {overflow} px breiter als der Bildschirm"


def test_goal_history_opens_without_script_and_has_no_axe_violations(live_portal, page, axe):
    page.goto(live_portal + PAGES["goals"])
    page.locator(".goal-report__history summary").first.click()
    assert page.locator(".goal-report__history[open] li").count() >= 1
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_skip_link_is_visible_on_focus_and_moves_to_main(live_portal, page):
    page.goto(live_portal + PAGES["chapter 5.3"])
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "Sprunglink bleibt bei Fokus unsichtbar"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_endnote_reference_jumps_to_the_note_and_back(live_portal, page):
    page.goto(live_portal + PAGES["chapter 5.3"])
    ref = page.locator("a.noteref").first
    number = ref.inner_text().split()[-1]
    ref.click()
    assert page.evaluate("location.hash") == f"#endnote-{number}"
    page.locator(f"#endnote-{number} a.backref").click()
    assert page.evaluate("location.hash") == f"#ref-{number}"


def test_no_request_leaves_the_machine(live_portal, page):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in PAGES.values():
        page.goto(live_portal + path)
    assert hosts == {live_portal.split("/")[2]}
