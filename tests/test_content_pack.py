"""The content pack loads completely, idempotently, and every page of it is readable."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils.html import escape
from wagtail.models import Page

from portal.plan.models import ChapterPage, LegalPage, PartnerOfferPage, PartPage, PlanPage
from portal.plan.snippets import (
    Actor,
    ActorGroup,
    ContentField,
    CycleStep,
    Endnote,
    LinkEntry,
    Milestone,
    StrategicElement,
    StrategicLevel,
)

from .helpers import PACK, chapters, pack

pytestmark = pytest.mark.django_db

COUNTED = [Page, Milestone, ActorGroup, Actor, CycleStep, ContentField, StrategicLevel, StrategicElement, LinkEntry, Endnote]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_loading_twice_creates_nothing_new():
    before = counts()
    call_command("load_content", verbosity=0)
    assert counts() == before


def test_reloading_keeps_what_an_editor_changed():
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    chapter.title = "Von der Redaktion geändert"
    chapter.save_revision().publish()
    call_command("load_content", verbosity=0)
    assert ChapterPage.objects.get(locale__language_code="de", number="5.3").title == "Von der Redaktion geändert"


def test_every_structured_item_of_the_pack_is_loaded():
    assert Milestone.objects.filter(locale__language_code="de").count() == len(pack("milestones.yaml")["milestones"])
    groups = pack("actors.yaml")["groups"]
    assert ActorGroup.objects.filter(locale__language_code="de").count() == len(groups) == 4
    assert Actor.objects.filter(locale__language_code="de").count() == sum(len(g["actors"]) for g in groups)
    assert CycleStep.objects.filter(locale__language_code="de").count() == len(pack("cycle.yaml")["steps"]) == 8
    assert ContentField.objects.filter(locale__language_code="de").count() == len(pack("content_fields.yaml")["fields"]) == 4
    levels = pack("strategic_paths.yaml")["levels"]
    assert StrategicLevel.objects.filter(locale__language_code="de").count() == len(levels) == 3
    assert StrategicElement.objects.filter(locale__language_code="de").count() == sum(len(lv["elements"]) for lv in levels)
    assert LinkEntry.objects.filter(locale__language_code="de").count() == len(pack("links.yaml")["links"])
    assert Endnote.objects.filter(locale__language_code="de").count() == len(pack("endnotes.yaml")["endnotes"])
    assert PartnerOfferPage.objects.filter(locale__language_code="de").count() == len(pack("partner_offers.yaml")["offers"])


def test_plan_has_the_documents_structure():
    plan = PlanPage.objects.get(locale__language_code="de")
    assert plan.cycle == "2025–2026"
    assert [p.number for p in PartPage.objects.filter(locale__language_code="de").order_by("path")] == ["I", "II", "III"]
    numbers = [c.number for c in ChapterPage.objects.filter(locale__language_code="de").order_by("path")]
    assert numbers == ["", "", "1", "2", "3", "4", "5", "5.1", "5.2", "5.3", "5.4", "6", "6.1", "6.2", "6.3", "6.4", "", ""]
    assert ChapterPage.objects.get(locale__language_code="de", number="5.3").get_parent().specific.number == "5"
    assert {p.slug for p in LegalPage.objects.filter(locale__language_code="de")} == {"impressum", "datenschutz", "barrierefreiheit"}


def test_every_chapter_of_the_pack_is_a_page_with_its_blocks():
    for data in chapters():
        page = ChapterPage.objects.get(locale__language_code="de", slug=data["slug"])
        assert page.title == data["title"]
        assert len(page.body) == len(data["body"]), data["slug"]


@pytest.mark.parametrize("number", ["5.1", "5.2", "5.3", "5.4"])
def test_fields_of_action_carry_their_goals(number):
    page = ChapterPage.objects.get(locale__language_code="de", number=number)
    goal_lists = [b for b in page.body if b.block_type == "goals"]
    assert goal_lists, f"Kapitel {number} ohne Gesetzte Ziele"
    assert all(len(b.value["goals"]) > 0 for b in goal_lists)


def test_every_page_answers_200_and_shows_its_title(client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() > 25
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert escape(page.title) in response.content.decode(), page.url  # as the template escapes it


def test_broken_pack_is_refused_with_file_and_place(tmp_path):
    for path in PACK.rglob("*"):
        if path.is_file():
            target = tmp_path / path.relative_to(PACK)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    broken = tmp_path / "chapters" / "05-3-finanz-und-investitionsplanung.yaml"
    data = yaml.safe_load(broken.read_text(encoding="utf-8"))
    data["body"].append({"diagram": "unbekannt"})
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_content", path=Path(tmp_path), update=True, verbosity=0)
    assert "05-3-finanz-und-investitionsplanung.yaml" in str(excinfo.value)
    assert "unbekannter Blocktyp 'diagram'" in str(excinfo.value)
    assert counts() == before
