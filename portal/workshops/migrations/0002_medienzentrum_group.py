"""The Medienzentrum's staff group: may open the admin and manage workshops, dates and bookings."""

from django.db import migrations

from portal import groups

GROUP = "Medienzentrum (Workshops)"
MODELS = ["workshoptopic", "workshop", "workshopsession", "booking"]


def create_group(apps, schema_editor):
    group = groups.staff_group(apps, GROUP)
    Permission = apps.get_model("auth", "Permission")
    # No "add booking": a booking made in the admin would bypass capacity and the waiting list.
    perms = Permission.objects.filter(content_type__app_label="workshops", content_type__model__in=MODELS).exclude(
        codename="add_booking"
    )
    admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*perms, *admin)


def remove_group(apps, schema_editor):
    groups.remove_group(apps, GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
