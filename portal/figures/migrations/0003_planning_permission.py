"""The permission to manage planning data, and the "Planung" group that holds it."""

from django.db import migrations


def create_planning_group(apps, schema_editor):
    """The "Planung" group: may enter the admin and manage planning data."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    cycle_type, _ = ContentType.objects.get_or_create(app_label="figures", model="cycle")
    manage, _ = Permission.objects.get_or_create(
        content_type=cycle_type,
        codename="manage_planning_data",
        defaults={"name": "Planungsdaten hochladen, berechnen und veröffentlichen"},
    )
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group, _ = Group.objects.get_or_create(name="Planung")
    group.permissions.add(manage, access)


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0002_initial_cycles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="cycle",
            options={
                "ordering": ["start_year"],
                "permissions": [("manage_planning_data", "Planungsdaten hochladen, berechnen und veröffentlichen")],
                "verbose_name": "Zyklus",
                "verbose_name_plural": "Zyklen",
            },
        ),
        migrations.RunPython(create_planning_group, migrations.RunPython.noop),
    ]
