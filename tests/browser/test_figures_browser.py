"""A reader sees chapter 5.3's figures as the demo publishes them."""

import pytest

from .test_accessibility import PAGES

pytestmark = pytest.mark.browser


def test_chapter_5_3_shows_forecast_chart_and_opens_its_table(live_portal, page):
    page.goto(live_portal + PAGES["chapter 5.3"])
    figure = page.locator('figure[data-figure-key="finance.forecast"]')
    assert figure.locator('svg[role="img"]').is_visible()
    assert "Beispieldaten" in figure.locator(".figure-block__note--synthetic").inner_text()
    table = figure.locator("details table")
    assert not table.is_visible()
    figure.locator("details summary").click()
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 10
    with page.expect_download() as download:
        figure.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "finance-forecast-2025-2026.csv"
