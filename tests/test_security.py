"""The admin door: login throttling, password length, no /django-admin/."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.security import client_ip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"
PASSWORD = "Richtig-und-lang-2025"
LOCKED = "Anmeldung vorübergehend gesperrt"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("redakteurin", password=PASSWORD, is_staff=True, is_superuser=True)


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client, username="redakteurin"):
    """Wrong passwords until the limit; every attempt before the last shows the login form again."""
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert attempt(client, username, "falsch").status_code == 200
    return attempt(client, username, "falsch")


def test_failed_logins_lock_the_door_with_a_german_message(staff):
    client = Client()
    locked = fail_until_locked(client)
    assert settings.AXES_FAILURE_LIMIT == 5
    assert locked.status_code == 429
    text = locked.content.decode()
    assert LOCKED in text and "15 Minuten" in text
    assert "<script" not in text and "style=" not in text


def test_the_right_password_is_refused_while_locked(staff):
    client = Client()
    fail_until_locked(client)
    response = attempt(client, "redakteurin", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)


def test_fewer_failures_than_the_limit_still_let_staff_in(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "redakteurin", "falsch")
    assert attempt(client, "redakteurin", PASSWORD).status_code == 302
    assert logged_in(client)


def test_lock_is_per_account_from_any_address(staff, django_user_model):
    django_user_model.objects.create_user("planer", password=PASSWORD, is_staff=True)
    fail_until_locked(Client(REMOTE_ADDR="203.0.113.1"))
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert attempt(elsewhere, "redakteurin", PASSWORD).status_code == 429
    # the same new address may still log in to another account
    assert attempt(elsewhere, "planer", PASSWORD).status_code == 302


def test_lock_is_per_address_across_accounts(staff):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(guesser, f"gibt-es-nicht-{i}", "falsch")
    assert attempt(guesser, "redakteurin", PASSWORD).status_code == 429
    # the account itself is not locked: from another address its owner gets in
    colleague = Client(REMOTE_ADDR="198.51.100.8")
    assert attempt(colleague, "redakteurin", PASSWORD).status_code == 302


def test_lock_ends_after_the_cool_off(staff):
    from axes.models import AccessAttempt

    client = Client()
    fail_until_locked(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "redakteurin", PASSWORD).status_code == 302


def test_axes_reset_username_unlocks_an_account(staff):
    client = Client()
    fail_until_locked(client)
    call_command("axes_reset_username", "redakteurin", stdout=StringIO())
    call_command("axes_reset_ip", "127.0.0.1", stdout=StringIO())
    assert attempt(client, "redakteurin", PASSWORD).status_code == 302


def test_failure_limit_is_a_setting(staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    attempt(client, "redakteurin", "falsch")
    assert attempt(client, "redakteurin", "falsch").status_code == 429


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(staff, settings):
    settings.MEP_TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):
        # the proxy (REMOTE_ADDR 10.0.0.1) appends the real client; the left part is the client's invention
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5").post(
            LOGIN, {"username": f"niemand-{i}", "password": "x"}
        )
    again = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.5")
    assert attempt(again, "redakteurin", PASSWORD).status_code == 429
    other_client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert attempt(other_client, "redakteurin", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "hops, forwarded, expected",
    [
        (0, "1.1.1.1", "10.0.0.1"),  # no proxy trusted: the header is the client's invention
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),  # fewer entries than proxies: only the proxy's address is known
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address_is_the_right_most_untrusted(settings, hops, forwarded, expected):
    settings.MEP_TRUSTED_PROXY_COUNT = hops
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_throttling_settings_come_from_the_environment(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "AXES_FAILURE_LIMIT": "3",
        "MEP_LOGIN_COOLOFF_MINUTES": "40",
        "MEP_TRUSTED_PROXY_COUNT": "2",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.MEP_TRUSTED_PROXY_COUNT)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "2400", "2"]


def test_staff_passwords_need_twelve_characters(staff):
    with pytest.raises(ValidationError) as refused:
        validate_password("Bochum-2025", staff)  # 11 characters
    assert any("12" in message for message in refused.value.messages)
    validate_password("Bochum-20255", staff)  # 12 characters


def test_admin_refuses_an_eleven_character_password(client):
    admin = get_user_model().objects.create_superuser("chefin", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {"username": "neu", "email": "neu@example.org", "first_name": "N", "last_name": "U",
         "password1": "Bochum-2025", "password2": "Bochum-2025", "is_active": "on"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="neu").exists()
    assert "mindestens 12 Zeichen" in response.content.decode()


def test_ensure_admin_generates_a_valid_password():
    out = StringIO()
    call_command("ensure_admin", "--username", "start", stdout=out)
    password = re.search(r"Passwort: (\S+)", out.getvalue()).group(1)
    user = get_user_model().objects.get(username="start")
    validate_password(password, user)
    assert user.check_password(password)


def test_django_admin_is_gone(client):
    admin = get_user_model().objects.create_superuser("chefin", password=PASSWORD)
    for url in ["/django-admin/", "/django-admin/login/", "/django-admin/auth/user/"]:
        assert Client().get(url).status_code == 404, url
    client.force_login(admin)
    assert client.get("/django-admin/").status_code == 404
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
