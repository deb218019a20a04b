"""Response headers: a strict Content-Security-Policy on every public page, Permissions-Policy, HSTS preload opt-in."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portal.plan.models import ChapterPage, LegalPage, PartnerOfferPage, PlanPage
from portal.workshops.models import Workshop, WorkshopSession
from tests.demo import publish_demo
from tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_ROOTS = [ROOT / "portal", ROOT / "plugins"]


@pytest.fixture
def published(db, demo_cache, settings):
    for slug in ("2025-2026", "2027-2028"):
        publish_demo(demo_cache, slug)
    settings.MEP_SCHOOL_SOURCE = "tests.workshops.conftest.three_schools"


@pytest.fixture
def session(db):
    workshop = Workshop.objects.create(
        title="Trickfilm im Test", slug="trickfilm-im-test", description="Trickfilme drehen.",
        target_group=Workshop.TargetGroup.PRIMARY, place=Workshop.Place.STUDIO, duration_minutes=90,
    )
    start = (timezone.now() + timedelta(days=12)).replace(second=0, microsecond=0)
    return WorkshopSession.objects.create(workshop=workshop, start=start, capacity=8, max_seats_per_school=2)


def public_pages(session):
    return {
        "Startseite": "/",
        "Startseite (englisch)": "/en/",
        "Plan": PlanPage.objects.get(locale__language_code="de").url,
        "Kapitel 5.3 mit Abbildungen": ChapterPage.objects.get(locale__language_code="de", number="5.3").url,
        "Partnerangebot": PartnerOfferPage.objects.filter(locale__language_code="de").live().first().url,
        "Rechtliche Seite": LegalPage.objects.filter(locale__language_code="de").live().first().url,
        "Workshops": "/workshops/",
        "Workshop-Termin": f"/workshops/termine/{session.pk}/",
        "Buchungsformular": f"/workshops/termine/{session.pk}/buchen/",
        "Suche": "/suche/?q=Medien",
        "Vergleich": "/abbildungen/vergleich/?key=finance.forecast&a=2025-2026&b=2027-2028",
        "Offene Daten": "/offene-daten/",
        "404": "/gibt-es-nicht/",
    }


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def inline_code(html: bytes) -> list[str]:
    """Every inline script, <style> element and style attribute in a page (inline SVG included)."""
    doc = BeautifulSoup(html, "html.parser")
    found = [f"<script> ohne src: {s.get_text()[:60]!r}" for s in doc.find_all("script") if not s.get("src")]
    found += [f"<style>: {s.get_text()[:60]!r}" for s in doc.find_all("style")]
    found += [f"<{e.name} style={e['style'][:40]!r}>" for e in doc.find_all(style=True)]
    found += [f"<{e.name} {a}=…>" for e in doc.find_all(True) for a in e.attrs if a.lower().startswith("on")]
    return found


def assert_strict_policy(response, label):
    header = response.get("Content-Security-Policy")
    assert header, f"{label}: kein Content-Security-Policy-Header"
    policy = directives(header)
    assert policy["script-src"] == ["'self'"], label
    assert policy["style-src"] == ["'self'"], label
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], label
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"], label
    assert policy["form-action"] == ["'self'"], label
    assert "unsafe" not in header, f"{label}: {header}"


@pytest.mark.django_db
def test_every_public_page_sends_a_strict_policy_and_has_no_inline_code(client, published, session):
    problems = []
    for label, url in public_pages(session).items():
        response = client.get(url)
        assert response.status_code == (404 if label == "404" else 200), f"{label} {url}: {response.status_code}"
        assert_strict_policy(response, label)
        problems += [f"{label} ({url}): {p}" for p in inline_code(response.content)]
    assert problems == []


@pytest.mark.django_db
def test_charts_are_inline_and_unstyled(client, published):
    doc = BeautifulSoup(client.get(ChapterPage.objects.get(locale__language_code="de", number="5.3").url).content, "html.parser")
    charts = doc.select(".figure-block__chart svg")
    assert charts
    for chart in charts:
        assert chart.find("title") and chart.find("desc")
        assert chart.find(attrs={"fill": True}) and chart.find("text", attrs={"font-family": True})
        assert not chart.find("style") and not chart.find(style=True)


@pytest.mark.django_db
def test_refused_csrf_page_is_strict_too(session):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(f"/workshops/termine/{session.pk}/buchen/", {"name": "x"})
    assert refused.status_code == 403
    assert_strict_policy(refused, "403_csrf")
    assert inline_code(refused.content) == []


@pytest.mark.django_db
def test_every_response_switches_off_browser_features_and_limits_the_referrer(client):
    response = client.get("/")
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()", feature
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_has_its_own_documented_policy_without_eval(client):
    response = client.get("/admin/login/")
    header = response["Content-Security-Policy"]
    policy = directives(header)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]  # Wagtail 8's inline widget scripts
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in header and "http" not in header


def test_no_template_has_inline_script_or_style():
    problems = []
    for root in TEMPLATE_ROOTS:
        for template in root.rglob("templates/**/*.html"):
            for problem in inline_code(template.read_bytes()):
                problems.append(f"{template.relative_to(ROOT)}: {problem}")
    assert problems == []


def _strict_transport_security(env_extra, tmp_path) -> str:
    env = production_env(tmp_path, ALLOWED_HOSTS="testserver", MEP_PUBLIC_BASE_URL="https://mep.example.org", **env_extra)
    code = (  # the production middleware on an HTTPS request, without a database
        "from django.http import HttpResponse; from django.test import RequestFactory;"
        "from django.middleware.security import SecurityMiddleware;"
        "r = SecurityMiddleware(lambda request: HttpResponse())(RequestFactory().get('/', secure=True));"
        "print(r['Strict-Transport-Security'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_opt_in(tmp_path):
    assert "preload" not in _strict_transport_security({}, tmp_path)
    assert "preload" in _strict_transport_security({"SECURE_HSTS_PRELOAD": "true"}, tmp_path)


def test_policies_are_not_weakened_by_settings():
    assert "'unsafe-inline'" not in str(settings.CONTENT_SECURITY_POLICY)
    assert "'unsafe-eval'" not in str(settings.CONTENT_SECURITY_POLICY) + str(settings.MEP_ADMIN_CONTENT_SECURITY_POLICY)
