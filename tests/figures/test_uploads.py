"""Uploads cannot take the server down, are checked in the background and are kept private and compressed."""

from __future__ import annotations

import importlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage

from portal.figures import services
from portal.figures.models import Cycle, DataSetVersion
from tests.bombs import MB, declare_size, huge_dimension, peak_memory, zip_bomb
from tests.figures.conftest import workbook_from_folder
from tests.figures.test_figures_admin import URL, upload

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cycle(db):
    return Cycle.objects.get(name="2025–2026")


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("planung", password="x-not-used")
    user.groups.add(Group.objects.get(name="Planung"))
    return user


def stored_files(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def run_queued_tasks():
    """What `manage.py db_worker --batch` does, minus closing the test's database connection."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test", excluded_queue_names=[],
    )
    queued = list(DBTaskResult.objects.ready())
    assert [task.task_path for task in queued] == ["portal.figures.tasks.validate_task"]
    for task in queued:
        worker.run_task(task)


# --- 8: bombs are refused ----------------------------------------------------


def test_upload_over_the_size_limit_is_cut_off_with_the_limit_named(client, planner, settings, tmp_path):
    settings.MEP_UPLOAD_MAX_MB = 1
    client.force_login(planner)
    big = tmp_path / "gross.zip"
    big.write_bytes(os.urandom(2 * MB))
    html = upload(client, big, "gross.zip").content.decode()
    assert "Die Datei ist größer als 1 MB; höchstens 1 MB dürfen hochgeladen werden." in html
    assert not DataSetVersion.objects.exists()
    assert stored_files(settings.MEP_PRIVATE_ROOT) == []


def test_form_refuses_a_file_over_the_limit(settings, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.figures.admin_views import UploadForm

    settings.MEP_UPLOAD_MAX_MB = 1
    form = UploadForm({"cycle": cycle.pk}, {"file": SimpleUploadedFile("d.zip", b"0" * (MB + 1))})
    assert not form.is_valid()
    assert form.errors["file"] == ["Die Datei ist größer als 1 MB; höchstens 1 MB dürfen hochgeladen werden."]


def test_zip_bomb_is_refused_before_it_is_unpacked(client, planner, settings, tmp_path, demo_folder):
    plan = (demo_folder / "plan.toml").read_bytes()
    bomb = zip_bomb(tmp_path / "bombe.zip", "daten/inventory.csv", megabytes=300, extra={"daten/plan.toml": plan})
    assert bomb.stat().st_size < 2 * MB
    client.force_login(planner)
    with peak_memory() as peak:
        html = upload(client, bomb, "bombe.zip").content.decode()
    assert peak() < 40  # MB of Python allocations; unpacking it would take 300
    version = DataSetVersion.objects.get()
    assert version.status == DataSetVersion.REFUSED
    assert version.problems == [
        "bombe.zip: Die Datei daten/inventory.csv im Archiv ist entpackt größer als 200 MB (300 MB)."
    ]
    assert "ist entpackt größer als 200 MB" in html
    assert not version.file and stored_files(settings.MEP_PRIVATE_ROOT) == []


def test_highly_compressed_zip_is_refused_by_its_ratio(cycle, tmp_path):
    bomb = zip_bomb(tmp_path / "bombe.zip", "inventory.csv", megabytes=50)
    version = services.import_dataset(cycle, bomb)
    assert version.status == DataSetVersion.REFUSED
    (problem,) = version.problems
    assert problem.startswith("bombe.zip: Die Datei inventory.csv im Archiv ist mehr als 100-fach gepackt")


def test_zip_entry_unpacking_to_more_than_it_declares_is_refused(cycle, tmp_path, settings):
    bomb = declare_size(zip_bomb(tmp_path / "luege.zip", "inventory.csv", megabytes=20), "inventory.csv", 1000)
    with peak_memory() as peak:
        version = services.import_dataset(cycle, bomb)
    assert peak() < 40
    assert version.problems == [
        "luege.zip: Die Datei inventory.csv im Archiv ist beschädigt oder entpackt größer, als das Archiv angibt."
    ]
    assert stored_files(settings.MEP_PRIVATE_ROOT) == []


def test_upload_still_needs_its_csrf_token(planner, demo_zip):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    response = client.post(
        URL, {"cycle": Cycle.current().pk, "file": SimpleUploadedFile("d.zip", demo_zip.read_bytes())}
    )
    assert response.status_code == 403
    assert not DataSetVersion.objects.exists()


def test_workbook_bomb_in_an_upload_is_refused_with_the_limit_named(cycle, demo_folder, tmp_path):
    book = huge_dimension(workbook_from_folder(demo_folder, tmp_path / "mappe"), "schools", empty_rows=30_000)
    with peak_memory() as peak:
        version = services.import_dataset(cycle, book, plan=tmp_path / "mappe" / "plan.toml")
    assert peak() < 60
    assert version.status == DataSetVersion.REFUSED
    assert version.problems == [
        "schools: Tabellenblatt ist laut Arbeitsmappe 1.048.576 Zeilen × 16.384 Spalten groß, "
        "erlaubt sind höchstens 1.000.000 Zeilen und 1.000 Spalten"
    ]


def test_validation_runs_in_the_background_worker(client, planner, settings, demo_zip):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    client.force_login(planner)
    html = upload(client, demo_zip, "daten.zip").content.decode()
    version = DataSetVersion.objects.get()
    assert version.status == DataSetVersion.CHECKING and version.problems == []
    assert "er wird im Hintergrund geprüft" in html
    page = client.get(URL).content.decode()
    assert "wird geprüft" in page and '<meta http-equiv="refresh" content="5">' in page
    run_queued_tasks()
    version.refresh_from_db()
    assert version.status == DataSetVersion.VALIDATED
    page = client.get(URL).content.decode()
    assert f'data-version="{version.pk}"' in page and 'http-equiv="refresh"' not in page


def test_settings_are_read_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "MEP_VAR_DIR": str(tmp_path / "var"),
        "MEP_UPLOAD_MAX_MB": "7",
        "MEP_UNPACKED_MAX_MB": "3",
        "MEP_PRIVATE_ROOT": str(tmp_path / "geheim"),
    }
    code = (
        "from portal.figures import services, storage\n"
        "print(services.upload_limit(), services.dataset_limits().file_bytes, storage.private_storage().location)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()[-1].split()
    assert out == [str(7 * MB), str(3 * MB), str(tmp_path / "geheim")]


# --- 9: stored data sets are compressed and private ------------------------


def test_stored_data_set_is_deflated_private_and_unguessable(client, cycle, demo_zip, demo_2027_folder):
    version = services.import_dataset(cycle, demo_zip)
    other = services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True)
    path = Path(version.file.path)
    assert path.is_relative_to(Path(settings.MEP_PRIVATE_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for stored in (version, other):
        assert re.fullmatch(r"datasets/2025-2026/[0-9a-f]{32}\.zip", stored.file.name)
        assert stored.fingerprint[:12] not in stored.file.name
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert {info.filename for info in infos} >= {"schools.csv", "inventory.csv", "plan.toml"}
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos)
    inventory = next(info for info in infos if info.filename == "inventory.csv")
    assert inventory.compress_size * 3 < inventory.file_size
    with pytest.raises(ValueError):
        _ = version.file.url
    assert client.get(settings.MEDIA_URL + version.file.name).status_code == 404
    assert stored_files(settings.MEDIA_ROOT) == []


def test_refused_upload_keeps_its_problems_not_its_file(cycle, bad_folder, settings):
    version = services.import_dataset(cycle, bad_folder)
    assert version.status == DataSetVersion.REFUSED and version.problems
    assert not version.file
    assert stored_files(settings.MEP_PRIVATE_ROOT) == []


def test_migration_moves_old_files_out_of_media_deflated(cycle, demo_folder, bad_folder, settings):
    migration = importlib.import_module("portal.figures.migrations.0006_private_dataset_files")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # as the old code stored them: uncompressed
        for file in sorted(demo_folder.iterdir()):
            archive.writestr(zipfile.ZipInfo(file.name), file.read_bytes())
    old = default_storage.save("datasets/2025-2026/datensatz-0123456789ab.zip", io.BytesIO(buffer.getvalue()))
    refused_old = default_storage.save("datasets/2025-2026/datensatz-abcdef012345.zip", io.BytesIO(b"x"))
    valid = DataSetVersion.objects.create(cycle=cycle, file=old, fingerprint="f" * 64, status="validated")
    refused = DataSetVersion.objects.create(cycle=cycle, file=refused_old, fingerprint="e" * 64, status="refused")

    from django.apps import apps

    migration.move_to_private_storage(apps, None)
    valid.refresh_from_db()
    refused.refresh_from_db()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert not refused.file
    assert re.fullmatch(r"datasets/2025-2026/[0-9a-f]{32}\.zip", valid.file.name)
    with zipfile.ZipFile(valid.file.path) as archive:
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    with services.unpacked(valid) as path:
        assert (path / "schools.csv").read_bytes() == (demo_folder / "schools.csv").read_bytes()
