"""Booking attempts are limited per client address (as the trusted proxies report it), per e-mail address and per school."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client, RequestFactory

from portal.workshops.models import Booking
from portal.workshops.ratelimit import client_address

VALID = {"school": "S001", "contact_name": "Anna Beispiel", "email": "anna@schule.example", "seats": "1", "privacy": "on"}


def request_from(remote="10.0.0.9", forwarded=None, **meta):
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.4", forwarded="203.0.113.66")) == "198.51.100.4"


def test_one_proxy_counts_the_right_most_address_not_the_one_the_client_wrote(settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert client_address(request_from(forwarded="1.2.3.4, 198.51.100.23")) == "198.51.100.23"
    assert client_address(request_from(forwarded="5.6.7.8, 198.51.100.23")) == "198.51.100.23"


def test_two_proxies_count_the_second_address_from_the_right(settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(forwarded="1.2.3.4,198.51.100.23, 10.1.1.1")) == "198.51.100.23"


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.23", "unknown, 10.1.1.1", "1.2.3.4:80, 10.1.1.1", " , 10.1.1.1"])
def test_a_short_or_malformed_header_falls_back_to_the_peer(settings, forwarded):
    settings.MEP_TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from("10.0.0.9", forwarded=forwarded)) == "10.0.0.9"


def test_the_header_name_is_configurable(settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 1
    settings.MEP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = request_from(forwarded="203.0.113.66", HTTP_X_REAL_IP="198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_ipv6_clients_count_per_network(settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 1
    first = client_address(request_from(forwarded="2001:db8:1:2::1"))
    assert first == client_address(request_from(forwarded="2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64"
    assert client_address(request_from(forwarded="2001:db8:1:3::1")) != first
    assert client_address(request_from(forwarded="::ffff:198.51.100.8")) == "198.51.100.8"


def book(session, address, **data):
    return Client(REMOTE_ADDR=address).post(f"/workshops/termine/{session.pk}/buchen/", {**VALID, **data})


def refused(response):
    doc = BeautifulSoup(response.content, "html.parser")
    return response.status_code == 429 and doc.find("h1").get_text() == "Zu viele Anfragen"


@pytest.mark.django_db
def test_one_email_address_is_limited_whatever_its_case_and_wherever_it_comes_from(make_session, settings):
    settings.MEP_BOOKING_EMAIL_RATE_LIMIT = 2
    sessions = [make_session(days=d) for d in (5, 6, 7)]
    assert book(sessions[0], "192.0.2.1", email="anna@schule.example").status_code == 302
    assert book(sessions[1], "192.0.2.2", email=" Anna@Schule.EXAMPLE").status_code == 302
    assert refused(book(sessions[2], "192.0.2.3", email="ANNA@schule.example"))
    assert Booking.objects.count() == 2
    assert book(sessions[2], "192.0.2.4", email="bea@schule.example").status_code == 302


@pytest.mark.django_db
def test_one_school_is_limited_whatever_address_books_for_it(make_session, settings):
    settings.MEP_BOOKING_SCHOOL_RATE_LIMIT = 2
    sessions = [make_session(days=d) for d in (5, 6, 7)]
    for n, session in enumerate(sessions[:2]):
        assert book(session, f"192.0.2.{n}", email=f"person{n}@example.org").status_code == 302
    assert refused(book(sessions[2], "192.0.2.9", email="someone-else@example.org"))
    assert not Booking.objects.filter(session=sessions[2]).exists()
    assert book(sessions[2], "192.0.2.9", email="someone-else@example.org", school="S002").status_code == 302


@pytest.mark.django_db
def test_an_invalid_form_does_not_count_for_the_email_or_school(make_session, settings):
    settings.MEP_BOOKING_EMAIL_RATE_LIMIT = 1
    session = make_session()
    for n in range(3):
        assert book(session, f"192.0.2.{n}", contact_name="").status_code == 422
    assert book(session, "192.0.2.9").status_code == 302


@pytest.mark.django_db
def test_behind_two_proxies_clients_are_told_apart_and_cannot_reset_their_count(make_session, settings):
    settings.MEP_BOOKING_RATE_LIMIT = 1
    settings.MEP_TRUSTED_PROXY_COUNT = 2
    session = make_session()
    url = f"/workshops/termine/{session.pk}/buchen/"
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    assert proxy.post(url, {}, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1").status_code == 422
    # a new left-most entry is the client's own invention and changes nothing
    assert proxy.post(url, {}, HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.1, 10.0.0.1").status_code == 429
    assert proxy.post(url, {}, HTTP_X_FORWARDED_FOR="198.51.100.2, 10.0.0.1").status_code == 422
