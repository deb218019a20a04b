"""The group "Dialog-Moderation": opens the admin, sees comments, releases, rejects and answers them, closes dialogues.

It gets no right to add or edit a comment's text, none on pages, snippets of the plan, uploads,
planning data or workshops (least privilege, as portal/plan/migrations/0009_roles_and_release.py).
"""

from django.db import migrations

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
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set([Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in RIGHTS])


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(moderation_group, remove_group)]
