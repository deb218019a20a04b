"""A reader sees chapter 5.3's figures as the demo publishes them."""

import pytest

from .conftest import WCAG_21_AA
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


def axe_clean(page, axe, where):
    """No WCAG 2.1 A/AA violation on the planning screen's own content.

    Wagtail's frame is Wagtail's, and so are its flash messages: white on #238a6b, 4.26:1 while they fade in.
    """
    results = axe.run(page, context={"include": [["main"]], "exclude": [[".messages"]]}, options=WCAG_21_AA)
    assert results.response["passes"], f"{where}: axe hat nichts geprüft"
    assert results.violations_count == 0, f"{where}: " + results.generate_report()


def test_planner_uploads_a_new_workbook_previews_publishes_and_restores(live_portal, portal_env, page, axe, tmp_path):
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
    # other numbers for the same cycle: the 2025 data set drawn with another seed
    workbook = workbook_from_folder(generate(tmp_path / "neu", seed=7, variant="2025"), tmp_path / "mappe")
    expected = dict((f.key, f) for _, f in compute_figures(load_dataset(workbook)))["finance.forecast"].summary
    wrong_cycle = workbook_from_folder(generate(tmp_path / "spaeter", variant="2027"), tmp_path / "falsch")

    page.goto(live_portal + PAGES["chapter 5.3"])
    old = page.locator('figure[data-figure-key="finance.forecast"] .figure-block__summary').inner_text()
    assert old != expected

    page.goto(live_portal + "/admin/login/")
    page.fill("input[name=username]", "planerin")
    page.fill("input[name=password]", "Planung-im-Browser-1")
    page.locator("form button[type=submit]").click()
    page.goto(live_portal + "/admin/planungsdaten/")

    # data of 2027–2028 offered to 2025–2026: held back, every difference named
    page.set_input_files("input[name=file]", str(wrong_cycle))
    page.set_input_files("input[name=plan]", str(tmp_path / "falsch" / "plan.toml"))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    alert = page.locator('main [role="alert"]')
    assert "passt nicht zum Zyklus 2025–2026" in alert.inner_text()
    assert alert.locator("li").count() == 3
    assert page.get_by_role("button", name="Trotzdem übernehmen").is_visible()
    axe_clean(page, axe, "Planungsdaten mit abgelehntem Datensatz")

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
    # the preview: key numbers published → regenerated, the figures side by side, a confirmation
    assert "/vorschau/" in page.url
    assert "Prüfen Sie die Vorschau" in page.content()
    total = page.locator(".key-numbers li", has_text="Finanzbedarf im Planungshorizont – Gesamt (€) 2025–2034")
    assert " → " in total.inner_text() and "Mio. €" in total.inner_text()
    forecast = page.locator('details[data-figure-key="finance.forecast"]')
    assert forecast.locator("figure svg").count() == 2
    axe_clean(page, axe, "Vorschau")
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()  # not confirmed: the browser keeps the form
        page.get_by_label("Ich habe die Vorschau geprüft").check()
        page.get_by_role("button", name="Veröffentlichen").click()
    assert "sind veröffentlicht" in page.content()
    assert "Abbildungen veröffentlicht – planerin" in page.locator('section[data-cycle="2025-2026"] .planning-log').inner_text()
    axe_clean(page, axe, "Planungsdaten nach dem Veröffentlichen")

    page.goto(live_portal + PAGES["chapter 5.3"])
    new = page.locator('figure[data-figure-key="finance.forecast"] .figure-block__summary').inner_text()
    assert new == expected

    # one click back to what readers saw before
    page.goto(live_portal + "/admin/planungsdaten/")
    with page.expect_navigation():
        page.locator('section[data-cycle="2025-2026"]').get_by_role("button", name="Vorherige Fassung wiederherstellen").click()
    assert "ist wiederhergestellt" in page.content()
    page.goto(live_portal + PAGES["chapter 5.3"])
    assert page.locator('figure[data-figure-key="finance.forecast"] .figure-block__summary').inner_text() == old
