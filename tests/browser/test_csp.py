"""Under the real policy in a real browser: no Content-Security-Policy violation, public pages and admin alike."""

import re
import zipfile

import pytest

from .conftest import manage

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

PUBLIC = {
    "home": "/",
    "plan": "/plan/",
    "chapter 5.3": "/plan/teil-2-status-quo/inhaltsfelder/finanz-und-investitionsplanung/",
    "actor map": "/plan/teil-1-retrospektive/akteure/",
    "partner offer": "/partnerangebote/medienstudio/",
    "workshops": "/workshops/",
    "search": "/suche/?q=Medien",
    "compare cycles": "/abbildungen/vergleich/?key=finance.forecast&a=2025-2026&b=2027-2028",
    "open data": "/offene-daten/",
    "not found": "/gibt-es-nicht/",
}

# Records violations before any page script runs; the browser reports each one as this event.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e =>
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber));
"""

STAFF = """
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username="csp-{name}", defaults={"is_staff": True})
user.set_password("Browser-Passwort-2025")
user.is_superuser = True
user.save()
print(user.pk)
"""


@pytest.fixture
def watched(browser):
    """A page that collects CSP violations (events and console errors), with its list."""
    context = browser.new_context(locale="de-DE")
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    yield page, console
    context.close()


def assert_no_violations(page, console):
    found = page.evaluate("window.__csp || []") + console
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def session_pk(live_portal, portal_env):
    code = (
        "from portal.workshops.models import WorkshopSession;"
        "print(WorkshopSession.objects.upcoming().order_by('start').values_list('pk', flat=True).first())"
    )
    return int(manage(portal_env, "shell", "--no-imports", "-c", code).stdout.split()[-1])


@pytest.mark.parametrize("name", PUBLIC)
def test_public_page_has_no_policy_violation(live_portal, watched, name):
    page, console = watched
    response = page.goto(live_portal + PUBLIC[name])
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert_no_violations(page, console)


def test_charts_render_under_the_policy(live_portal, watched):
    page, console = watched
    page.goto(live_portal + PUBLIC["chapter 5.3"])
    chart = page.locator('figure[data-figure-key="finance.forecast"] .figure-block__chart svg')
    # a bar keeps its colour: fill comes from an attribute the policy allows, not from a blocked style
    bar = chart.locator("path[fill='#0072b2']").first
    assert bar.evaluate("el => getComputedStyle(el).fill") == "rgb(0, 114, 178)"
    text = chart.locator("text").first
    assert "DejaVu Sans" in text.evaluate("el => getComputedStyle(el).fontFamily")
    assert_no_violations(page, console)


def test_booking_form_script_runs_under_the_policy(live_portal, watched, session_pk):
    page, console = watched
    page.goto(f"{live_portal}/workshops/termine/{session_pk}/")
    page.goto(f"{live_portal}/workshops/termine/{session_pk}/buchen/")
    page.get_by_label("Name der Ansprechperson").fill("Ada Lovelace")
    page.reload()  # the local script keeps the input in sessionStorage
    assert page.get_by_label("Name der Ansprechperson").input_value() == "Ada Lovelace"
    with page.expect_navigation():  # count() does not wait for the answer
        page.get_by_role("button", name="Verbindlich buchen").click()
    assert page.locator(".error-summary li").count() >= 1
    assert_no_violations(page, console)


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("Browser-Passwort-2025")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_editor_edits_a_page_in_the_admin_without_violations(live_portal, portal_env, watched):
    page, console = watched
    manage(portal_env, "shell", "--no-imports", "-c", STAFF.replace("{name}", "redaktion"))
    log_in(page, live_portal, "csp-redaktion")
    code = "from portal.plan.models import ChapterPage; print(ChapterPage.objects.get(locale__language_code='de', number='5.3').pk)"
    pk = manage(portal_env, "shell", "--no-imports", "-c", code).stdout.split()[-1]
    page.goto(f"{live_portal}/admin/pages/{pk}/edit/")
    page.wait_for_load_state("networkidle")
    title = page.locator("#id_title")
    title.fill(title.input_value() + " (Browsertest)")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_load_state("networkidle")
    assert "(Browsertest)" in page.locator("#id_title").input_value()
    assert page.locator(".messages .success, .messages [class*=success]").count() >= 1
    assert_no_violations(page, console)


def test_planner_uploads_a_data_set_without_violations(live_portal, portal_env, watched, tmp_path):
    page, console = watched
    manage(portal_env, "shell", "--no-imports", "-c", STAFF.replace("{name}", "planung"))
    from content.demodata import generate

    folder = generate(tmp_path / "daten", seed=7)  # not the demo data set the portal already holds
    archive = tmp_path / "daten.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted(folder.iterdir()):
            zipped.write(file, "daten/" + file.name)
    log_in(page, live_portal, "csp-planung")
    page.goto(live_portal + "/admin/planungsdaten/")
    page.locator("#id_file").set_input_files(str(archive))
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Datensatz geprüft").count() >= 1
    assert_no_violations(page, console)
