"""Editors change the plan in the Wagtail admin; visitors cannot."""

import pytest

from portal.plan.models import ChapterPage
from portal.plan.snippets import Milestone

pytestmark = pytest.mark.django_db


def test_editor_opens_the_edit_view_of_a_chapter(client, editor):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    client.force_login(editor)
    response = client.get(f"/admin/pages/{chapter.pk}/edit/")
    assert response.status_code == 200
    assert "Finanz- und Investitionsplanung" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    response = client.get(f"/admin/pages/{chapter.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_sees_the_milestones_snippet_list(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/snippets/plan/milestone/")
    assert response.status_code == 200
    assert Milestone.objects.filter(locale__language_code="de").first().title in response.content.decode()


def test_ensure_admin_prints_a_generated_password_once(capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("ensure_admin")
    first = capsys.readouterr().out
    assert "Passwort:" in first
    password = first.split("Passwort:")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(password) and len(password) >= 12
    call_command("ensure_admin")
    assert "Passwort:" not in capsys.readouterr().out
