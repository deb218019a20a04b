"""Issue 20, points 6 and 7: workshop dates where the Medienstudio is named; one current menu item, a TOC numbered
once, "Ja/Nein" in the cycle list, a favicon."""

from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from portal.plan.models import ChapterPage, PartnerOfferPage, PlanPage
from portal.workshops.models import Workshop, WorkshopSession

pytestmark = pytest.mark.django_db


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def current_items(doc) -> dict[str, str]:
    return {a.get_text(strip=True): a["aria-current"] for a in doc.select(".main-nav a[aria-current]")}


# -- one current menu item ----------------------------------------------------------------------


def test_only_the_menu_item_of_the_pages_own_branch_is_marked_current(client):
    plan = PlanPage.objects.get(locale__language_code="de")
    assert current_items(soup(client, plan.url)) == {plan.title: "page"}
    offer = PartnerOfferPage.objects.get(locale__language_code="de", slug="medienstudio")
    offers_index = offer.get_parent()
    assert current_items(soup(client, offer.url)) == {offers_index.title: "true"}
    assert current_items(soup(client, offers_index.url)) == {offers_index.title: "page"}
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert current_items(soup(client, chapter.url)) == {plan.title: "true"}
    assert soup(client, "/").select(".main-nav a[aria-current]") == []


# -- the table of contents ----------------------------------------------------------------------


def test_the_table_of_contents_is_numbered_once_by_the_plans_own_numbers(client):
    doc = soup(client, PlanPage.objects.get(locale__language_code="de").url)
    toc = doc.select_one(".toc-nav .toc")
    assert toc.name == "ul" and not toc.select("ol")  # no automatic list numbers besides "5.3 …"
    labels = [a.get_text(strip=True) for a in toc.select("a")]
    assert "5.3 Finanz- und Investitionsplanung" in labels
    assert any(label.startswith("1 ") for label in labels)
    css = (Path(__file__).parents[1] / "portal/static/css/mep.css").read_text(encoding="utf-8")
    assert ".toc, .toc ul { list-style: none;" in css


# -- workshop dates where the Medienstudio is named ---------------------------------------------


@pytest.fixture
def dates(db):
    workshop = Workshop.objects.create(title="Trickfilm im Test", slug="trickfilm-im-test", description="Trickfilme.")
    now = timezone.now().replace(second=0, microsecond=0)
    later = WorkshopSession.objects.create(workshop=workshop, start=now + timedelta(days=20))
    sooner = WorkshopSession.objects.create(workshop=workshop, start=now + timedelta(days=5))
    WorkshopSession.objects.create(workshop=workshop, start=now - timedelta(days=5))  # past: not shown
    return sooner, later


def test_the_medienstudios_partner_page_and_chapter_link_to_the_next_dates_in_date_order(client, dates):
    sooner, later = dates
    offer = PartnerOfferPage.objects.get(locale__language_code="de", slug="medienstudio")
    chapter = ChapterPage.objects.get(locale__language_code="de", number="6.2")
    for page in (offer, chapter):
        box = soup(client, page.url).select_one(".upcoming-workshops")
        assert box is not None, page.url
        assert box.h2.get_text() == "Workshops im Medienstudio"
        links = [a["href"] for a in box.select("li a")]
        assert links[:2] == [f"/workshops/termine/{sooner.pk}/", f"/workshops/termine/{later.pk}/"]
        assert box.find("a", string="Alle kommenden Workshop-Termine")["href"] == "/workshops/"


def test_a_chapter_that_does_not_name_the_medienstudio_shows_no_dates(client, dates):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert soup(client, chapter.url).select_one(".upcoming-workshops") is None


def test_the_workshop_list_is_in_date_order(client, dates):
    sooner, later = dates
    other = Workshop.objects.create(title="A-Workshop zuerst im Alphabet", slug="a-zuerst", description="x")
    between = WorkshopSession.objects.create(workshop=other, start=sooner.start + timedelta(days=3))
    cards = soup(client, "/workshops/").select(".session-card a")
    order = [a["href"] for a in cards]
    expected = [f"/workshops/termine/{s.pk}/" for s in (sooner, between, later)]
    assert [href for href in order if href in expected] == expected


# -- admin and head -----------------------------------------------------------------------------


def test_the_cycle_list_says_ja_and_nein(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/snippets/figures/cycle/")
    assert response.status_code == 200
    cells = [td.get_text(strip=True) for td in BeautifulSoup(response.content, "html.parser").select("tbody td")]
    assert "Ja" in cells and "Nein" in cells
    assert "True" not in cells and "False" not in cells


def test_every_page_links_one_favicon_served_by_the_portal(client):
    for path in ("/", "/plan/", "/workshops/", "/en/"):
        icons = soup(client, path).select('link[rel="icon"]')
        assert [icon["href"] for icon in icons] == ["/theme/favicon"], path  # the content pack's own
    response = client.get("/theme/favicon")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


def test_a_pack_without_a_favicon_gets_the_portals_own(client, monkeypatch):
    from dataclasses import replace

    from django.contrib.staticfiles import finders

    from portal.plan import identity as identities

    original = identities.site_identity

    def without_favicon(*args, **kwargs):
        identity = original(*args, **kwargs)
        return replace(identity, theme=replace(identity.theme, favicon=None))

    monkeypatch.setattr(identities, "site_identity", without_favicon)
    icons = soup(client, "/workshops/").select('link[rel="icon"]')
    assert len(icons) == 1 and icons[0]["href"].endswith("/img/favicon.svg")
    assert finders.find("img/favicon.svg")


def test_the_editor_header_says_entwurf_while_a_draft_is_newer_than_the_live_page(client, admin_user):
    client.force_login(admin_user)
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    url = f"/admin/pages/{chapter.pk}/edit/"

    def header_tags():
        header = BeautifulSoup(client.get(url).content, "html.parser").select_one("header")
        return [tag.get_text(strip=True) for tag in header.select(".page-status-tag")]

    assert "Entwurf" not in header_tags()
    chapter.summary = "Ein neuer Entwurf der Zusammenfassung."
    chapter.save_revision()
    assert "Entwurf" in header_tags()
    assert "Veröffentlicht" in header_tags()  # Wagtail's German "Live": both stay visible


# -- German words break with a hyphen -----------------------------------------------------------


def test_a_long_german_compound_gets_soft_hyphens_where_the_patterns_allow_a_break():
    from portal.plan.templatetags.hyphenation import hyphenate

    hyphenated = hyphenate("Der Medienentwicklungsplan Bochum", "de")
    assert hyphenated.replace("\u00ad", "") == "Der Medienentwicklungsplan Bochum"
    word = hyphenated.split()[1]
    pieces = word.split("\u00ad")
    assert len(pieces) >= 3 and all(len(piece) >= 3 for piece in pieces)  # breaks, never one or two letters alone
    assert "\u00ad" not in hyphenated.split()[2]  # short words stay whole
    assert hyphenate("Medienentwicklungsplan", "en") == "Medienentwicklungsplan"  # not German: left alone


def test_headings_of_german_pages_carry_soft_hyphens_and_english_ones_do_not(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    heading = soup(client, chapter.url).h1.get_text()
    assert "\u00ad" in heading and heading.replace("\u00ad", "") == "5.3 Finanz- und Investitionsplanung"
    plan = soup(client, PlanPage.objects.get(locale__language_code="de").url).h1.get_text()
    assert "Medien\u00ad" in plan or "Medienent\u00ad" in plan
    english = ChapterPage.objects.get(locale__language_code="en", number="5.3")
    assert "\u00ad" not in soup(client, english.url).h1.get_text()
