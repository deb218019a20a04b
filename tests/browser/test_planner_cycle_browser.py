"""The planner's path in a real browser: template download, help, the cycle's settings, a refusal that helps, an upload,
the preview and the publication."""

import csv
import io

import openpyxl
import pytest

from .conftest import WCAG_21_AA, manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

PLANNER = (
    "from django.contrib.auth.models import Group, User\n"
    "u, _ = User.objects.get_or_create(username='zyklusplanerin')\n"
    "u.set_password('Zyklus-im-Browser-1'); u.save()\n"
    "u.groups.add(Group.objects.get(name='Planung'))"
)


def assert_no_axe_violations(axe, page):
    # Wagtail's messages fade in over half a second: check the colours they end with, not a blend on the way
    page.wait_for_function(
        "() => [...document.querySelectorAll('.messages > ul')].every(list => getComputedStyle(list).opacity === '1')"
    )
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def fill_template(template: bytes, folder, target):
    """The downloaded template with its example rows deleted and the demo data's rows added, column by column."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for sheet in book.worksheets:
        if sheet.sheet_state == "hidden" or sheet.title == "Hinweise":
            continue
        sheet.delete_rows(2)
        source = folder / f"{sheet.title}.csv"
        if not source.is_file():
            continue
        order = [cell.value for cell in sheet[1]]
        with source.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                sheet.append([row.get(name) or None for name in order])
    book.save(target)
    return target


def test_planner_goes_from_template_to_publication(live_portal, portal_env, page, axe, tmp_path):
    from content.demodata import generate

    manage(portal_env, "shell", "-c", PLANNER)
    page.goto(live_portal + "/admin/login/")
    page.fill("input[name=username]", "zyklusplanerin")
    page.fill("input[name=password]", "Zyklus-im-Browser-1")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(live_portal + "/admin/planungsdaten/")
    assert_no_axe_violations(axe, page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Vorlage herunterladen (.xlsx)").click()
    assert download.value.suggested_filename == "planungsdaten-vorlage.xlsx"
    template = download.value.path().read_bytes()

    with page.expect_navigation():
        page.get_by_role("link", name="Hilfe: welche Dateien, Spalten und Regeln?").click()
    assert page.get_by_role("heading", name="schools.csv").is_visible()
    assert_no_axe_violations(axe, page)

    page.goto(live_portal + "/admin/planungsdaten/")
    with page.expect_navigation():
        page.get_by_role("link", name="Einstellungen des Zyklus 2027–2028").click()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Vorausschau: letztes Jahr").fill("2020")  # before the first year: the engine's rule answers
    with page.expect_navigation():
        page.get_by_role("button", name="Einstellungen speichern").click()
    assert "das erste Jahr liegt nach dem letzten" in page.content()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Vorausschau: letztes Jahr").fill("2036")
    page.get_by_label("Preissteigerung pro Jahr (%)").fill("2.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Einstellungen speichern").click()
    assert "sind gespeichert" in page.content()

    folder = generate(tmp_path / "daten", variant="2027")
    renamed = tmp_path / "schulen.xlsx"
    renamed.write_bytes((folder / "schools.csv").read_bytes())
    page.select_option("select[name=cycle]", label="2027–2028")
    page.set_input_files("input[name=file]", str(renamed))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    problems = page.locator("[role=alert] ul.problems li")
    assert problems.count() == 1
    assert "Diese Datei ist keine Excel-Arbeitsmappe. Bitte in Excel als .xlsx speichern" in problems.inner_text()
    assert "(1 Problem)" in page.content()
    assert page.locator("select[name=cycle] option:checked").inner_text() == "2027–2028"
    assert "schulen.xlsx" in page.locator(".sent-files").inner_text()
    assert_no_axe_violations(axe, page)

    filled = fill_template(template, folder, tmp_path / "ausgefuellt.xlsx")
    page.select_option("select[name=cycle]", label="2027–2028")
    page.set_input_files("input[name=file]", str(filled))  # no plan.toml: the cycle's settings apply
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    assert "Datensatz geprüft und als Version" in page.content()

    # regenerate, look at the preview, confirm, publish
    with page.expect_navigation(timeout=120_000):  # the regeneration runs inline in this portal
        page.locator('section[data-cycle="2027-2028"] tr.version').first.get_by_role("button", name="Neu berechnen").click(
            timeout=120_000
        )
    assert "/vorschau/" in page.url and "Prüfen Sie die Vorschau" in page.content()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Ich habe die Vorschau geprüft").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()
    assert "sind veröffentlicht" in page.content()
    assert "zyklusplanerin" in page.locator('section[data-cycle="2027-2028"] .planning-log').inner_text()
