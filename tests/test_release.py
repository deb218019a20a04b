"""The two-step release: Redaktion submits, Freigabe approves or sends back with a comment; scheduled
publishing; comparing and reverting a chapter's revisions. Driven through the Wagtail admin's URLs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.plan.models import ChapterPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def redaktion(django_user_model):
    user = django_user_model.objects.create_user("autorin", email="autorin@example.invalid", password="x", first_name="Anna")
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


@pytest.fixture
def freigabe(django_user_model):
    user = django_user_model.objects.create_user("amt", email="amt@example.invalid", password="x", first_name="Bernd")
    user.groups.add(Group.objects.get(name="Freigabe"))
    return user


def _part():
    return ChapterPage.objects.get(locale__language_code="de", number="5").get_parent()


def _submit_new_chapter(client, user, title="Neues Handlungsfeld", **extra):
    client.force_login(user)
    data = nested_form_data(
        {
            "title": title,
            "slug": "neues-handlungsfeld",
            "number": "7",
            "summary": "Ein Satz.",
            "body": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )
    data["action-submit"] = "1"
    response = client.post(f"/admin/pages/add/plan/chapterpage/{_part().pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ChapterPage.objects.get(slug="neues-handlungsfeld")


def _action(client, user, page, action, comment):
    client.force_login(user)
    state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    response = client.post(url, {"comment": comment})
    assert response.status_code in (200, 302)
    return response


def test_redaktion_submits_freigabe_is_notified_in_german_and_approves_with_a_comment(client, redaktion, freigabe):
    page = _submit_new_chapter(client, redaktion)
    assert not page.live and page.current_workflow_state.status == "in_progress"
    assert page.current_workflow_task.name == "Freigabe durch das Schulverwaltungsamt"
    submitted = [m for m in mail.outbox if "amt@example.invalid" in m.to]
    assert submitted, "Freigabe wird benachrichtigt"
    assert "Neues Handlungsfeld" in submitted[0].subject
    assert "Freigabe durch das Schulverwaltungsamt" in submitted[0].body
    assert "eingereicht" in (submitted[0].subject + submitted[0].body)  # German, not Wagtail's English
    assert "submitted" not in submitted[0].subject
    assert f"{settings.WAGTAILADMIN_BASE_URL}/admin/pages/{page.pk}/edit/" in submitted[0].body  # the portal's address

    # Redaktion cannot approve its own submission
    client.force_login(redaktion)
    state = page.current_workflow_task_state
    client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk]), {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    mail.outbox.clear()
    _action(client, freigabe, page, "approve", "Passt so, danke.")
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    state.refresh_from_db()
    assert state.status == "approved" and state.finished_by == freigabe and state.comment == "Passt so, danke."
    approved = [m for m in mail.outbox if "autorin@example.invalid" in m.to]
    assert approved and "Passt so, danke." in approved[0].body
    assert "approved" not in approved[0].subject


def test_freigabe_sends_a_submission_back_with_a_comment(client, redaktion, freigabe):
    page = _submit_new_chapter(client, redaktion)
    mail.outbox.clear()
    _action(client, freigabe, page, "reject", "Bitte die Quelle der Zahlen ergänzen.")
    page.refresh_from_db()
    assert not page.live
    state = page.workflow_states.get()
    assert state.status == "needs_changes"
    assert state.current_task_state.comment == "Bitte die Quelle der Zahlen ergänzen."
    rejected = [m for m in mail.outbox if "autorin@example.invalid" in m.to]
    assert rejected and "Bitte die Quelle der Zahlen ergänzen." in rejected[0].body
    assert "abgelehnt" in (rejected[0].subject + rejected[0].body)
    # the editor sees the comment in the admin
    client.force_login(redaktion)
    assert "Bitte die Quelle der Zahlen ergänzen." in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()


def test_an_approved_page_with_a_go_live_date_appears_after_publish_scheduled(client, redaktion, freigabe, monkeypatch):
    go_live = timezone.now() + timedelta(days=1)
    page = _submit_new_chapter(client, redaktion, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    _action(client, freigabe, page, "approve", "")
    page.refresh_from_db()
    assert not page.live and page.go_live_at is not None
    revision = Revision.page_revisions.get(object_id=str(page.pk), approved_go_live_at__isnull=False)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live  # not yet due
    assert client.get(page.url).status_code == 404

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1, minutes=1))  # a day later
    call_command("publish_scheduled")
    monkeypatch.setattr(timezone, "now", real_now)
    assert not Revision.objects.filter(pk=revision.pk, approved_go_live_at__isnull=False).exists()
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get(page.url).status_code == 200


def test_redaktion_compares_two_revisions_of_a_chapter_and_reverts(client, redaktion, admin_user):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    first = chapter.save_revision(user=admin_user)
    chapter.summary = "Eine geänderte Kurzfassung."
    second = chapter.save_revision(user=admin_user)
    client.force_login(redaktion)
    compare = client.get(reverse("wagtailadmin_pages:revisions_compare", args=[chapter.pk, first.pk, second.pk]))
    assert compare.status_code == 200
    assert "Eine geänderte Kurzfassung." in compare.content.decode()
    assert client.get(f"/admin/pages/{chapter.pk}/history/").status_code == 200
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[chapter.pk, first.pk]))
    assert revert.status_code == 200
    assert "Eine geänderte Kurzfassung." not in revert.content.decode()


def test_page_rights_come_from_the_root_so_both_languages_share_them(redaktion):
    english = Page.objects.get(pk=ChapterPage.objects.get(locale__language_code="en", number="5.3").pk)
    assert english.permissions_for_user(redaktion).can_edit()
    assert not english.permissions_for_user(redaktion).can_publish()
