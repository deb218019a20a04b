# Figures in more languages than German (issue 11, point 3); existing snapshots stay German.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('figures', '0007_dataset_version_schools'),
    ]

    operations = [
        migrations.AddField(
            model_name='figuresnapshot',
            name='translations',
            field=models.JSONField(blank=True, default=dict, verbose_name='Übersetzungen'),
        ),
    ]
