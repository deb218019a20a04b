"""The Freigabe group (Schulverwaltungsamt) may keep the council's edition of the plan in the admin."""

from django.db import migrations

FREIGABE = "Freigabe"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    edition_type, _ = ContentType.objects.get_or_create(app_label="plan", model="counciledition")
    permission, _ = Permission.objects.get_or_create(
        content_type=edition_type, codename="add_counciledition", defaults={"name": "Can add Beschlussfassung"}
    )
    group, _ = Group.objects.get_or_create(name=FREIGABE)
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=FREIGABE).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="plan", codename="add_counciledition"))


class Migration(migrations.Migration):
    dependencies = [("plan", "0014_goal_retired_on")]

    operations = [migrations.RunPython(grant, revoke)]
