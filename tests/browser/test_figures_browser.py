"""A reader sees chapter 5.3's figures as the demo publishes them."""

import pytest

from .test_accessibility import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker


def test_chapter_5_3_shows_forecast_chart_and_opens_its_table(live_portal, page):
    page.goto(live_portal + PAGES["chapter 5.3"])
    figure = page.locator('figure[data-figure-key="finance.forecast"]')
    assert figure.locator('svg[role="img"]').is_visible()
    assert "Beispieldaten" in figure.locator(".figure-block__note--synthetic").inner_text()
    table = figure.locator("details table")
    assert not table.is_visible()
    figure.locator("details.figure-block__data summary").click()
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 10
    rule = figure.locator(".provenance__rule")
    assert not rule.is_visible()
    figure.get_by_text("Wie entsteht diese Zahl?").click()
    assert rule.is_visible() and "Nutzungsdauer" in rule.inner_text()
    with page.expect_download() as download:
        figure.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "finance-forecast-2025-2026.csv"


def test_planner_uploads_a_new_workbook_and_chapter_5_3_shows_the_new_numbers(live_portal, portal_env, page, tmp_path):
    from content.demodata import generate
    from portal.engine.compute import compute_figures
    from portal.engine.dataset import load_dataset
    from tests.figures.conftest import workbook_from_folder

    from .conftest import manage

    manage(
        portal_env, "shell", "-c",
        "from django.contrib.auth.models import Group, User\n"
        "u = User.objects.create_user('planerin', password='Planung-im-Browser-1')\n"
        "u.groups.add(Group.objects.get(name='Planung'))",
    )
    workbook = workbook_from_folder(generate(tmp_path / "neu", variant="2027"), tmp_path / "mappe")
    expected = dict((f.key, f) for _, f in compute_figures(load_dataset(workbook)))["finance.forecast"].summary

    page.goto(live_portal + PAGES["chapter 5.3"])
    old = page.locator('figure[data-figure-key="finance.forecast"] .figure-block__summary').inner_text()
    assert old != expected

    page.goto(live_portal + "/admin/login/")
    page.fill("input[name=username]", "planerin")
    page.fill("input[name=password]", "Planung-im-Browser-1")
    page.locator("form button[type=submit]").click()
    page.goto(live_portal + "/admin/planungsdaten/")
    page.set_input_files("input[name=file]", str(workbook))
    page.set_input_files("input[name=plan]", str(tmp_path / "mappe" / "plan.toml"))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    assert "Datensatz geprüft" in page.content()
    with page.expect_navigation(timeout=120_000):  # the regeneration runs inline in this portal
        # click() waits for the navigation it starts as well: give it the same time (on a busy machine
        # the regeneration alone can take longer than click's default 30 s)
        page.locator('section[data-cycle="2025-2026"] tr.version').first.get_by_role("button", name="Neu berechnen").click(
            timeout=120_000
        )
    assert "erfolgreich" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").first.click()
    assert "sind veröffentlicht" in page.content()

    page.goto(live_portal + PAGES["chapter 5.3"])
    new = page.locator('figure[data-figure-key="finance.forecast"] .figure-block__summary').inner_text()
    assert new == expected
