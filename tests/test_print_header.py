"""The printout names the plan, its edition, the page's Stand and address (issue 20, point 1); no query of its own."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.utils.timezone import localdate

from portal.plan.models import ChapterPage, PlanPage

pytestmark = pytest.mark.django_db


def header(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").select_one(".print-header.print-only")


def test_a_chapter_prints_plan_edition_stand_and_address(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    plan = PlanPage.objects.get(locale__language_code="de")
    found = header(client, chapter.url)
    assert found.select_one(".print-header__plan").get_text() == f"{plan.title} · Fortschreibung {plan.cycle}"
    stand = found.select_one(".print-header__stand time")
    assert stand["datetime"] == localdate(chapter.last_published_at).isoformat()  # Berlin's date, not UTC's
    assert found.select_one(".print-header__address")["data-url"] == "http://testserver" + chapter.url


def test_english_and_non_page_views_print_the_plan_too(client):
    plan = PlanPage.objects.get(locale__language_code="en")
    english = header(client, ChapterPage.objects.get(locale__language_code="en", number="5.3").url)
    assert english.select_one(".print-header__plan").get_text() == f"{plan.title} · Edition {plan.cycle}"
    assert english.select_one(".print-header__address").get_text() == "Address of this page:"
    open_data = header(client, "/offene-daten/")
    german = PlanPage.objects.get(locale__language_code="de")
    assert open_data.select_one(".print-header__plan").get_text().startswith(german.title)
    assert open_data.select_one(".print-header__stand") is None  # the figures there carry their own Stand
    assert open_data.select_one(".print-header__address")["data-url"] == "http://testserver/offene-daten/"
