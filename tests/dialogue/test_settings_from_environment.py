"""The documented MEP_DIALOGUE_* settings, set in the environment of a started portal, take effect there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

CODE = """
import django, json; django.setup()
from django.core import mail
from django.test import Client
from django.urls import reverse
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from portal.dialogue.emails import send_moderation_digest
from portal.dialogue.models import Comment
from portal.figures.models import Cycle
from portal.plan.models import ChapterPage, LegalPage
c = Client()
chapter = next(p for p in ChapterPage.objects.live().filter(locale__language_code="de").order_by("path")
               if any(b.block_type == "goals" for b in p.body))
form = BeautifulSoup(c.get(reverse("dialogue:comment", args=[chapter.pk])).content, "html.parser")
privacy = next(p for p in LegalPage.objects.live().filter(locale__language_code="de") if "{MEP_DIALOGUE_" in p.body)
privacy_text = " ".join(BeautifulSoup(c.get(privacy.url).content, "html.parser").get_text(" ").split())
statuses = [c.post(reverse("dialogue:comment", args=[chapter.pk]), {"text": ""}).status_code for _ in range(3)]
cycle = Cycle.objects.filter(is_current=True).first() or Cycle.objects.first()
Comment.objects.create(page=chapter, cycle=cycle, status=Comment.Status.QUEUED, text="Wartet.", role="eltern",
                       email="eltern@example.org")
moderator = User.objects.create_user("moderation", email="moderation@stadt.example")
moderator.groups.add(Group.objects.get(name="Dialog-Moderation"))
print(json.dumps({
    "maxlength": form.select_one("textarea[name=text]")["maxlength"],
    "privacy_hours": "7 Stunden" in privacy_text, "privacy_days": "9 Tage" in privacy_text,
    "statuses": statuses, "digest": send_moderation_digest(),
}))
"""


def test_the_dialogue_settings_from_the_environment_take_effect(tmp_path, tmp_path_factory, django_db_blocker):
    from tests.databases import database_copy_url

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "MEP_DIALOGUE_MAX_LENGTH": "321",
            "MEP_DIALOGUE_CONFIRM_HOURS": "7",
            "MEP_DIALOGUE_ERASURE_DAYS": "9",
            "MEP_DIALOGUE_RATE_LIMIT": "2",
            "MEP_DIALOGUE_EMAIL_RATE_LIMIT": "1",
            "MEP_DIALOGUE_RATE_WINDOW": "600",
            "MEP_DIALOGUE_DIGEST": "false",
        }
    )
    with database_copy_url(tmp_path, tmp_path_factory, django_db_blocker, "dialogue") as url:
        env["DATABASE_URL"] = url
        result = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["maxlength"] == "321"
    assert found["privacy_hours"] and found["privacy_days"]
    assert found["statuses"][2] == 429 and 429 not in found["statuses"][:2]  # two attempts per address, then no more
    assert found["digest"] == 0  # MEP_DIALOGUE_DIGEST=false: no mail, though a comment waits
