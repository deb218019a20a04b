"""The language a booking was made in, so that its mails (later ones too) are written in it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0004_housekeeping_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="language",
            field=models.CharField(default="de", editable=False, max_length=10, verbose_name="Sprache"),
        ),
    ]
