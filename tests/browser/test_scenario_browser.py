"""A published scenario's page in a real browser: no axe violations, the reader's form answered, chapter 5.3's link."""

import pytest

from .conftest import WCAG_21_AA, manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

PUBLISH = """
from portal.figures import scenarios
from portal.figures.models import Cycle, Scenario
scenario, _ = Scenario.objects.get_or_create(
    cycle=Cycle.objects.get(slug="2025-2026"), name="Schülergeräte sechs Jahre nutzen",
    defaults={"useful_life_years": "ipad_pupils = 6", "price_increase_pct": 2},
)
scenarios.run(scenario)
scenarios.set_published(scenario, True)
print(scenario.get_absolute_url())
"""
CHAPTER = "/plan/teil-2-status-quo/inhaltsfelder/finanz-und-investitionsplanung/"


@pytest.fixture(scope="module")
def scenario_url(live_portal, portal_env):
    return manage(portal_env, "shell", "-c", PUBLISH).stdout.strip()


def test_scenario_page_and_its_answer_have_no_axe_violations(live_portal, scenario_url, page, axe):
    assert page.goto(live_portal + scenario_url).status == 200
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    # the plain GET form, sent by the browser itself: no script involved
    page.fill("#id_life_ipad_pupils", "7")
    page.fill("#id_price_increase_pct", "13")
    with page.expect_navigation():  # content() read mid-navigation is empty
        page.click(".whatif__form button[type=submit]")
    assert "Die Preissteigerung darf höchstens 10 % betragen." in page.content()
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    page.fill("#id_price_increase_pct", "2,5")
    with page.expect_navigation():
        page.click(".whatif__form button[type=submit]")
    assert page.locator(".whatif__result tbody tr").count() == 10
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_chapter_5_3_links_to_the_published_scenario(live_portal, scenario_url, page):
    page.goto(live_portal + CHAPTER)
    page.locator(f".scenario-links a[href='{scenario_url}']").click()
    assert page.url.endswith(scenario_url)
