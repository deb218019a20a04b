"""A reader comments on a paragraph of a chapter in a real browser, confirms by the mailed link, a moderator
releases it and it appears under the chapter; axe (WCAG 2.1 A/AA) on the chapter with comments and on the form's error state."""

import re

import pytest

from .conftest import WCAG_21_AA, manage
from .test_workshops import mail_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one live portal, in one worker

CHAPTER = """
from portal.plan.models import ChapterPage
page = next(p for p in ChapterPage.objects.live().filter(locale__language_code="de").order_by("path") if any(b.block_type == "goals" for b in p.body))
print(page.url, page.pk)
"""

RELEASE = """
from portal.dialogue import services
from portal.dialogue.models import Comment
comment = Comment.objects.get(email="{address}")
services.release(comment.pk)
services.answer(comment.pk, "Danke, das nehmen wir in die Fortschreibung auf.")
"""


@pytest.fixture
def chapter(live_portal, portal_env):
    url, pk = manage(portal_env, "shell", "--no-imports", "-c", CHAPTER).stdout.split()
    return url, int(pk)


def test_a_reader_comments_on_a_paragraph_and_sees_it_after_the_release(live_portal, page, axe, portal_env, chapter):
    url, pk = chapter
    page.goto(live_portal + url)
    page.wait_for_selector("#dialog[data-dialogue-form]")  # the script loaded the chapter's comments in place
    controls = page.locator(".dialogue-control a", has_text="Kommentieren")
    assert controls.count() >= 2  # next to paragraphs and goals, added by the script
    controls.first.click()
    page.wait_for_url(re.compile(rf"/dialog/kapitel/{pk}/kommentieren/\?absatz="))
    assert page.get_by_label("Worauf bezieht sich Ihr Kommentar?").input_value() != ""

    page.get_by_label("Ihr Kommentar", exact=True).fill("Im Browser: Bitte WLAN auch in den Turnhallen.")
    page.get_by_label("Sie schreiben als").select_option(label="Schulleitung")
    page.get_by_label("Angezeigter Name (freiwillig)").fill("Frau Browser")
    page.get_by_label("E-Mail-Adresse").fill("browser@schule.example")
    page.get_by_role("button", name="Kommentar absenden").click()
    assert page.locator("h1").inner_text() == "Bitte bestätigen Sie Ihren Kommentar"

    body = mail_to(portal_env, "browser@schule.example", "Bitte bestätigen").get_body(preferencelist=("plain",)).get_content()
    page.goto(re.search(r"(http://127\.0\.0\.1:\d+/dialog/bestaetigen/\S+/)", body).group(1))
    page.get_by_role("button", name="Kommentar bestätigen").click()
    assert "wartet auf die Freigabe" in page.locator("main").inner_text()

    page.goto(live_portal + url)
    page.wait_for_selector("#dialog[data-dialogue-form]")
    assert "WLAN auch in den Turnhallen" not in page.locator("#dialog").inner_text()
    manage(portal_env, "shell", "--no-imports", "-c", RELEASE.replace("{address}", "browser@schule.example"))

    page.goto(live_portal + url + "?dialog=neu")  # the browser may keep the comments for max-age seconds
    page.wait_for_selector("#dialog li.comment")
    section = page.locator("#dialog")
    assert "WLAN auch in den Turnhallen" in section.inner_text()
    assert "Antwort der Redaktion" in section.inner_text()
    target = section.locator(".comment__target a").first
    target.click()
    assert page.evaluate("location.hash").startswith("#absatz-")
    assert page.locator(".dialogue-control a", has_text="1 Kommentar").count() == 1
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()


def test_the_form_with_errors_has_no_axe_violations(live_portal, page, axe, chapter):
    _url, pk = chapter
    page.goto(f"{live_portal}/dialog/kapitel/{pk}/kommentieren/")
    with page.expect_navigation():  # count() does not wait for the answer
        page.get_by_role("button", name="Kommentar absenden").click()
    assert page.locator(".error-summary li").count() == 3
    assert page.locator("#id_email_error").inner_text().startswith("Bitte geben Sie Ihre E-Mail-Adresse an")
    results = axe.run(page, options=WCAG_21_AA)
    assert results.response["passes"], "axe hat nichts geprüft"
    assert results.violations_count == 0, results.generate_report()
