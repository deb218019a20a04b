"""A planner of the "Planung" group uploads, regenerates and publishes in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.figures.models import Cycle, DataSetVersion, Regeneration
from tests.figures.conftest import workbook_from_folder

URL = "/admin/planungsdaten/"


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("planung", password="x-not-used")
    user.groups.add(Group.objects.get(name="Planung"))
    return user


def upload(client, path, name, plan=None, cycle=None):
    data = {
        "cycle": (cycle or Cycle.objects.get(name="2025–2026")).pk,
        "file": SimpleUploadedFile(name, path.read_bytes()),
    }
    if plan is not None:
        data["plan"] = SimpleUploadedFile("plan.toml", plan.read_bytes())
    return client.post(URL, data, follow=True)


def test_planner_uploads_regenerates_and_publishes_a_workbook(client, planner, demo_folder, tmp_path):
    client.force_login(planner)
    page = client.get(URL)
    assert page.status_code == 200 and "Datensatz hochladen" in page.content.decode()
    workbook = workbook_from_folder(demo_folder, tmp_path / "mappe")
    response = upload(client, workbook, "mep.xlsx", plan=tmp_path / "mappe" / "plan.toml")
    assert "Datensatz geprüft und als Version" in response.content.decode()
    version = DataSetVersion.objects.get()
    assert version.status == DataSetVersion.VALIDATED and version.uploaded_by == planner
    response = client.post(f"{URL}version/{version.pk}/berechnen/", follow=True)
    regeneration = Regeneration.objects.get()
    assert regeneration.status == Regeneration.SUCCEEDED
    assert response.redirect_chain[-1][0] == f"{URL}berechnung/{regeneration.pk}/vorschau/"
    assert "ist fertig. Prüfen Sie die Vorschau" in response.content.decode()
    response = client.post(f"{URL}berechnung/{regeneration.pk}/veroeffentlichen/", follow=True)
    assert "Bitte bestätigen Sie" in response.content.decode()
    assert Cycle.objects.get(name="2025–2026").published_regeneration() is None
    response = client.post(f"{URL}berechnung/{regeneration.pk}/veroeffentlichen/", {"confirmed": "1"}, follow=True)
    assert "sind veröffentlicht" in response.content.decode()
    assert Cycle.objects.get(name="2025–2026").published_regeneration() == regeneration


def test_refused_upload_shows_every_problem(client, planner, bad_folder, tmp_path):
    from tests.figures.conftest import zip_folder

    client.force_login(planner)
    response = upload(client, zip_folder(bad_folder, tmp_path / "bad.zip"), "bad.zip")
    html = response.content.decode()
    assert "Der Datensatz wurde abgelehnt" in html
    version = DataSetVersion.objects.get()
    assert version.problems
    for problem in version.problems:
        assert f"<code lang=\"de\">{problem}</code>" in html.replace("&quot;", '"').replace("&#x27;", "'")


def test_workbook_without_plan_is_refused_by_the_form(client, planner, demo_folder, tmp_path):
    client.force_login(planner)
    workbook = workbook_from_folder(demo_folder, tmp_path / "mappe")
    response = upload(client, workbook, "mep.xlsx")
    assert "Zu einer Arbeitsmappe gehört die plan.toml" in response.content.decode()
    assert not DataSetVersion.objects.exists()


def test_editor_without_planning_permission_is_turned_away(client, editor, demo_zip):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's answer to a denied view
    response = client.post(URL, {"cycle": Cycle.current().pk, "file": SimpleUploadedFile("d.zip", demo_zip.read_bytes())})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not DataSetVersion.objects.exists()
    assert "/admin/planungsdaten/" not in client.get("/admin/").content.decode()


def test_planner_sees_the_menu_item(client, planner):
    client.force_login(planner)
    assert "/admin/planungsdaten/" in client.get("/admin/").content.decode()  # the sidebar menu


def test_planner_adds_the_next_cycle_and_makes_it_current(client, planner):
    client.force_login(planner)
    response = client.post(
        "/admin/snippets/figures/cycle/add/",
        {"name": "2029–2030", "start_year": 2029, "end_year": 2030, "is_current": "on"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Cycle.current().name == "2029–2030"
    assert Cycle.objects.filter(is_current=True).count() == 1
    assert Cycle.objects.get(name="2025–2026").is_current is False
