"""Fast even when rendered: a query budget per page type on a cold cache, and a page tree that stays true.

Navigation, table of contents, breadcrumbs and previous/next come from one
query of the page tree (portal/plan/navigation.py), kept until a page, site,
view restriction or locale changes. The budgets hold on a cold cache: every
cache is cleared before the counted request (the process is warm: templates
compiled, content types known, as in a running worker).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from wagtail.models import Page, PageViewRestriction, Site

from portal.plan import navigation
from portal.plan.models import ChapterPage, HomePage, LegalPage, PartnerOfferPage, PartPage, PlanPage
from portal.plan.page_cache import clear_page_cache

pytestmark = pytest.mark.django_db

BUDGET = 12  # queries per page on a cold cache (issue 10, point 5)
FIGURES = [("finance.price_scenarios", "Preissteigerung"), ("infrastructure.device_ratio", "Ausstattungsquote")]


def clear_caches():
    for name in caches.settings:
        caches[name].clear()


@pytest.fixture
def four_figures(published):
    """Chapter 5.3 with four figure blocks of published figures, as bench/pages.py makes it."""
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    keys = [b.value["key"] for b in page.body if b.block_type == "figure"]
    for key, title in FIGURES:
        if len(keys) < 4 and key not in keys:
            page.body.append(("figure", {"key": key, "title": title, "caption": ""}))
            keys.append(key)
    page.save_revision().publish()
    assert len(keys) == 4
    return page


@pytest.fixture
def workshops(db):
    from portal.workshops.content import load_workshops

    load_workshops()


def doc(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


PAGES = {
    "start": lambda: "/",
    "plan": lambda: PlanPage.objects.get(locale__language_code="de").url,
    "chapter-5.3": lambda: ChapterPage.objects.get(locale__language_code="de", number="5.3").url,
    "partner-offer": lambda: PartnerOfferPage.objects.live().order_by("path").first().url,
    "workshops": lambda: "/workshops/",
}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_type_stays_within_its_query_budget_on_a_cold_cache(
    name, client, four_figures, workshops, django_assert_max_num_queries
):
    url = PAGES[name]()
    warm = client.get(url)  # compile templates, learn content types: a running worker's state
    assert warm.status_code == 200
    clear_caches()
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content == warm.content, "the cold render shows the same page"
    if name == "chapter-5.3":
        shown = BeautifulSoup(response.content, "html.parser").select("figure.figure-block svg")
        assert len(shown) == 4, "all four figures are rendered, not pending"


def test_the_page_tree_is_read_with_one_query_and_kept(django_assert_num_queries):
    navigation.drop()
    with django_assert_num_queries(1):
        first = navigation.load()
    with django_assert_num_queries(0):
        again = navigation.load()
    assert [n.pk for n in again.nodes] == [n.pk for n in first.nodes] == list(
        Page.objects.order_by("path").values_list("pk", flat=True)
    )


def test_the_kept_tree_answers_like_the_database():
    structure = navigation.load()
    assert structure.site_root_paths == Site.get_site_root_paths()
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    node = structure.node(chapter)
    assert [p.pk for p in structure.ancestors(node)] == list(chapter.get_ancestors().values_list("pk", flat=True))
    assert node.specific is node and node.label == chapter.label
    plan = PlanPage.objects.get(locale__language_code="de")
    assert structure.node(plan).cycle == plan.cycle
    part = PartPage.objects.live().first()
    assert structure.node(part).label == part.label
    home = HomePage.objects.get(locale__language_code="de")
    public = Page.objects.child_of(home).live().public()
    children = [c for c in structure.children(structure.node(home)) if c.live and structure.is_public(c)]
    assert [c.pk for c in children] == list(public.values_list("pk", flat=True))


def test_reading_a_field_the_tree_does_not_hold_queries_instead_of_guessing(django_assert_num_queries):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    node = navigation.load().node(chapter)
    assert "summary" not in node.__dict__
    with django_assert_num_queries(1):
        summary = node.summary
    assert summary == chapter.summary != ""


# --- the tree stays true: publish, unpublish, move, delete, rename --------------------


def toc_titles(client):
    return [a.get_text(strip=True) for a in doc(client, PlanPage.objects.get(locale__language_code="de").url).select(".toc-nav a")]


def pager(client, number):
    page = doc(client, ChapterPage.objects.get(locale__language_code="de", number=number).url)
    prev, following = page.find("a", rel="prev"), page.find("a", rel="next")
    return (prev["href"] if prev else None), (following["href"] if following else None)


def main_nav(client, url="/"):
    return [a.get_text(strip=True) for a in doc(client, url).select("nav.main-nav a")]


def test_a_renamed_chapter_shows_its_new_title_in_toc_pager_and_breadcrumbs(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert "5.3 Finanz- und Investitionsplanung" in toc_titles(client)
    chapter.title = "Geld und Investitionen"
    chapter.save_revision().publish()
    assert "5.3 Geld und Investitionen" in toc_titles(client)
    assert "5.3 Finanz- und Investitionsplanung" not in toc_titles(client)
    after = doc(client, ChapterPage.objects.get(locale__language_code="de", number="5.4").url)
    assert "5.3 Geld und Investitionen" in after.find("a", rel="prev").get_text(" ", strip=True)
    section = ChapterPage.objects.live().child_of(chapter).first()
    if section is not None:
        crumbs = [li.get_text(strip=True) for li in doc(client, section.url).select("nav.breadcrumbs li")]
        assert "Geld und Investitionen" in crumbs


def test_an_unpublished_chapter_leaves_toc_and_reading_order_and_answers_404(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    url = chapter.url
    assert pager(client, "5.2")[1] == url
    chapter.unpublish()
    assert not any(t.startswith("5.3 ") for t in toc_titles(client))
    assert pager(client, "5.2")[1] == ChapterPage.objects.get(locale__language_code="de", number="5.4").url
    assert client.get(url).status_code == 404
    chapter.refresh_from_db()
    chapter.save_revision().publish()
    assert pager(client, "5.2")[1] == url
    assert client.get(url).status_code == 200


def test_a_moved_chapter_is_served_at_its_new_address_with_new_breadcrumbs(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    old_url = chapter.url
    client.get(old_url)  # the tree is kept with the old place
    target = PartPage.objects.live().exclude(pk=chapter.get_parent().pk).first()
    kept = navigation._key()
    assert caches[navigation.CACHE].get(kept) is not None
    chapter.move(target, pos="last-child")
    assert navigation._key() != kept, "moving starts a new generation of the kept tree"
    chapter = ChapterPage.objects.get(pk=chapter.pk)
    assert chapter.url != old_url
    moved = client.get(old_url)  # Wagtail leaves a redirect behind
    assert moved.status_code == 301 and moved["Location"] == chapter.url
    crumbs = [li.get_text(strip=True) for li in doc(client, chapter.url).select("nav.breadcrumbs li")]
    assert target.title in crumbs
    part_toc = [a.get_text(strip=True) for a in doc(client, target.url).select(".toc a")]
    assert "5.3 Finanz- und Investitionsplanung" in part_toc


def test_a_deleted_chapter_leaves_the_navigation(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    url = chapter.url
    assert any(t.startswith("5.3 ") for t in toc_titles(client))
    chapter.delete()
    assert not any(t.startswith("5.3 ") for t in toc_titles(client))
    assert client.get(url).status_code == 404
    assert pager(client, "5.2")[1] == ChapterPage.objects.get(locale__language_code="de", number="5.4").url


def test_a_new_chapter_appears_once_published(client):
    parent = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    child = parent.add_child(instance=ChapterPage(title="Neuer Abschnitt", slug="neuer-abschnitt", number="5.3.9", live=False))
    assert "5.3.9 Neuer Abschnitt" not in toc_titles(client)
    child.save_revision().publish()
    assert "5.3.9 Neuer Abschnitt" in toc_titles(client)
    sections = [a.get_text(strip=True) for a in doc(client, parent.url).select("nav.sections a")]
    assert "5.3.9 Neuer Abschnitt" in sections
    assert client.get(ChapterPage.objects.get(pk=child.pk).url).status_code == 200


def test_menu_follows_the_menu_flag_and_view_restrictions(client):
    offers = Page.objects.get(slug="partnerangebote")
    title = offers.title
    assert title in main_nav(client)
    offers.specific.show_in_menus = False
    offers.specific.save_revision().publish()
    assert title not in main_nav(client)
    offers = Page.objects.get(pk=offers.pk).specific
    offers.show_in_menus = True
    offers.save_revision().publish()
    assert title in main_nav(client)
    PageViewRestriction.objects.create(page=offers, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert title not in main_nav(client)
    assert title not in main_nav(client, "/workshops/")


def test_footer_lists_the_live_legal_pages(client):
    legal = LegalPage.objects.live().first()
    footer = [a.get_text(strip=True) for a in doc(client, "/").select(".footer-links a")]
    assert legal.title in footer
    legal.unpublish()
    footer = [a.get_text(strip=True) for a in doc(client, "/workshops/").select(".footer-links a")]
    assert legal.title not in footer


def test_a_tree_read_before_a_change_is_not_served_after_it(django_capture_on_commit_callbacks):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    seen, old_rows = navigation._key(), navigation._read()  # a request that read the tree before the change
    with django_capture_on_commit_callbacks(execute=True):
        chapter.title = "Geld und Investitionen"
        chapter.save_revision().publish()
    caches[navigation.CACHE].set(seen, old_rows)  # … and stores it only after the change committed
    assert navigation.load().node(chapter).title == "Geld und Investitionen"


def test_an_outdated_tree_never_serves_a_page_that_is_no_longer_live(client):
    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    assert client.get(chapter.url).status_code == 200
    Page.objects.filter(pk=chapter.pk).update(live=False)  # no signal: the kept tree still says live
    clear_page_cache()  # whole responses are dropped (as `manage.py clear_page_cache` does); the page tree is not
    assert navigation.load().by_id[chapter.pk].live
    assert client.get(chapter.url).status_code == 404


def test_a_translation_shows_in_the_menu_with_its_language(client):
    from wagtail.models import Locale

    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    english = Locale.objects.get(language_code="en")
    if not HomePage.objects.filter(locale=english).exists():
        for ancestor in chapter.get_ancestors().filter(depth__gt=1):
            if not ancestor.specific.get_translations().filter(locale=english).exists():
                ancestor.specific.copy_for_translation(english)
    translated = chapter.get_translation_or_none(english)
    if translated is None:
        translated = chapter.copy_for_translation(english)
    else:  # the content pack's English is live: take it back to a draft first
        translated.unpublish()
    switcher = 'nav.language-switcher a[hreflang="en"][rel="alternate"]'  # the switcher offers the page itself
    links = doc(client, chapter.url).select(switcher)
    assert links == [], "a draft translation is not offered"
    translated.save_revision().publish()
    links = doc(client, chapter.url).select(switcher)
    assert [urlsplit(a["href"]).path for a in links] == [ChapterPage.objects.get(pk=translated.pk).url]


@pytest.mark.parametrize(("url", "prefix"), [("/", "/plan/"), ("/en/", "/en/plan/")])
def test_the_start_pages_chosen_links_are_localized_from_the_page_tree(url, prefix, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    links = [a["href"] for a in BeautifulSoup(response.content, "html.parser").select(".card__title a")]
    assert links and all(link.startswith(prefix) for link in links), links
    # Wagtail's page.localized looked the active locale up once for every link
    locale_lookups = [q["sql"] for q in queries.captured_queries if 'FROM "wagtailcore_locale"' in q["sql"]]
    assert len(locale_lookups) <= 1, locale_lookups
