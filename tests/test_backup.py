"""Backup and restore (issue 18): a demo portal round-trips through one archive on this run's database.

The source is a copy of the run's test database (content pack) with demo figures, workshops, a booking,
an image and a document added in a process of its own; ``manage.py backup`` writes the archive, and
``manage.py restore`` brings it into an empty database and empty folders. Both are then read back and
compared object by object. On SQLite the run's engine is SQLite, on PostgreSQL it is PostgreSQL (CI runs both).
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.operations.backup import FORMAT, Folders, check_target, code_migrations
from tests.databases import copy_template, shared_folder

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("production-site")

FILL = """
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from portal.workshops.models import Booking, WorkshopSession

call_command("load_demo_data", verbosity=0)
call_command("load_workshops", verbosity=0)
session = WorkshopSession.objects.order_by("pk").first()
Booking.objects.create(session=session, school_id="123456", school_name="Beispielschule", email="lehrkraft@example.org", seats=2, status="confirmed")
png = io.BytesIO(); PILImage.new("RGB", (4, 3), (0, 79, 159)).save(png, "PNG")
Image.objects.create(title="Logo", file=ContentFile(png.getvalue(), "logo.png"))
Document.objects.create(title="Beschluss", file=ContentFile(b"%PDF-1.4 Beschluss", "beschluss.pdf"))
print(1)
"""

READ = """
import hashlib
from wagtail.models import Page
from wagtail.documents.models import Document
from wagtail.images.models import Image
from portal.figures.models import DataSetVersion, FigureSnapshot
from portal.workshops.models import Booking, WorkshopSession

def sha(field):
    with field.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()

print(json.dumps({
    "pages": sorted([p.pk, p.title, p.url_path, p.live, p.locale_id] for p in Page.objects.all()),
    "snapshots": sorted([s.regeneration_id, s.key, s.data_csv, s.svg[:200]] for s in FigureSnapshot.objects.all()),
    "datasets": sorted([v.pk, v.fingerprint, v.is_published, sha(v.file) if v.file else ""] for v in DataSetVersion.objects.all()),
    "sessions": sorted([s.pk, s.start.isoformat(), s.capacity] for s in WorkshopSession.objects.all()),
    "bookings": sorted([b.pk, b.school_id, b.seats, b.status, b.email] for b in Booking.objects.all()),
    "images": sorted([i.title, sha(i.file)] for i in Image.objects.all()),
    "documents": sorted([d.title, sha(d.file)] for d in Document.objects.all()),
}))
"""


def _env(tmp: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "MEP_TEST_EMAIL_DIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(tmp / "media"),
            "MEP_PRIVATE_ROOT": str(tmp / "private"),
            "MEP_VAR_DIR": str(tmp / "var"),
        }
    )
    return env


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _python(env, code):
    result = subprocess.run(
        [sys.executable, "-c", "import django, io, json; django.setup()\n" + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _new_database(tmp: Path, label: str, template: bool) -> str:
    """A database URL for this run's engine: a copy of the test template, or a new empty database."""
    if connection.vendor == "sqlite":
        path = tmp / f"{label}.sqlite3"
        if template:
            assert copy_template(shared_folder_for_test, sqlite_target=path)
        return f"sqlite:///{path}"
    name = f"mep_{label}_{uuid.uuid4().hex[:8]}"
    if template:
        assert copy_template(shared_folder_for_test, pg_name=name)
    else:
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    created_databases.append(name)
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


shared_folder_for_test: Path
created_databases: list[str] = []


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory, django_db_setup, django_db_blocker):
    global shared_folder_for_test
    shared_folder_for_test = shared_folder(tmp_path_factory)
    source_dir, target_dir = tmp_path_factory.mktemp("backup-source"), tmp_path_factory.mktemp("backup-target")
    with django_db_blocker.unblock():
        source = _env(source_dir, _new_database(source_dir, "source", template=True))
        target = _env(target_dir, _new_database(target_dir, "target", template=False))
    _python(source, FILL)
    archive = source_dir / "portal.tar.gz"
    backup = _manage(source, "backup", str(archive))
    assert backup.returncode == 0, backup.stderr[-3000:]
    restore = _manage(target, "restore", str(archive))
    yield {"source": source, "target": target, "archive": archive, "backup": backup, "restore": restore}
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.creation._nodb_cursor() as cursor:
                for name in created_databases:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
            created_databases.clear()


def test_restore_brings_back_every_page_figure_data_set_workshop_booking_and_upload(round_trip):
    assert round_trip["restore"].returncode == 0, round_trip["restore"].stderr[-3000:]
    assert "Wiederhergestellt" in round_trip["restore"].stdout
    before, after = _python(round_trip["source"], READ), _python(round_trip["target"], READ)
    for kind in before:
        assert before[kind], f"no {kind} in the demo portal: the comparison would prove nothing"
        assert after[kind] == before[kind], kind


def test_the_archive_holds_database_uploads_data_sets_and_a_manifest_with_checksums(round_trip):
    with tarfile.open(round_trip["archive"], "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    database = "database/db.sqlite3" if connection.vendor == "sqlite" else "database/db.dump"
    assert database in names
    assert any(n.startswith("media/original_images/") for n in names)
    assert any(n.startswith("media/documents/") for n in names)
    assert any(n.startswith("private/") for n in names)  # the uploaded planning data set
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert all(len(digest) == 64 for digest in manifest["files"].values())
    assert manifest["vendor"] == connection.vendor
    assert set(manifest["migrations"]) == set(code_migrations())
    assert manifest["versions"]["Django"].startswith("5.2")


def test_restore_refuses_a_target_that_is_not_empty_and_changes_nothing(round_trip):
    before = _python(round_trip["source"], READ)
    again = _manage(round_trip["source"], "restore", str(round_trip["archive"]))
    assert again.returncode != 0
    assert "Die Zieldatenbank ist nicht leer" in again.stderr
    assert "ist nicht leer" in again.stderr.split("Die Zieldatenbank ist nicht leer", 1)[1]  # the folders too
    assert _python(round_trip["source"], READ) == before


def test_restore_refuses_a_damaged_archive(round_trip, tmp_path, django_db_blocker):
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(round_trip["archive"], "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/documents/"):
                data = data + b"x"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with django_db_blocker.unblock():
        env = _env(fresh, _new_database(fresh, "damaged", template=False))
    result = _manage(env, "restore", str(damaged))
    assert result.returncode != 0
    assert "beschädigt oder verändert" in result.stderr
    assert "media/documents/" in result.stderr
    assert not (fresh / "media").exists()  # nothing unpacked into the target
    assert _python(env, "from django.db import connection\nprint(len(connection.introspection.table_names()))") == 0


def test_a_backup_never_overwrites_a_file(round_trip):
    result = _manage(round_trip["source"], "backup", str(round_trip["archive"]))
    assert result.returncode != 0
    assert "Die Datei gibt es schon" in result.stderr


def test_a_mismatched_migration_state_is_refused(tmp_path, db):
    manifest = {
        "format": FORMAT,
        "vendor": connection.vendor,
        "migrations": [*code_migrations()[1:], "plan.9999_from_the_future"],
    }
    problems = check_target(manifest, Folders(tmp_path / "media", tmp_path / "private"))
    text = " ".join(problems)
    assert "passt nicht zu dieser Software" in text
    assert "plan.9999_from_the_future" in text
    assert "fehlen in der Sicherung" in text


def test_an_archive_of_the_other_database_is_refused(tmp_path, db):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    problems = check_target(
        {"format": FORMAT, "vendor": other, "migrations": code_migrations()}, Folders(tmp_path / "m", tmp_path / "p")
    )
    assert any("dieselbe Art Datenbank" in p for p in problems)
