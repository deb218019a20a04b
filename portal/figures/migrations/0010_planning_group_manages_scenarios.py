"""The "Planung" group may add, change, delete and view scenarios."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="figures", model="scenario")
    group, _ = Group.objects.get_or_create(name="Planung")
    for action in ("add", "change", "delete", "view"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_scenario", defaults={"name": f"Can {action} Szenario"}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("figures", "0009_scenarios"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
