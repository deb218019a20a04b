import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache

from portal.figures.models import Cycle
from portal.plan.models import ChapterPage


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cycle(db):
    current = Cycle.objects.filter(is_current=True).first()
    return current or Cycle.objects.create(name="2025–2026", start_year=2025, end_year=2026, is_current=True)


@pytest.fixture
def chapter(cycle):
    """A German chapter with paragraphs and a goal list (5.1 in the content pack)."""
    page = next(
        p for p in ChapterPage.objects.live().filter(locale__language_code="de").order_by("path")
        if any(b.block_type == "goals" for b in p.body) and any(b.block_type in ("paragraph", "noted_paragraph") for b in p.body)
    )
    return page


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("moderation", email="moderation@stadt.example", password="x-not-used")
    user.groups.add(Group.objects.get(name="Dialog-Moderation"))
    return user


VALID = {"text": "Bitte mehr Tablets für die Grundschulen.", "role": "lehrkraft", "email": "lena@schule.example", "display_name": "Lena"}


def link_in(message, kind: str) -> str:
    """The path of the confirm ("bestaetigen") or withdraw ("zurueckziehen") link in a mail."""
    found = re.search(rf"https?://[^/\s]+(/\S*/dialog/{kind}/\S+/|/dialog/{kind}/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def last_mail():
    assert mail.outbox
    return mail.outbox[-1]
