"""Data sets move out of MEDIA_ROOT into the private storage, deflated, under unguessable names.

Refused versions keep their problems but lose their file.
"""

import io
import secrets
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models

import portal.figures.models
import portal.figures.storage


def _deflated(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(copy, source.read(info))
    return buffer.getvalue()


def move_to_private_storage(apps, schema_editor):
    DataSetVersion = apps.get_model("figures", "DataSetVersion")
    private = portal.figures.storage.private_storage()
    for version in DataSetVersion.objects.exclude(file=""):
        old = version.file.name
        if not default_storage.exists(old):
            continue  # already moved, or lost before this migration
        if version.status == "refused":
            version.file = ""
        else:
            with default_storage.open(old, "rb") as fh:
                data = _deflated(fh.read())
            folder = old.rsplit("/", 1)[0] if "/" in old else "datasets"
            version.file.name = private.save(f"{folder}/{secrets.token_hex(16)}.zip", ContentFile(data))
        version.save(update_fields=["file"])
        default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0005_planning_group_manages_cycles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="datasetversion",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=300,
                storage=portal.figures.storage.private_storage,
                upload_to=portal.figures.models.dataset_upload_path,
                verbose_name="Datei",
            ),
        ),
        migrations.AlterField(
            model_name="datasetversion",
            name="status",
            field=models.CharField(
                choices=[("checking", "wird geprüft"), ("validated", "geprüft"), ("refused", "abgelehnt")],
                max_length=20,
                verbose_name="Status",
            ),
        ),
        migrations.RunPython(move_to_private_storage, migrations.RunPython.noop),
    ]
