"""The planner's cycle in the admin: template download, help page, the cycle's settings form, refusals that help."""

from __future__ import annotations

import html
import io
import shutil

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import get_plugin_manager
from portal.engine.specs import EXAMPLE_COLUMN, Column, TableSpec
from portal.figures.models import Cycle, DataSetVersion
from tests.figures.conftest import workbook_from_folder, zip_folder

URL = "/admin/planungsdaten/"


class StrangersPlugin:
    @hookimpl
    def mep_tables(self):
        return [TableSpec("bike_racks", columns=(Column("racks", "int", min=0), Column("colour", description="Farbe")))]


@pytest.fixture
def stranger(monkeypatch):
    """Every plugin, plus one from elsewhere whose table the portal has never heard of."""
    pm = get_plugin_manager()
    pm.register(StrangersPlugin(), name="bikes")
    monkeypatch.setattr("portal.engine.plugins.get_plugin_manager", lambda only=None: pm)
    return pm


@pytest.fixture
def planner(db, django_user_model, client):
    user = django_user_model.objects.create_user("planung", password="x-not-used")
    user.groups.add(Group.objects.get(name="Planung"))
    client.force_login(user)
    return user


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def post(client, file: tuple[str, bytes], plan: bytes | None = None, cycle: Cycle | None = None):
    data = {"cycle": (cycle or Cycle.current()).pk, "file": SimpleUploadedFile(*file)}
    if plan is not None:
        data["plan"] = SimpleUploadedFile("plan.toml", plan)
    return client.post(URL, data, follow=True)


def test_upload_screen_links_template_help_and_cycles(client, planner):
    page = text_of(client.get(URL))
    for target in (f"{URL}vorlage.xlsx", f"{URL}hilfe/", "/admin/snippets/figures/cycle/"):
        assert f'href="{target}' in page


def test_template_download_has_a_sheet_per_declared_table_including_a_strangers(client, planner, stranger):
    from portal.engine.describe import declared_tables

    response = client.get(f"{URL}vorlage.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "planungsdaten-vorlage.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    for table in declared_tables(stranger):
        assert [c.value for c in book[table.name][1]] == [c.name for c in table.spec.columns] + [EXAMPLE_COLUMN]
    assert "bike_racks" in book.sheetnames


def test_help_page_lists_every_declared_column(client, planner, stranger):
    from portal.engine.describe import declared_tables, description, rule_text

    page = text_of(client.get(f"{URL}hilfe/"))
    for table in declared_tables(stranger):
        assert f'id="tabelle-{table.name}"' in page
        for column in table.spec.columns:
            assert f'data-column="{column.name}"' in page
            assert rule_text(column) in page and description(column) in page
    assert "(keine Beschreibung angegeben)" in page  # the stranger's racks
    for key in ("cycle.baseline", "cycle.horizon", "cycle.price_base_year", "cycle.price_increase_pct"):
        assert f"<code>{key}</code>" in page
    assert page.index("Zyklus anlegen") < page.index("Vorlage herunterladen") < page.index("Veröffentlichen")


def test_a_csv_renamed_to_xlsx_gets_one_german_sentence(client, planner, demo_folder):
    response = post(
        client, ("daten.xlsx", (demo_folder / "schools.csv").read_bytes()), plan=(demo_folder / "plan.toml").read_bytes()
    )
    version = DataSetVersion.objects.get()
    assert version.problems == [
        "daten.xlsx: Diese Datei ist keine Excel-Arbeitsmappe. Bitte in Excel als .xlsx speichern oder die Vorlage "
        "verwenden. (Sie enthält Text – vielleicht eine umbenannte CSV-Datei.)"
    ]
    page = text_of(response)
    assert "Der Datensatz wurde abgelehnt (1 Problem)." in page
    assert "Gesendet: <code>daten.xlsx</code>, <code>plan.toml</code>" in page


def test_refused_upload_keeps_the_chosen_cycle_and_links_each_problem_to_help(client, planner, demo_folder, tmp_path):
    other = Cycle.objects.get(name="2027–2028")
    folder = tmp_path / "ohne-schulen"
    shutil.copytree(demo_folder, folder)
    (folder / "schools.csv").unlink()
    response = post(client, ("daten.zip", zip_folder(folder, tmp_path / "d.zip").read_bytes()), cycle=other)
    page = text_of(response)
    (problem,) = DataSetVersion.objects.get().problems
    assert problem.startswith("schools.csv: Datei fehlt (je Zeile eine Schule; Spalten: school_id, name,")
    assert "(1 Problem)" in page
    assert f'<a class="problem-help" href="{URL}hilfe/#tabelle-schools">Welche Spalten braucht schools.csv?</a>' in page
    assert f'<option value="{other.pk}" selected>' in page


def test_refusals_count_problems_in_german_plural(client, planner, bad_folder, tmp_path):
    page = text_of(post(client, ("bad.zip", zip_folder(bad_folder, tmp_path / "bad.zip").read_bytes())))
    count = len(DataSetVersion.objects.get().problems)
    assert count > 1 and f"({count} Probleme)" in page


def test_a_file_that_is_no_zip_says_so(client, planner):
    (problem,) = post(client, ("daten.zip", b"school_id,name\n")).context["refused"].problems
    assert problem.startswith("daten.zip: Diese Datei ist kein .zip-Archiv.")


def test_settings_form_starts_from_the_example_and_saves_plan_toml(client, planner):
    cycle = Cycle.objects.get(name="2027–2028")
    Cycle.objects.filter(pk=cycle.pk).update(plan_toml="")
    url = f"{URL}zyklus/{cycle.pk}/einstellungen/"
    form = client.get(url).context["form"]
    assert form.initial["name"] == "2027–2028" and form.initial["horizon_start"] == cycle.start_year
    data = {
        "name": "2027–2028",
        "baseline": "2026-12-31",
        "horizon_start": "2027",
        "horizon_end": "2036",
        "price_base_year": "2027",
        "price_increase_pct": "2.5",
        "target_grundschule": "30",
        "target_förderschule": "100",
        "target_default": "100",
    }
    response = client.post(url, data, follow=True)
    assert "sind gespeichert" in text_of(response)
    import tomllib

    plan = tomllib.loads(Cycle.objects.get(pk=cycle.pk).plan_toml)
    assert plan["cycle"]["horizon"] == [2027, 2036] and plan["cycle"]["price_increase_pct"] == 2.5
    assert "synthetic" not in plan["cycle"]  # not ticked: real data
    assert plan["targets"]["device_ratio_pct"] == {"Grundschule": 30, "Förderschule": 100, "default": 100}
    download = client.get(f"{URL}zyklus/{cycle.pk}/plan.toml")
    assert download.content.decode() == Cycle.objects.get(pk=cycle.pk).plan_toml


def test_settings_form_refuses_what_the_engine_refuses(client, planner):
    cycle = Cycle.current()
    url = f"{URL}zyklus/{cycle.pk}/einstellungen/"
    data = {
        "name": "x",
        "baseline": "2024-12-31",
        "horizon_start": "2034",
        "horizon_end": "2025",
        "price_base_year": "2025",
        "price_increase_pct": "-150",
    }
    before = Cycle.objects.get(pk=cycle.pk).plan_toml
    form = client.post(url, data).context["form"]
    assert form.errors["horizon_start"] == ["cycle.horizon: das erste Jahr liegt nach dem letzten"]
    assert form.errors["price_increase_pct"] == ["cycle.price_increase_pct: muss größer als -100 sein"]
    assert "Bitte mindestens einen Zielwert eintragen" in str(form.non_field_errors())
    assert Cycle.objects.get(pk=cycle.pk).plan_toml == before


def test_workbook_without_plan_uses_the_cycles_settings_and_an_uploaded_plan_shows_in_the_form(
    client, planner, demo_folder, tmp_path
):
    cycle = Cycle.current()
    workbook = workbook_from_folder(demo_folder, tmp_path / "mappe")
    plan = (demo_folder / "plan.toml").read_text(encoding="utf-8")
    Cycle.objects.filter(pk=cycle.pk).update(plan_toml="")
    refused = post(client, ("mep.xlsx", workbook.read_bytes()))
    assert "Einstellungen des Zyklus im Formular" in text_of(refused)
    post(client, ("daten.zip", zip_folder(demo_folder, tmp_path / "d.zip").read_bytes()))
    assert Cycle.objects.get(pk=cycle.pk).plan_toml == plan  # the uploaded plan.toml, as the form now shows it
    form = client.get(f"{URL}zyklus/{cycle.pk}/einstellungen/").context["form"]
    assert form.initial["horizon_start"] == 2025
    assert form.initial["synthetic"] is True  # the demo's plan.toml says so, and the planner sees it
    DataSetVersion.objects.all().delete()
    response = post(client, ("mep.xlsx", workbook.read_bytes()))
    assert "Datensatz geprüft und als Version" in text_of(response)
    assert DataSetVersion.objects.get().status == DataSetVersion.VALIDATED


@pytest.mark.parametrize(
    ("problem", "anchor", "label"),
    [
        ("plan.toml:3: column cycle.horizon: …", "#plan-toml", "Was gehört in plan.toml?"),
        ("mep.xlsx: Tabellenblatt catalog fehlt (…)", "#tabelle-catalog", "Welche Spalten braucht catalog.csv?"),
        ("inventory:3: column quantity: keine ganze Zahl", "#tabelle-inventory", "Welche Spalten braucht inventory.csv?"),
        ("support_tickets.csv:2: column level: …", "#tabelle-support_tickets", "Welche Spalten braucht support_tickets.csv?"),
        ("daten.xlsx: Diese Datei ist keine Excel-Arbeitsmappe.", "", "Welche Dateien braucht ein Datensatz?"),
    ],
)
def test_each_problem_links_to_the_help_on_its_file(db, problem, anchor, label):
    from portal.figures.templatetags.planning_help import problem_help

    assert problem_help(problem) == {"url": f"{URL}hilfe/{anchor}", "label": label}


def test_a_failed_plugin_gets_no_help_link(db):
    from portal.figures.templatetags.planning_help import problem_help

    assert problem_help("Plugin „finance“ ist fehlgeschlagen: ValueError: kaputt") is None
