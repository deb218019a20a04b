"""Staff groups for data migrations: the permissions they hand out, the group itself, and its removal.

Used by portal/dialogue/migrations/0002_moderation_group.py, portal/workshops/migrations/0002 and 0004 and
portal/plan/migrations/0009_roles_and_release.py.
Everything takes the migration's historical ``apps``: nothing here imports a model, so the migrations
keep running on a fresh database whatever the models become.
"""

from __future__ import annotations


def create_all_permissions(apps) -> None:
    """Create every app's permissions now: Django creates them only after the whole migrate run (post_migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def staff_group(apps, name: str):
    """The group ``name`` (created if missing), once every app's permissions exist to be given to it."""
    create_all_permissions(apps)
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    return group


def remove_group(apps, name: str) -> None:
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
