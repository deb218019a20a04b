"""Record of each workshop housekeeping run; the Medienzentrum's group may see it on the admin dashboard."""

import django.utils.timezone
from django.db import migrations, models

from portal import groups

GROUP = "Medienzentrum (Workshops)"


def allow_group_to_view_runs(apps, schema_editor):
    groups.create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="workshops", codename="view_housekeepingrun")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(*view)


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0003_booking_double_opt_in"),
    ]

    operations = [
        migrations.CreateModel(
            name="HousekeepingRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("trigger", models.CharField(choices=[("traffic", "durch Seitenaufrufe angestoßen"), ("command", "Befehl run_housekeeping")], max_length=20, verbose_name="Anlass")),
                ("interval_start", models.DateTimeField(blank=True, null=True, unique=True, verbose_name="Intervall ab")),
                ("enqueued_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Eingeplant am")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="Begonnen am")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="Beendet am")),
                ("lapsed", models.PositiveIntegerField(default=0, verbose_name="Verfallene Buchungen")),
                ("erased", models.PositiveIntegerField(default=0, verbose_name="Gelöschte Personendaten")),
                ("reminders", models.PositiveIntegerField(default=0, verbose_name="Gesendete Erinnerungen")),
                ("error", models.TextField(blank=True, verbose_name="Fehler")),
            ],
            options={
                "verbose_name": "Datenpflege-Lauf",
                "verbose_name_plural": "Datenpflege-Läufe",
                "ordering": ["-enqueued_at", "-id"],
            },
        ),
        migrations.RunPython(allow_group_to_view_runs, migrations.RunPython.noop),
    ]
