"""The group "Dialog-Moderation": opens the admin, sees comments, releases, rejects and answers them, closes dialogues.

It gets no right to add or edit a comment's text, none on pages, snippets of the plan, uploads,
planning data or workshops (least privilege, as portal/plan/migrations/0009_roles_and_release.py).
"""

from django.db import migrations

from portal import groups

GROUP = "Dialog-Moderation"
RIGHTS = [
    ("dialogue", "view_comment"),
    ("dialogue", "moderate_comment"),
    ("dialogue", "add_dialogueclosure"),
    ("dialogue", "change_dialogueclosure"),
    ("dialogue", "delete_dialogueclosure"),
    ("dialogue", "view_dialogueclosure"),
    ("wagtailadmin", "access_admin"),
]


def moderation_group(apps, schema_editor):
    group = groups.staff_group(apps, GROUP)
    Permission = apps.get_model("auth", "Permission")
    group.permissions.set([Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in RIGHTS])


def remove_group(apps, schema_editor):
    groups.remove_group(apps, GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(moderation_group, remove_group)]
