"""What a reader sees: navigation, endnotes, structured content, accessibility basics."""

import re

import pytest
from bs4 import BeautifulSoup

from portal.plan.models import ChapterPage, PartnerOfferPage, PlanPage
from portal.plan.snippets import Actor, ActorGroup, CycleStep, Milestone

pytestmark = pytest.mark.django_db


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_pages_are_german_with_skip_link_and_landmarks(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    assert doc.html["lang"] == "de"
    skip = doc.find("a", class_="skip-link")
    assert skip["href"] == "#main" and doc.find("main", id="main")
    assert doc.find("header") and doc.find("footer") and doc.find("nav", attrs={"aria-label": "Hauptnavigation"})
    assert len(doc.find_all("h1")) == 1


def test_no_asset_comes_from_another_host(client):
    for url in ["/", PlanPage.objects.get(locale__language_code="de").url, ChapterPage.objects.get(locale__language_code="de", number="5.3").url]:
        doc = soup(client, url)
        for tag, attr in [("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")]:
            for element in doc.find_all(tag):
                value = element.get(attr) or ""
                if "alternate" in (element.get("rel") or []) and value.startswith("http://testserver/"):
                    continue  # hreflang alternates name this site's own pages by full address; nothing is loaded
                assert not re.match(r"^(https?:)?//", value), f"{url}: {tag} lädt {value}"


def test_breadcrumbs_lead_from_start_to_the_chapter(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    crumbs = [li.get_text(" ", strip=True) for li in doc.select("nav.breadcrumbs li")]
    assert crumbs[0] == "Start"
    assert "Status Quo" in crumbs and crumbs[-1] == "Finanz- und Investitionsplanung"


def test_previous_and_next_chapter_follow_reading_order(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    prev_link = doc.find("a", rel="prev")
    next_link = doc.find("a", rel="next")
    assert prev_link["href"] == ChapterPage.objects.get(locale__language_code="de", number="5.2").url
    assert next_link["href"] == ChapterPage.objects.get(locale__language_code="de", number="5.4").url
    first = soup(client, ChapterPage.objects.get(locale__language_code="de", slug="vorwort").url)
    assert first.find("a", rel="prev") is None
    after_64 = soup(client, ChapterPage.objects.get(locale__language_code="de", number="6.4").url).find("a", rel="next")
    assert after_64["href"] == ChapterPage.objects.get(locale__language_code="de", slug="verlinkungen").url
    last = soup(client, ChapterPage.objects.get(locale__language_code="de", slug="endnoten").url)
    assert last.find("a", rel="next") is None


def test_endnote_references_jump_to_the_note_and_back(client):
    chapter = next(c for c in ChapterPage.objects.filter(locale__language_code="de") if c.cited_endnotes())
    doc = soup(client, chapter.url)
    refs = doc.select("a.noteref")
    assert refs
    for ref in refs:
        number = ref["href"].removeprefix("#endnote-")
        note = doc.find(id=f"endnote-{number}")
        assert note is not None, f"Endnote {number} fehlt im Kapitel"
        assert ref["id"] == f"ref-{number}"
        assert note.find("a", class_="backref")["href"] == f"#ref-{number}"


def test_plan_page_shows_table_of_contents_with_every_chapter(client):
    doc = soup(client, PlanPage.objects.get(locale__language_code="de").url)
    toc_links = {a["href"] for a in doc.select(".toc-nav a")}
    for chapter in ChapterPage.objects.filter(locale__language_code="de").live():
        assert chapter.url in toc_links


def test_milestones_render_as_a_timeline_with_months(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="2").url)
    items = doc.select("ol.timeline li")
    assert len(items) == Milestone.objects.filter(locale__language_code="de").count()
    first = Milestone.objects.filter(locale__language_code="de").order_by("year", "month").first()
    assert items[0].find("time")["datetime"] == first.iso_month
    assert f"{first.month_name} {first.year}" in items[0].get_text()


def test_actor_map_shows_four_groups_with_their_actors(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="3").url)
    groups = doc.select(".actor-map section.actor-group")
    assert len(groups) == 4
    assert [g.h3.get_text(strip=True) for g in groups] == list(ActorGroup.objects.filter(locale__language_code="de").values_list("name", flat=True))
    assert len(doc.select(".actor-map li.actor")) == Actor.objects.filter(locale__language_code="de").count()


def test_back_matter_lists_every_link_and_endnote(client):
    from portal.plan.snippets import Endnote, LinkEntry

    links = soup(client, ChapterPage.objects.get(locale__language_code="de", slug="verlinkungen").url).select("ul.link-overview li a")
    assert {a["href"] for a in links} == set(LinkEntry.objects.filter(locale__language_code="de").values_list("url", flat=True))
    notes = soup(client, ChapterPage.objects.get(locale__language_code="de", slug="endnoten").url).select("ol.endnote-list > li")
    assert [int(li["value"]) for li in notes] == sorted(Endnote.objects.filter(locale__language_code="de").values_list("number", flat=True))


def test_update_cycle_shows_eight_steps_in_order(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="4").url)
    steps = doc.select("ol.cycle li")
    assert [int(li["value"]) for li in steps] == list(range(1, 9))
    assert steps[0].h3.get_text(strip=True) == CycleStep.objects.get(locale__language_code="de", number=1).title


def test_finance_chapter_has_goal_list_info_box_and_figure_slots(client):
    doc = soup(client, ChapterPage.objects.get(locale__language_code="de", number="5.3").url)
    assert doc.select(".goals li.goal")
    assert doc.select_one(".info-box a[href^='https://']")
    keys = [f["data-figure-key"] for f in doc.select("figure.figure-block")]
    assert keys == ["finance.forecast", "finance.product_groups"]


def test_partner_offer_shows_format_target_groups_and_address(client):
    offer = PartnerOfferPage.objects.get(locale__language_code="de", slug="medienstudio")
    doc = soup(client, offer.url)
    facts = doc.select_one("dl.facts").get_text(" ", strip=True)
    assert offer.format in facts
    assert "Universitätsstraße 43–49, 44789 Bochum" in facts
    assert [li.get_text(strip=True) for li in doc.select("dl.facts ul.tags li")] == offer.target_group_list()


def test_accessibility_statement_names_bitv_and_enforcement(client):
    from portal.plan.models import LegalPage

    text = soup(client, LegalPage.objects.get(locale__language_code="de", slug="barrierefreiheit").url).get_text(" ")
    assert "BITV" in text
    assert "Ombudsstelle" in text or "Schlichtungsstelle" in text


def test_search_finds_a_chapter(client):
    doc = soup(client, "/suche/?q=Investitionsplanung")
    links = [a["href"] for a in doc.select(".search-results a")]
    assert ChapterPage.objects.get(locale__language_code="de", number="5.3").url in links


def test_unknown_address_answers_404_in_german(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_health_check_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
