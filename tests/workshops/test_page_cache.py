"""The workshop pages in the page cache: fresh after every change of seats or dates, and no longer than a date's next boundary."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from portal.response_cache import HIT_HEADER
from portal.workshops import booking as service
from portal.workshops.models import Booking, WorkshopSession
from tests.workshops.test_booking_rules import request

pytestmark = pytest.mark.django_db


def seats_line(client, url="/workshops/"):
    response = client.get(url)
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    return response, [p.get_text(" ", strip=True) for p in doc.select(".seats")]


def cached(client, url="/workshops/"):
    client.get(url)
    response, seats = seats_line(client, url)
    assert response[HIT_HEADER] == "hit"
    return seats


def fresh(client, url="/workshops/"):
    response, seats = seats_line(client, url)
    assert response[HIT_HEADER] == "miss"
    return seats


def test_a_booking_shows_at_once(client, make_session):
    make_session(capacity=4)
    before = cached(client)
    service.book(WorkshopSession.objects.get().pk, request("S001", seats=2))
    after = fresh(client)
    assert before == ["Noch 4 Plätze frei"] and after == ["Noch 2 Plätze frei"]


def test_a_confirmation_shows_at_once(client, make_session):
    session = make_session(capacity=2, per_school=2)
    service.book(session.pk, request("S001", seats=2))  # holds both seats
    waiting = service.book(session.pk, request("S002", seats=1, waitlist=True))
    cached(client, f"/workshops/termine/{session.pk}/")
    service.confirm_booking(waiting.pk, waiting.token_nonce)  # now waiting: the detail page counts the waiting list
    assert client.get(f"/workshops/termine/{session.pk}/")[HIT_HEADER] == "miss"


def test_a_cancellation_shows_at_once(client, make_session):
    session = make_session(capacity=4)
    pending = service.book(session.pk, request("S001", seats=2))
    booked = service.confirm_booking(pending.pk, pending.token_nonce)
    assert cached(client) == ["Noch 2 Plätze frei"]
    service.cancel_booking(booked.pk, booked.token_nonce)
    assert fresh(client) == ["Noch 4 Plätze frei"]


def test_a_lapse_shows_at_once(client, make_session):
    session = make_session(capacity=4)
    pending = service.book(session.pk, request("S001", seats=2))
    assert cached(client) == ["Noch 2 Plätze frei"]
    Booking.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert service.lapse_expired_bookings() == 1
    assert fresh(client) == ["Noch 4 Plätze frei"]


def test_a_capacity_change_shows_at_once(client, make_session):
    session = make_session(capacity=4)
    assert cached(client) == ["Noch 4 Plätze frei"]
    session.capacity = 6
    session.save()  # as the admin form does
    assert fresh(client) == ["Noch 6 Plätze frei"]


def test_calling_a_date_off_shows_at_once(client, make_session):
    session = make_session(capacity=4)
    assert cached(client) == ["Noch 4 Plätze frei"]
    service.cancel_session(session.pk)
    assert fresh(client) == []


def test_a_new_date_shows_at_once(client, make_session):
    make_session(capacity=4)
    assert cached(client) == ["Noch 4 Plätze frei"]
    make_session(capacity=8, days=20)
    assert fresh(client) == ["Noch 4 Plätze frei", "Noch 8 Plätze frei"]


def test_a_refused_booking_keeps_the_cached_page(client, make_session):
    session = make_session(capacity=2)
    cached(client)
    with pytest.raises(service.BookingRefused):
        service.book(session.pk, request("S001", seats=3))
    assert client.get("/workshops/")[HIT_HEADER] == "hit"


# --- what changes with time alone ------------------------------------------------------------


def max_age(response) -> int:
    return int(next(p.split("=")[1] for p in response["Cache-Control"].replace(" ", "").split(",") if p.startswith("max-age=")))


@pytest.fixture
def long_http_max_age(settings):
    settings.MEP_HTTP_MAX_AGE = 24 * 60 * 60


def test_the_page_is_kept_no_longer_than_until_booking_opens(client, make_session, long_http_max_age, monkeypatch):
    session = make_session(booking_opens=timezone.now() + timedelta(minutes=10))
    url = f"/workshops/termine/{session.pk}/"
    first = client.get(url)
    assert 590 <= max_age(first) <= 600
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 300)
    later = client.get(url)
    assert later[HIT_HEADER] == "hit" and 290 <= max_age(later) <= 300  # it counts down to the opening
    monkeypatch.setattr(time, "time", lambda: real_time() + 605)
    assert client.get(url)[HIT_HEADER] == "miss"


def test_the_list_is_kept_no_longer_than_until_a_hold_ends(client, make_session, long_http_max_age, settings):
    session = make_session(capacity=4)
    service.book(session.pk, request("S001", seats=2))
    seconds = settings.MEP_BOOKING_CONFIRM_MINUTES * 60
    assert seconds - 10 <= max_age(client.get("/workshops/")) <= seconds


def test_the_list_is_kept_no_longer_than_until_booking_closes_or_a_date_starts(client, robotics, long_http_max_age):
    start = timezone.now() + timedelta(hours=3)
    WorkshopSession.objects.create(workshop=robotics, start=start, booking_closes=timezone.now() + timedelta(hours=1))
    assert 3590 <= max_age(client.get("/workshops/")) <= 3600
    WorkshopSession.objects.update(booking_closes=None)
    assert 3 * 3600 - 10 <= max_age(client.get(f"/workshops/termine/{WorkshopSession.objects.get().pk}/")) <= 3 * 3600


def test_the_booking_form_and_receipt_are_never_cached(client, make_session, post):
    session = make_session(capacity=4)
    for _ in range(2):
        form = client.get(f"/workshops/termine/{session.pk}/buchen/")
        assert form.status_code == 200 and HIT_HEADER not in form
        assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    data = {"school": "S001", "contact_name": "Frau Test", "email": "s001@schule.example", "seats": 1, "privacy": "on"}
    done = post(f"/workshops/termine/{session.pk}/buchen/", data)
    assert done.status_code == 302, done.content.decode()[:2000]
    client.cookies.clear()
    for _ in range(2):
        receipt = client.get(done["Location"])
        assert receipt.status_code == 200 and HIT_HEADER not in receipt and "no-store" in receipt["Cache-Control"]


# --- a proxy in front -----------------------------------------------------------------------


def test_a_booking_purges_the_workshop_pages_from_the_proxy(make_session, settings):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://varnish.invalid:6081"}
    }
    session = make_session(capacity=4)
    with mock.patch("wagtail.contrib.frontend_cache.backends.http.urlopen") as urlopen:
        service.book(session.pk, request("S001", seats=1))
    paths = {call.args[0].full_url.removeprefix("http://varnish.invalid:6081") for call in urlopen.call_args_list}
    assert {"/workshops/", "/en/workshops/", "/workshops/kalender.ics"} <= paths
