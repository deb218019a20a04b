"""The Planung group uploads an asset-management export with a data set; the import report comes before acceptance."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.figures.models import Cycle, DataSetVersion
from tests.figures.conftest import zip_folder

URL = "/admin/planungsdaten/"
DEMO_ASSETS = Path(__file__).resolve().parents[2] / "content" / "demodata" / "assets"


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("planung", password="x-not-used")
    user.groups.add(Group.objects.get(name="Planung"))
    return user


def upload(client, dataset: Path, export: bytes | None, mapping: bytes | None, format="snipeit", name="daten.zip"):
    data = {"cycle": Cycle.objects.get(name="2025–2026").pk, "file": SimpleUploadedFile(name, dataset.read_bytes()), "assets_format": format}
    if export is not None:
        data["assets_export"] = SimpleUploadedFile("snipeit-export.csv", export)
    if mapping is not None:
        data["assets_mapping"] = SimpleUploadedFile("snipeit-mapping.toml", mapping)
    return client.post(URL, data)


def demo_export() -> tuple[bytes, bytes]:
    return (DEMO_ASSETS / "snipeit-export.csv").read_bytes(), (DEMO_ASSETS / "snipeit-mapping.toml").read_bytes()


def pending_files(settings) -> list[Path]:
    folder = Path(settings.MEP_PRIVATE_ROOT) / "pending-asset-imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def token_of(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_report_is_shown_before_the_data_set_is_accepted_then_accepted(client, planner, demo_zip, settings):
    client.force_login(planner)
    response = upload(client, demo_zip, *demo_export())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bericht des Imports aus der Inventarverwaltung" in html
    assert "snipeit-export.csv: 46 Geräte gelesen, 29 gezählt, 17 nicht gezählt; daraus werden 27 Zeilen in inventory.csv." in html
    assert "Status „Archived“: 9" in html and "Standort „Schulverwaltung Lager“: 1" in html and "Modell „USB-C HDMI Adapter“: 7" in html
    assert "Die inventory.csv aus der .zip wird durch den Import ersetzt." in html
    # counts per school and product group, the school's name from schools.csv beside its id
    assert '<th scope="row">S070 <small>Beispielschule Gymnasium 01</small></th><td>1</td><td>2</td><td>2</td><td>3</td><td>8</td>' in html
    assert '<th scope="row">ipad_teachers</th><td>10</td>' in html
    assert not DataSetVersion.objects.exists()  # nothing accepted yet
    assert len(pending_files(settings)) == 1

    response = client.post(f"{URL}inventarimport/uebernehmen/", {"token": token_of(html)}, follow=True)
    assert "Datensatz geprüft und als Version" in response.content.decode()
    version = DataSetVersion.objects.get()
    assert version.status == DataSetVersion.VALIDATED and version.uploaded_by == planner
    assert version.original_name == "daten.zip + snipeit-export.csv"
    with version.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as archive:
        inventory = archive.read("inventory.csv").decode("utf-8").splitlines()
        assert "schools.csv" in archive.namelist() and "plan.toml" in archive.namelist()
    assert inventory[0] == "school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years"
    assert len(inventory) == 28
    assert pending_files(settings) == []
    # the token is spent
    client.post(f"{URL}inventarimport/uebernehmen/", {"token": token_of(html)})
    assert DataSetVersion.objects.count() == 1


def test_refused_export_lists_every_problem_and_offers_the_mapping_template(client, planner, demo_zip, settings):
    client.force_login(planner)
    export, mapping = demo_export()
    mapping = mapping.replace(b'"Beispielschule Grundschule 02" = "S002"\n', b"")
    response = upload(client, demo_zip, export.replace(b"2021-03-", b"2021-13-"), mapping)
    html = response.content.decode()
    assert "Der Export aus der Inventarverwaltung wurde abgelehnt" in html
    assert "snipeit-export.csv:" in html and "Standort „Beispielschule Grundschule 02“ steht nicht in [schools]" in html
    assert not DataSetVersion.objects.exists() and pending_files(settings) == []
    assert "Bericht des Imports" not in html
    template = client.get(f"{URL}inventarimport/zuordnung-vorlage.toml")
    assert template["Content-Disposition"] == 'attachment; filename="zuordnung-vorlage.toml"'
    table = tomllib.loads(template.content.decode("utf-8"))
    assert table["schools"]["Beispielschule Grundschule 02"] == ""
    assert table["schools"]["Beispielschule Grundschule 01"] == "S001"


def test_mapping_problems_are_shown_located(client, planner, demo_zip):
    client.force_login(planner)
    export, mapping = demo_export()
    response = upload(client, demo_zip, export, mapping + b"\n[farben]\n")
    assert "snipeit-mapping.toml:25: key farben: unbekannter Abschnitt" in response.content.decode()
    assert not DataSetVersion.objects.exists()


def test_discarded_import_leaves_nothing(client, planner, demo_zip, settings):
    client.force_login(planner)
    html = upload(client, demo_zip, *demo_export()).content.decode()
    response = client.post(f"{URL}inventarimport/verwerfen/", {"token": token_of(html)}, follow=True)
    assert "Der Import wurde verworfen" in response.content.decode()
    assert pending_files(settings) == [] and not DataSetVersion.objects.exists()


def test_another_session_cannot_accept_the_import(client, planner, demo_zip, django_user_model):
    client.force_login(planner)
    token = token_of(upload(client, demo_zip, *demo_export()).content.decode())
    other = django_user_model.objects.create_user("planung2", password="x-not-used")
    other.groups.add(Group.objects.get(name="Planung"))
    client.force_login(other)
    response = client.post(f"{URL}inventarimport/uebernehmen/", {"token": token}, follow=True)
    assert "Dieser Import ist nicht mehr vorhanden" in response.content.decode()
    assert not DataSetVersion.objects.exists()


@pytest.mark.parametrize(
    "export, mapping, name, field, message",
    [
        (b"x", None, "daten.zip", "assets_mapping", "Zum Export gehört eine Zuordnung (.toml)."),
        (None, b"[schools]", "daten.zip", "assets_export", "Zur Zuordnung gehört der Export aus der Inventarverwaltung."),
        (b"x", b"[schools]", "mep.xlsx", "file", "Zusammen mit einem Export aus der Inventarverwaltung bitte die übrigen Tabellen"),
    ],
)
def test_the_form_wants_export_and_mapping_together_beside_a_zip(client, planner, demo_zip, export, mapping, name, field, message):
    client.force_login(planner)
    response = upload(client, demo_zip, export, mapping, name=name)
    assert message in response.context["form"].errors[field][0]
    assert not DataSetVersion.objects.exists()


def test_editor_cannot_reach_the_import_views(client, editor):
    client.force_login(editor)
    assert client.post(f"{URL}inventarimport/uebernehmen/", {"token": "abc"}).status_code == 302
    assert client.get(f"{URL}inventarimport/zuordnung-vorlage.toml").status_code == 302


def test_an_upload_without_export_works_as_before(client, planner, demo_folder, tmp_path):
    client.force_login(planner)
    response = upload(client, zip_folder(demo_folder, tmp_path / "d.zip"), None, None, format="")
    assert response.status_code == 302
    assert DataSetVersion.objects.get().status == DataSetVersion.VALIDATED


def test_a_school_id_the_data_set_lacks_is_refused_at_the_mapping(client, planner, demo_zip):
    client.force_login(planner)
    export, mapping = demo_export()
    response = upload(client, demo_zip, export, mapping.replace(b'= "S070"', b'= "S999"'))
    html = response.content.decode()
    assert "snipeit-mapping.toml:11: key schools.&quot;Beispielschule Gymnasium 01&quot;: school_id S999 steht nicht in schools.csv" in html
    assert "Bericht des Imports" not in html and not DataSetVersion.objects.exists()


def test_a_pending_import_left_for_a_day_is_dropped_with_the_next_one(client, planner, demo_zip, settings):
    import os
    import time

    client.force_login(planner)
    upload(client, demo_zip, *demo_export())
    [left] = pending_files(settings)
    day_ago = time.time() - 25 * 3600
    os.utime(left, (day_ago, day_ago))
    client.logout()  # the session that knew it is gone
    client.force_login(planner)
    upload(client, demo_zip, *demo_export())
    files = pending_files(settings)
    assert len(files) == 1 and left not in files
