"""The German groups: each may do in the admin what its work needs, and nothing more."""

import pytest
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Workflow
from wagtail.permissions import policy_registry

from portal.plan.goals import Goal
from portal.plan.models import ChapterPage
from portal.plan.snippets import Milestone

pytestmark = pytest.mark.django_db

GROUPS = ["Redaktion", "Freigabe", "Planung", "Medienzentrum (Workshops)"]


@pytest.fixture
def member(django_user_model):
    def make(group: str):
        user = django_user_model.objects.create_user(group.split()[0].lower(), email=f"{group.split()[0].lower()}@example.invalid", password="x")
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def _status(client, user, url, method="get"):
    client.force_login(user)
    response = getattr(client, method)(url)
    client.logout()
    return response.status_code


def _allowed(code: int) -> bool:
    # Wagtail answers a refused admin view with 403 or a redirect to the dashboard / login.
    assert code in (200, 302, 403), code
    return code == 200


def test_wagtail_default_groups_are_gone_and_the_german_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Redaktion", "Freigabe", "Planung", "Medienzentrum (Workshops)"} <= names
    assert not names & {"Editors", "Moderators"}


def test_the_two_step_release_is_the_only_active_workflow_on_the_page_tree_and_on_goals():
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    workflow = chapter.get_workflow()
    assert workflow.name == "Zweistufige Freigabe"
    tasks = [t.specific for t in workflow.tasks]
    assert [t.name for t in tasks] == ["Freigabe durch das Schulverwaltungsamt"]
    assert list(tasks[0].groups.values_list("name", flat=True)) == ["Freigabe"]
    assert Goal.objects.first().get_workflow() == workflow
    assert list(Workflow.objects.filter(active=True)) == [workflow]


@pytest.mark.parametrize(
    ("group", "edit", "publish", "delete_live", "lock"),
    [
        ("Redaktion", True, False, False, False),
        ("Freigabe", True, True, True, True),
        ("Planung", False, False, False, False),
        ("Medienzentrum (Workshops)", False, False, False, False),
    ],
)
def test_page_rights(client, member, group, edit, publish, delete_live, lock):
    user = member(group)
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.4")  # a live leaf chapter
    assert _allowed(_status(client, user, f"/admin/pages/{chapter.pk}/edit/")) is edit
    assert _allowed(_status(client, user, f"/admin/pages/{chapter.pk}/unpublish/")) is publish
    assert _allowed(_status(client, user, f"/admin/pages/{chapter.pk}/delete/")) is delete_live
    permissions = chapter.permissions_for_user(user)
    assert permissions.can_publish() is publish
    assert permissions.can_lock() is lock
    assert permissions.can_edit() is edit


def test_redaktion_may_add_a_page_and_delete_its_own_draft_but_no_live_page(client, member):
    user = member("Redaktion")
    part = ChapterPage.objects.get(locale__language_code="de", number="5").get_parent()
    assert _allowed(_status(client, user, f"/admin/pages/add/plan/chapterpage/{part.pk}/"))
    draft = ChapterPage(title="Entwurf", slug="entwurf", live=False, owner=user, locale=part.locale)
    part.add_child(instance=draft)
    assert _allowed(_status(client, user, f"/admin/pages/{draft.pk}/delete/"))
    assert not _allowed(_status(client, user, f"/admin/pages/{part.pk}/delete/"))


def test_freigabe_releases_but_neither_writes_new_pages_nor_deletes_whole_branches(client, member):
    user = member("Freigabe")
    part = ChapterPage.objects.get(locale__language_code="de", number="5").get_parent()
    assert not _allowed(_status(client, user, f"/admin/pages/add/plan/chapterpage/{part.pk}/"))
    assert not _allowed(_status(client, user, f"/admin/pages/{part.pk}/delete/"))  # a part with its chapters


@pytest.mark.parametrize(
    ("group", "add", "edit", "delete"),
    [
        ("Redaktion", True, True, False),
        ("Freigabe", False, True, True),
        ("Planung", False, False, False),
        ("Medienzentrum (Workshops)", False, False, False),
    ],
)
def test_plan_snippet_rights(client, member, group, add, edit, delete):
    user = member(group)
    milestone = Milestone.objects.filter(locale__language_code="de").first()
    assert _allowed(_status(client, user, "/admin/snippets/plan/milestone/add/")) is add
    assert _allowed(_status(client, user, f"/admin/snippets/plan/milestone/edit/{milestone.pk}/")) is edit
    assert _allowed(_status(client, user, f"/admin/snippets/plan/milestone/delete/{milestone.pk}/")) is delete


@pytest.mark.parametrize(
    ("group", "edit", "publish", "delete"),
    [
        ("Redaktion", True, False, False),
        ("Freigabe", True, True, True),
        ("Planung", False, False, False),
        ("Medienzentrum (Workshops)", False, False, False),
    ],
)
def test_goal_rights(client, member, group, edit, publish, delete):
    user = member(group)
    goal = Goal.objects.first()
    assert _allowed(_status(client, user, f"/admin/snippets/plan/goal/edit/{goal.pk}/")) is edit
    assert _allowed(_status(client, user, f"/admin/snippets/plan/goal/delete/{goal.pk}/")) is delete
    assert user.has_perm("plan.publish_goal") is publish
    assert not _allowed(_status(client, user, "/admin/snippets/plan/goal/add/"))  # goals come from the chapters


@pytest.mark.parametrize(
    ("group", "upload", "delete"),
    [
        ("Redaktion", True, False),
        ("Freigabe", True, True),
        ("Planung", False, False),
        ("Medienzentrum (Workshops)", False, False),
    ],
)
def test_image_and_document_rights(client, member, group, upload, delete):
    user = member(group)
    assert _allowed(_status(client, user, "/admin/images/multiple/add/")) is upload
    assert _allowed(_status(client, user, "/admin/documents/multiple/add/")) is upload
    # someone else's upload: only Freigabe deletes it (whoever may upload may delete their own, as Wagtail has it)
    document = get_document_model().objects.create(title="Beschluss", file="documents/beschluss.pdf")
    assert _allowed(_status(client, user, f"/admin/documents/delete/{document.pk}/")) is delete
    assert policy_registry.get_by_type(get_document_model()).user_has_permission_for_instance(user, "delete", document) is delete
    image = get_image_model()(title="Foto", width=1, height=1, file="original_images/foto.png")
    image.save()
    assert policy_registry.get_by_type(get_image_model()).user_has_permission_for_instance(user, "delete", image) is delete
    own = get_document_model().objects.create(title="Eigenes", file="documents/eigenes.pdf", uploaded_by_user=user)
    assert _allowed(_status(client, user, f"/admin/documents/delete/{own.pk}/")) is upload


@pytest.mark.parametrize(
    ("group", "data_sets", "bookings"),
    [
        ("Redaktion", False, False),
        ("Freigabe", False, False),
        ("Planung", True, False),
        ("Medienzentrum (Workshops)", False, True),
    ],
)
def test_data_set_and_booking_rights(client, member, group, data_sets, bookings):
    user = member(group)
    assert _allowed(_status(client, user, "/admin/planungsdaten/")) is data_sets
    assert _allowed(_status(client, user, "/admin/snippets/workshops/booking/")) is bookings
    assert _allowed(_status(client, user, "/admin/snippets/workshops/workshop/")) is bookings


@pytest.mark.parametrize("group", GROUPS)
def test_no_group_manages_users_or_settings(client, member, group):
    user = member(group)
    assert not _allowed(_status(client, user, "/admin/users/"))
    assert not _allowed(_status(client, user, "/admin/groups/"))
    assert not _allowed(_status(client, user, "/admin/workflows/list/"))
