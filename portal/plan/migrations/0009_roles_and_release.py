"""German groups with least privilege and the two-step release of the plan.

Wagtail's "Editors" becomes "Redaktion" and "Moderators" becomes "Freigabe" (their members stay);
both lose Wagtail's default rights and get exactly these:

- Redaktion: open the admin; add and edit pages (publish: no; delete: only own drafts that were
  never published); add and edit the plan's snippets, edit goals (no publishing, no deleting);
  upload images and documents, edit and delete their own uploads (not others').
- Freigabe (Schulverwaltungsamt): open the admin; edit, publish, lock and unlock pages (delete:
  single pages, not whole branches); edit, publish and delete the plan's snippets and goals;
  upload, edit and delete all images and documents. Approves in the workflow below.

"Planung" and "Medienzentrum (Workshops)" keep what their own migrations gave them; they get no
rights on pages, snippets or uploads.

The workflow "Zweistufige Freigabe" (task "Freigabe durch das Schulverwaltungsamt", group Freigabe)
replaces Wagtail's default one on the whole page tree and applies to goals too.
"""

from django.db import migrations

REDAKTION = "Redaktion"
FREIGABE = "Freigabe"
WORKFLOW = "Zweistufige Freigabe"
TASK = "Freigabe durch das Schulverwaltungsamt"

PLAN_SNIPPETS = [
    "milestone", "actorgroup", "actor", "cyclestep", "contentfield",
    "strategiclevel", "strategicelement", "linkentry", "endnote",
]
PAGE_RIGHTS = {REDAKTION: ["add_page", "change_page"], FREIGABE: ["change_page", "publish_page", "lock_page", "unlock_page"]}
SNIPPET_RIGHTS = {
    REDAKTION: [f"{a}_{m}" for m in PLAN_SNIPPETS for a in ("add", "change", "view")] + ["change_goal", "view_goal"],
    FREIGABE: [f"{a}_{m}" for m in PLAN_SNIPPETS for a in ("change", "delete", "view")]
    + ["change_goal", "view_goal", "delete_goal", "publish_goal"],
}
UPLOAD_RIGHTS = {
    # Wagtail lets whoever may "add" an upload edit and delete their own; "change" means every upload.
    REDAKTION: ["add", "choose"],
    FREIGABE: ["add", "change", "choose", "delete"],
}


def _group(Group, name: str, old: str):
    group = Group.objects.filter(name=name).first()
    if group is None:
        group = Group.objects.filter(name=old).first()
        if group is not None:
            group.name = name
            group.save()
        else:
            group = Group.objects.create(name=name)
    Group.objects.filter(name=old).exclude(pk=group.pk).delete()
    return group


def roles_and_release(apps, schema_editor):
    from portal.groups import create_all_permissions

    create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    goal_type, _ = ContentType.objects.get_or_create(app_label="plan", model="goal")
    for codename, name in [("publish_goal", "Can publish Ziel"), ("lock_goal", "Can lock Ziel"), ("unlock_goal", "Can unlock Ziel")]:
        Permission.objects.get_or_create(content_type=goal_type, codename=codename, defaults={"name": name})

    groups = {REDAKTION: _group(Group, REDAKTION, "Editors"), FREIGABE: _group(Group, FREIGABE, "Moderators")}
    root = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, group in groups.items():
        group.permissions.clear()
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()
        group.permissions.add(admin)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="plan", codename__in=SNIPPET_RIGHTS[name])
        )
        if root is not None:
            for codename in PAGE_RIGHTS[name]:
                GroupPagePermission.objects.create(
                    group=group, page=root, permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                )
        if root_collection is not None:
            for app_label, model in [("wagtailimages", "image"), ("wagtaildocs", "document")]:
                for action in UPLOAD_RIGHTS[name]:
                    GroupCollectionPermission.objects.create(
                        group=group,
                        collection=root_collection,
                        permission=Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}"),
                    )

    # The release: one approval task for the Freigabe group, on every page and on goals.
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    Workflow.objects.exclude(name=WORKFLOW).update(active=False)
    Task.objects.exclude(name=TASK).update(active=False)
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK).first() or GroupApprovalTask.objects.create(
        name=TASK, content_type=task_type, active=True
    )
    task.groups.set([groups[FREIGABE]])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.filter(workflow=workflow).delete()
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if root is not None:
        WorkflowPage.objects.filter(page=root).delete()
        WorkflowPage.objects.create(page=root, workflow=workflow)
    WorkflowContentType.objects.filter(content_type=goal_type).delete()
    WorkflowContentType.objects.create(content_type=goal_type, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0008_goals"),
        ("figures", "0008_snapshot_translations"),
        ("workshops", "0005_booking_language"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(roles_and_release, migrations.RunPython.noop)]
