"""A planner uploads an asset-management export in a real browser: the report, without axe violations, then acceptance."""

from pathlib import Path

import pytest

from .conftest import WCAG_21_AA, manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

DEMO_ASSETS = Path(__file__).resolve().parents[2] / "content" / "demodata" / "assets"


def test_planner_sees_the_import_report_then_accepts_the_data_set(live_portal, portal_env, page, axe, tmp_path):
    import zipfile

    from content.demodata import generate

    manage(
        portal_env, "shell", "-c",
        "from django.contrib.auth.models import Group, User\n"
        "u = User.objects.create_user('inventar', password='Inventar-im-Browser-1')\n"
        "u.groups.add(Group.objects.get(name='Planung'))",
    )  # fmt: skip
    folder = generate(tmp_path / "daten", seed=11)  # not the demo data set the portal already holds
    archive = tmp_path / "daten.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted(folder.iterdir()):
            zipped.write(file, "daten/" + file.name)
    page.goto(live_portal + "/admin/login/")
    page.fill("input[name=username]", "inventar")
    page.fill("input[name=password]", "Inventar-im-Browser-1")
    page.locator("form button[type=submit]").click()
    page.goto(live_portal + "/admin/planungsdaten/")
    page.set_input_files("input[name=file]", str(archive))
    page.set_input_files("input[name=assets_export]", str(DEMO_ASSETS / "snipeit-export.csv"))
    page.set_input_files("input[name=assets_mapping]", str(DEMO_ASSETS / "snipeit-mapping.toml"))
    page.select_option("select[name=assets_format]", "snipeit")
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    report = page.locator("section.asset-import-report")
    assert "46 Geräte gelesen, 29 gezählt, 17 nicht gezählt" in report.inner_text()
    assert report.locator(".asset-import-schools table").is_visible()  # five schools: open at once
    results = axe.run(page, context="section.asset-import-report", options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    with page.expect_navigation():
        report.get_by_role("button", name="Übernehmen").click()
    assert "Datensatz geprüft und als Version" in page.content()
