"""The Medienzentrum's staff group: may open the admin and manage workshops, dates and bookings."""

from django.db import migrations

GROUP = "Medienzentrum (Workshops)"
MODELS = ["workshoptopic", "workshop", "workshopsession", "booking"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    # No "add booking": a booking made in the admin would bypass capacity and the waiting list.
    perms = Permission.objects.filter(content_type__app_label="workshops", content_type__model__in=MODELS).exclude(
        codename="add_booking"
    )
    admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*perms, *admin)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
