"""Whole public pages for visitors without a session: served from the cache, fresh after every change, HTTP caching, gzip."""

from __future__ import annotations

import gzip
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.test import RequestFactory

from portal.figures import services
from portal.figures.models import Cycle
from portal.plan.models import ChapterPage, PartnerOfferPage, PartPage, PlanPage
from portal.plan.snippets import Endnote
from portal.response_cache import HIT_HEADER, AnonymousResponseCacheMiddleware, CompressionMiddleware

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def chapter(number="5.3"):
    return ChapterPage.objects.get(locale__language_code="de", number=number)


def public_urls():
    return {
        "Startseite": "/",
        "Startseite (englisch)": "/en/",
        "Plan": PlanPage.objects.get(locale__language_code="de").url,
        "Kapitel 5.3": chapter().url,
        "Partnerangebot": PartnerOfferPage.objects.live().first().url,
        "Offene Daten": "/offene-daten/",
        "Vergleich": "/abbildungen/vergleich/?key=finance.forecast&a=2025-2026&b=2025-2026",
        "Workshops": "/workshops/",
        "Suche": "/suche/?q=Medien",
        "CSV": "/figures/2025-2026/finance.forecast.csv",
        "JSON": "/figures/2025-2026/finance.forecast.json",
    }


def test_second_request_of_every_public_page_is_served_from_the_cache_without_a_query(
    client, published, django_assert_num_queries
):
    for name, url in public_urls().items():
        first = client.get(url)
        assert first.status_code == 200, name
        assert first[HIT_HEADER] == "miss", name
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second[HIT_HEADER] == "hit", name
        assert second.content == first.content, name
        assert second["Content-Type"] == first["Content-Type"], name
        # headers of the outer middleware are set on a hit as on a miss
        assert "Content-Security-Policy" in second and second["Content-Language"] == first["Content-Language"], name


def test_head_is_answered_from_the_cache_too(client, published, django_assert_num_queries):
    url = chapter().url
    client.get(url)
    with django_assert_num_queries(0):
        response = client.head(url)
    assert response.status_code == 200 and response[HIT_HEADER] == "hit"


def test_query_and_language_are_part_of_the_key(client, published):
    client.get("/workshops/")
    assert client.get("/workshops/?zielgruppe=grundschule")[HIT_HEADER] == "miss"
    client.get("/")
    english = client.get("/en/")
    assert english[HIT_HEADER] == "miss" and english["Content-Language"] == "en"


# --- never cached ---------------------------------------------------------------------------


def test_a_signed_in_editor_is_never_served_nor_stored(client, published, editor):
    client.force_login(editor)
    for _ in range(2):
        response = client.get(chapter().url)
        assert response.status_code == 200 and HIT_HEADER not in response
        assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    client.logout()
    client.cookies.clear()
    assert client.get(chapter().url)[HIT_HEADER] == "miss"  # nothing the editor saw was kept


def test_a_session_cookie_bypasses_the_cache(client, published):
    client.get(chapter().url)
    client.cookies["sessionid"] = "irgendeine-sitzung"
    response = client.get(chapter().url)
    assert HIT_HEADER not in response and "no-store" in response["Cache-Control"]


def test_a_messages_cookie_bypasses_the_cache(client, published):
    client.get(chapter().url)
    client.cookies["messages"] = "eine-nachricht"
    assert HIT_HEADER not in client.get(chapter().url)


def test_post_is_never_cached(client, published):
    client.get("/suche/?q=Medien")
    response = client.post("/suche/?q=Medien")
    assert HIT_HEADER not in response


def test_the_admin_and_its_previews_are_never_cached(client, published, editor):
    for _ in range(2):
        assert HIT_HEADER not in client.get("/admin/login/")
    client.force_login(editor)
    draft = f"/admin/pages/{chapter().pk}/view_draft/"
    for _ in range(2):
        response = client.get(draft)
        assert response.status_code == 200 and HIT_HEADER not in response


def test_not_found_is_not_cached(client, published):
    for _ in range(2):
        response = client.get("/gibt-es-nicht/")
        assert response.status_code == 404 and HIT_HEADER not in response


def test_a_response_that_varies_on_cookie_is_not_stored_for_a_request_with_cookies(client, published):
    client.cookies["csrftoken"] = "x" * 32
    response = client.get(chapter().url)
    assert HIT_HEADER not in response  # the page varies on Cookie (the user bar): not kept for a visitor with cookies
    client.cookies.clear()
    assert client.get(chapter().url)[HIT_HEADER] == "miss"


def _middleware(view_response):
    def view(request):
        return view_response(request)

    return AnonymousResponseCacheMiddleware(view)


def _anonymous_get(path="/irgendwo/"):
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "de"
    return request


@pytest.mark.parametrize(
    "cache_control", ["private", "no-store", "no-cache", "max-age=0", "private, max-age=600"]
)
def test_a_response_that_forbids_sharing_is_not_stored(db, cache_control):
    calls = []

    def view(request):
        calls.append(1)
        response = HttpResponse("<p>eigene Seite</p>")
        response["Cache-Control"] = cache_control
        return response

    middleware = _middleware(view)
    middleware(_anonymous_get())
    middleware(_anonymous_get())
    assert len(calls) == 2


def test_a_page_that_used_a_csp_nonce_is_not_stored(db):
    calls = []

    def view(request):
        calls.append(1)
        request._csp_nonce = "einmalig"  # as django-csp does once a template reads request.csp_nonce
        return HttpResponse("<script nonce='einmalig'></script>")

    middleware = _middleware(view)
    middleware(_anonymous_get())
    middleware(_anonymous_get())
    assert len(calls) == 2


def test_a_response_that_sets_a_cookie_is_not_stored_and_is_private(db):
    def view(request):
        response = HttpResponse("<p>mit Keks</p>")
        response.set_cookie("etwas", "1")
        return response

    middleware = _middleware(view)
    first = middleware(_anonymous_get())
    assert HIT_HEADER not in first and "no-store" in first["Cache-Control"]
    assert HIT_HEADER not in middleware(_anonymous_get())


# --- fresh after every change ----------------------------------------------------------------


def cached(client, url):
    """Request twice: the second answer comes from the cache (so a later fresh page proves an invalidation)."""
    client.get(url)
    response = client.get(url)
    assert response[HIT_HEADER] == "hit"
    return response


def test_publishing_a_page_shows_at_once(client, published):
    cached(client, chapter().url)
    page = chapter()
    page.summary = "Eine ganz neue Kurzfassung."
    page.save_revision().publish()
    response = client.get(chapter().url)
    assert response[HIT_HEADER] == "miss" and "Eine ganz neue Kurzfassung." in response.content.decode()


def test_a_draft_keeps_the_cached_page(client, published):
    cached(client, chapter().url)
    page = chapter()
    page.summary = "Nur ein Entwurf."
    page.save_revision()
    assert client.get(chapter().url)[HIT_HEADER] == "hit"


def test_unpublishing_a_page_shows_at_once(client, published):
    url = chapter().url
    cached(client, url)
    chapter().unpublish()
    assert client.get(url).status_code == 404


def test_moving_a_page_shows_at_once(client, published):
    page = chapter()
    old_url = page.url
    cached(client, old_url)
    other_part = PartPage.objects.exclude(pk=page.get_parent().get_parent().pk).first()
    page.move(other_part, pos="last-child")
    moved = client.get(old_url)
    assert moved.status_code == 301 and moved["Location"] == chapter().url  # Wagtail's redirect from the old address
    assert client.get(chapter().url).status_code == 200


def test_deleting_a_page_shows_at_once(client, published):
    url = chapter().url
    cached(client, url)
    chapter().delete()
    assert client.get(url).status_code == 404


def test_deleting_a_page_refreshes_its_parent(client, published):
    plan = PlanPage.objects.get(locale__language_code="de").url
    offer = PartnerOfferPage.objects.live().first()
    index = offer.get_parent().url
    cached(client, index)
    title = offer.title
    offer.delete()
    assert title not in client.get(index).content.decode()
    assert plan  # the plan page exists throughout


def test_a_page_restricted_after_it_was_cached_is_not_served_to_strangers(client, published):
    from wagtail.models import PageViewRestriction

    url = chapter().url
    cached(client, url)
    PageViewRestriction.objects.create(page=chapter(), restriction_type=PageViewRestriction.LOGIN)
    response = client.get(url)
    assert response.status_code == 302 and HIT_HEADER not in response


def test_a_changed_snippet_shows_at_once(client, published):
    page = next(c for c in ChapterPage.objects.all() if c.cited_endnotes())
    cached(client, page.url)
    note = Endnote.objects.get(pk=page.cited_endnotes()[0].pk)
    note.text = "<p>Eine geänderte Endnote.</p>"
    note.save()
    assert "Eine geänderte Endnote." in client.get(page.url).content.decode()


def summary(client, key="finance.forecast"):
    response = client.get(chapter().url)
    doc = BeautifulSoup(response.content, "html.parser")
    return doc.select_one(f'figure[data-figure-key="{key}"] .figure-block__summary').get_text()


def test_a_regeneration_with_publishing_shows_at_once(client, published, demo_2027_folder):
    cached(client, chapter().url)
    before = summary(client)
    cycle = Cycle.objects.get(slug="2025-2026")
    newer = services.regenerate(services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True), publish_when_done=True)
    assert summary(client) == newer.snapshots.get(key="finance.forecast").summary != before


def test_publishing_figures_shows_at_once(client, published, demo_2027_folder):
    cycle = Cycle.objects.get(slug="2025-2026")
    newer = services.regenerate(services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True))  # computed, not published yet
    cached(client, "/offene-daten/")
    services.publish(newer)
    assert client.get("/offene-daten/")[HIT_HEADER] == "miss"


def test_switching_the_current_cycle_shows_at_once(client, published, demo_cache):
    from tests.demo import publish_demo

    later = publish_demo(demo_cache, "2027-2028")
    cached(client, chapter().url)
    before = summary(client)
    cycle = Cycle.objects.get(slug="2027-2028")
    cycle.is_current = True
    cycle.save()  # as the admin form does
    after = summary(client)
    assert after == later.snapshots.get(key="finance.forecast").summary != before


# --- HTTP caching ----------------------------------------------------------------------------


def test_etag_and_last_modified_answer_304_from_the_cache(client, published, django_assert_num_queries):
    url = chapter().url
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(0):
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"etwas-anderes"').status_code == 200


def test_after_a_change_the_old_etag_gets_the_new_page(client, published):
    first = client.get(chapter().url)
    page = chapter()
    page.summary = "Neu seit dem letzten Besuch."
    page.save_revision().publish()
    response = client.get(chapter().url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200 and "Neu seit dem letzten Besuch." in response.content.decode()


def directives(response) -> dict[str, str]:
    parts = [part.strip() for part in response["Cache-Control"].split(",")]
    return dict(part.split("=", 1) if "=" in part else (part, "") for part in parts)


def test_public_pages_may_be_kept_briefly_by_browsers_and_proxies(client, published):
    for response in (client.get(chapter().url), client.get(chapter().url)):
        assert directives(response) == {"public": "", "max-age": "60", "s-maxage": "60", "stale-while-revalidate": "30"}
        assert "Cookie" in response["Vary"]


def test_cache_control_follows_the_settings(client, published, settings):
    settings.MEP_HTTP_MAX_AGE = 30
    settings.MEP_HTTP_S_MAXAGE = 600
    settings.MEP_HTTP_STALE_WHILE_REVALIDATE = 120
    assert directives(client.get(chapter().url)) == {
        "public": "", "max-age": "30", "s-maxage": "600", "stale-while-revalidate": "120"
    }


def test_page_cache_seconds_zero_turns_the_cache_off(client, published, settings):
    settings.MEP_PAGE_CACHE_SECONDS = 0
    client.get(chapter().url)
    assert HIT_HEADER not in client.get(chapter().url)


# --- compression -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Kapitel 5.3", "CSV", "JSON"])
def test_html_csv_and_json_are_gzipped_and_the_cache_keeps_both_variants(client, published, name):
    url = public_urls()[name]
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed[HIT_HEADER] == "miss"  # another variant than the plain one
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert again[HIT_HEADER] == "hit" and again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain.content
    assert "Content-Encoding" not in client.get(url)


def test_svg_is_gzipped():
    svg = '<svg xmlns="http://www.w3.org/2000/svg">' + '<rect width="1" height="1"/>' * 50 + "</svg>"
    request = RequestFactory().get("/abbildung.svg", HTTP_ACCEPT_ENCODING="gzip")
    response = CompressionMiddleware(lambda r: HttpResponse(svg, content_type="image/svg+xml"))(request)
    assert response["Content-Encoding"] == "gzip" and gzip.decompress(response.content).decode() == svg


def test_a_page_with_a_csrf_token_is_not_compressed():
    def form(request):
        from django.middleware.csrf import get_token

        return HttpResponse(f"<form><input name='csrfmiddlewaretoken' value='{get_token(request)}'></form>" * 10)

    request = RequestFactory().get("/formular/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in CompressionMiddleware(form)(request)


# --- a proxy in front: wagtail.contrib.frontend_cache ------------------------------------------


@pytest.fixture
def varnish(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://varnish.invalid:6081"}
    }
    with mock.patch("wagtail.contrib.frontend_cache.backends.http.urlopen") as urlopen:
        yield urlopen


def purged(urlopen) -> list[tuple[str, str, str]]:
    return [(call.args[0].get_method(), call.args[0].full_url, call.args[0].get_header("Host")) for call in urlopen.call_args_list]


def test_publishing_a_page_purges_it_from_the_proxy(published, varnish):
    page = chapter()
    page.summary = "Für den Proxy neu."
    page.save_revision().publish()
    requests = purged(varnish)
    assert requests, "kein PURGE an den Proxy"
    path = page.get_url_parts()[2]
    assert all(method == "PURGE" and url.startswith("http://varnish.invalid:6081") for method, url, _ in requests)
    assert any(url.endswith(path) for _, url, _ in requests)


def test_without_a_proxy_configured_nothing_is_purged(published, settings):
    assert not getattr(settings, "WAGTAILFRONTENDCACHE", None)
    with mock.patch("wagtail.contrib.frontend_cache.backends.http.urlopen") as urlopen:
        page = chapter()
        page.save_revision().publish()
    urlopen.assert_not_called()


def test_clear_page_cache_command_serves_fresh_pages(client, published):
    import io

    from django.core.management import call_command

    cached(client, chapter().url)
    call_command("clear_page_cache", stdout=io.StringIO())
    assert client.get(chapter().url)[HIT_HEADER] == "miss"


def test_mep_frontend_cache_url_configures_the_http_purge_backend():
    import json
    import os
    import subprocess
    import sys

    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([getattr(settings, 'WAGTAILFRONTENDCACHE', None), settings.MEP_HTTP_S_MAXAGE]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env.pop("MEP_FRONTEND_CACHE_URL", None)
    run = lambda extra: json.loads(  # noqa: E731
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True
        ).stdout
    )
    assert run({}) == [None, 60]
    configured, s_maxage = run({"MEP_FRONTEND_CACHE_URL": "http://127.0.0.1:6081", "MEP_HTTP_S_MAXAGE": "300"})
    assert configured == {
        "default": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://127.0.0.1:6081"}
    }
    assert s_maxage == 300
