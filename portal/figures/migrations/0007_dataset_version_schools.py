"""A data set version keeps its schools, so the booking form reads them from the database.

Published versions get theirs now, read once from their file; other validated
versions get theirs when they are published.
"""

from django.db import migrations, models


def store_published_schools(apps, schema_editor):
    from portal.figures.schools import read_schools

    DataSetVersion = apps.get_model("figures", "DataSetVersion")
    for version in DataSetVersion.objects.filter(is_published=True, status="validated").exclude(file=""):
        version.schools = read_schools(version)
        version.save(update_fields=["schools"])


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0006_private_dataset_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasetversion",
            name="schools",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="Schulen"),
        ),
        migrations.RunPython(store_published_schools, migrations.RunPython.noop),
    ]
