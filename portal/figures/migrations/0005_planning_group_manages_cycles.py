"""The "Planung" group may add and change the plan's cycles."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="figures", model="cycle")
    group, _ = Group.objects.get_or_create(name="Planung")
    for codename, name in [("add_cycle", "Can add Zyklus"), ("change_cycle", "Can change Zyklus"), ("view_cycle", "Can view Zyklus")]:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("figures", "0004_snapshot_column_labels"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
