"""Closed dialogues, rate limits, the honeypot, German messages at the field, erasure, the digest, the admin export, the privacy page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.dialogue import services
from portal.dialogue.emails import send_moderation_digest
from portal.dialogue.models import Comment, DialogueClosure
from portal.plan.models import LegalPage

from .conftest import VALID, last_mail, link_in

pytestmark = pytest.mark.django_db


def form_url(chapter):
    return reverse("dialogue:comment", args=[chapter.pk])


def make_comment(chapter, cycle, status=Comment.Status.QUEUED, **fields):
    defaults = {"text": "Ein Kommentar.", "role": "eltern", "email": "eltern@example.org", "confirmed_at": timezone.now()}
    return Comment.objects.create(page=chapter, cycle=cycle, status=status, **{**defaults, **fields})


def test_a_closed_chapter_refuses_new_comments_with_a_clear_message(client, post, chapter, cycle):
    DialogueClosure.objects.create(cycle=cycle, page=chapter, note="Die Fortschreibung läuft.")
    response = post(form_url(chapter), VALID)
    assert response.status_code == 409
    text = BeautifulSoup(response.content, "html.parser").find(role="alert").text
    assert f"Der Dialog zu diesem Kapitel ist für den Zyklus {cycle.name} geschlossen" in text
    assert "Die Fortschreibung läuft." in text
    assert not Comment.objects.exists()
    section = BeautifulSoup(client.get(reverse("dialogue:chapter_fragment", args=[chapter.pk])).content, "html.parser").find(id="dialog")
    assert section["data-dialogue-open"] == "false"
    assert "geschlossen" in section.find(class_="dialogue__closed").text
    assert section.find("a", href=form_url(chapter)) is None


def test_closing_the_whole_cycle_closes_every_chapter(post, chapter, cycle):
    DialogueClosure.objects.create(cycle=cycle)
    response = post(form_url(chapter), VALID)
    assert response.status_code == 409
    assert "Der Dialog zum Plan ist für den Zyklus" in response.content.decode()


def test_a_new_cycle_starts_a_new_dialogue_and_old_comments_stay_marked(client, chapter, cycle):
    from portal.figures.models import Cycle

    old = make_comment(chapter, cycle, status=Comment.Status.RELEASED, moderated_at=timezone.now(), text="Aus dem alten Zyklus.")
    DialogueClosure.objects.create(cycle=cycle)
    Cycle.objects.create(name="2031–2032", start_year=2031, end_year=2032, is_current=True)
    soup = BeautifulSoup(client.get(reverse("dialogue:chapter", args=[chapter.pk])).content, "html.parser")
    section = soup.find(id="dialog")
    assert section["data-dialogue-open"] == "true"  # the closure belonged to the old cycle
    assert f"Dialog des Zyklus {cycle.name} (abgeschlossen)" in section.find(class_="dialogue__cycle").text
    assert "Aus dem alten Zyklus." in section.find(id=f"kommentar-{old.pk}").text


def test_the_honeypot_refuses_bots(post, chapter):
    response = post(form_url(chapter), {**VALID, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Comment.objects.exists() and not mail.outbox


def test_errors_are_german_and_at_their_field(client, post, chapter, settings):
    settings.MEP_DIALOGUE_MAX_LENGTH = 50
    response = post(form_url(chapter), {"text": "x" * 51, "role": "", "email": "keine-adresse", "display_name": ""})
    assert response.status_code == 422
    soup = BeautifulSoup(response.content, "html.parser")
    errors = {p["id"]: p.text for p in soup.select(".field__error")}
    assert errors["id_text_error"] == "Ihr Kommentar ist zu lang: höchstens 50 Zeichen, jetzt 51. Bitte kürzen Sie ihn."
    assert errors["id_role_error"] == "Bitte wählen Sie, als wer Sie schreiben."
    assert errors["id_email_error"].startswith("Bitte geben Sie eine gültige E-Mail-Adresse an")
    assert soup.find(id="id_text")["maxlength"] == "50"
    assert soup.find(id="id_text").text.lstrip("\n") == "x" * 51  # nothing typed is lost (HTML drops the newline after <textarea>)
    assert not Comment.objects.exists()


def test_an_unknown_paragraph_is_refused_at_its_field(post, chapter):
    response = post(form_url(chapter), {**VALID, "anchor": "gibt-es-nicht"})
    assert response.status_code == 422
    assert "Bitte wählen Sie einen Absatz oder ein Ziel aus der Liste" in response.content.decode()


def test_attempts_per_address_are_limited(post, chapter, settings):
    settings.MEP_DIALOGUE_RATE_LIMIT = 2
    assert post(form_url(chapter), {**VALID, "email": "a@example.org"}).status_code == 302
    assert post(form_url(chapter), {**VALID, "email": "b@example.org"}).status_code == 302
    response = post(form_url(chapter), {**VALID, "email": "c@example.org"})
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert Comment.objects.count() == 2


def test_comments_per_email_address_are_limited_whatever_its_case(post, chapter, settings):
    settings.MEP_DIALOGUE_EMAIL_RATE_LIMIT = 1
    settings.MEP_DIALOGUE_RATE_WINDOW = 60
    assert post(form_url(chapter), VALID).status_code == 302
    assert post(form_url(chapter), {**VALID, "email": VALID["email"].upper()}).status_code == 429
    assert Comment.objects.count() == 1


def test_an_expired_confirmation_link_says_so(client, post, chapter, settings):
    settings.MEP_DIALOGUE_CONFIRM_HOURS = 2
    post(form_url(chapter), VALID)
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=3))
    response = client.post(link_in(last_mail(), "bestaetigen"))
    assert response.status_code == 410
    assert "innerhalb von 2 Stunden" in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.UNCONFIRMED


def test_unconfirmed_comments_are_deleted_after_the_confirmation_period(chapter, cycle, settings):
    settings.MEP_DIALOGUE_CONFIRM_HOURS = 5
    stale = make_comment(chapter, cycle, status=Comment.Status.UNCONFIRMED, confirmed_at=None)
    fresh = make_comment(chapter, cycle, status=Comment.Status.UNCONFIRMED, confirmed_at=None)
    Comment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=6))
    Comment.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(hours=4))
    assert services.delete_unconfirmed() == 1
    assert list(Comment.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_email_addresses_are_erased_after_the_configured_days(client, chapter, cycle, settings):
    settings.MEP_DIALOGUE_ERASURE_DAYS = 10
    now = timezone.now()
    due = make_comment(chapter, cycle, confirmed_at=now - timedelta(days=11), status=Comment.Status.RELEASED, moderated_at=now)
    kept = make_comment(chapter, cycle, confirmed_at=now - timedelta(days=9))
    call_command("dialogue_housekeeping", stdout=open("/dev/null", "w"))
    due.refresh_from_db()
    kept.refresh_from_db()
    assert due.email == "" and due.email_erased_at is not None
    assert due.text == "Ein Kommentar." and due.status == Comment.Status.RELEASED  # the comment stays
    assert kept.email == "eltern@example.org"


def test_the_withdraw_link_still_works_after_the_erasure(client, post, chapter, moderator, settings):
    post(form_url(chapter), VALID)
    message = last_mail()
    client.post(link_in(message, "bestaetigen"))
    settings.MEP_DIALOGUE_ERASURE_DAYS = 0
    assert services.erase_emails(now=timezone.now() + timedelta(seconds=1)) == 1
    assert client.post(link_in(message, "zurueckziehen")).status_code == 200
    assert Comment.objects.get().status == Comment.Status.WITHDRAWN


def test_the_moderators_get_one_digest_a_day(chapter, cycle, moderator, settings):
    make_comment(chapter, cycle)
    make_comment(chapter, cycle, status=Comment.Status.UNCONFIRMED)
    assert send_moderation_digest() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].bcc == ["moderation@stadt.example"]
    assert "1 Kommentar wartet auf Freigabe" in mail.outbox[0].body
    assert send_moderation_digest() == 0  # today's is sent
    assert len(mail.outbox) == 1


def test_the_digest_can_be_turned_off(chapter, cycle, moderator, settings):
    settings.MEP_DIALOGUE_DIGEST = False
    make_comment(chapter, cycle)
    assert send_moderation_digest() == 0
    assert not mail.outbox


def test_the_moderation_group_has_exactly_its_rights():
    group = Group.objects.get(name="Dialog-Moderation")
    rights = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert rights == {
        "dialogue.view_comment", "dialogue.moderate_comment", "wagtailadmin.access_admin",
        "dialogue.add_dialogueclosure", "dialogue.change_dialogueclosure", "dialogue.delete_dialogueclosure", "dialogue.view_dialogueclosure",
    }


def test_the_admin_lists_and_filters_comments_and_exports_formula_safe_csv(client, chapter, cycle, moderator):
    make_comment(chapter, cycle, text="=HYPERLINK(\"http://böse.example\")", role="lehrkraft")
    make_comment(chapter, cycle, text="Eltern schreiben.", role="eltern")
    make_comment(chapter, cycle, text="Noch unbestätigt", role="lehrkraft", status=Comment.Status.UNCONFIRMED)
    client.force_login(moderator)
    listing = client.get(reverse("wagtailsnippets_dialogue_comment:list") + "?role=lehrkraft")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "HYPERLINK" in html and "Eltern schreiben." not in html
    assert reverse("dialogue_admin:export") + "?role=lehrkraft" in html
    export = client.get(reverse("dialogue_admin:export") + "?role=lehrkraft")
    text = export.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Nummer,Zyklus,Kapitel,Absatz,Rolle")
    assert len(lines) == 2  # unconfirmed comments are not exported
    assert "'=HYPERLINK" in lines[1]
    assert "eltern@example.org" not in text and "@" not in text.split("'=HYPERLINK")[0]


def test_the_privacy_statement_states_the_configured_numbers(client, settings):
    settings.MEP_DIALOGUE_ERASURE_DAYS = 17
    settings.MEP_DIALOGUE_CONFIRM_HOURS = 36
    page = LegalPage.objects.live().get(slug="datenschutz", locale__language_code="de")
    text = BeautifulSoup(client.get(page.url).content, "html.parser").find("main").text
    assert "{MEP_DIALOGUE" not in text
    assert "innerhalb von 36 Stunden" in text
    assert "17 Tage nach Ihrer Bestätigung" in text


def test_the_form_states_the_configured_numbers(client, chapter, settings):
    settings.MEP_DIALOGUE_ERASURE_DAYS = 12
    settings.MEP_DIALOGUE_CONFIRM_HOURS = 24
    notice = BeautifulSoup(client.get(form_url(chapter)).content, "html.parser").find(id="privacy-notice").text
    assert "12 Tage nach Ihrer" in notice and "nach 24 Stunden" in notice


def test_the_limit_ends_with_its_window(post, chapter, settings):
    import time

    settings.MEP_DIALOGUE_EMAIL_RATE_LIMIT = 1
    settings.MEP_DIALOGUE_RATE_WINDOW = 1
    assert post(form_url(chapter), VALID).status_code == 302
    assert post(form_url(chapter), VALID).status_code == 429
    time.sleep(1.2)
    assert post(form_url(chapter), VALID).status_code == 302


def test_the_english_chapter_invites_comments_in_english(client, chapter):
    from wagtail.models import Locale

    english = chapter.get_translation(Locale.objects.get(language_code="en"))
    soup = BeautifulSoup(client.get(english.url).content, "html.parser")
    section = soup.find(id="dialog")
    assert section.h2.text == "Dialogue on this chapter"
    assert section.find("a", string="Write a comment on this chapter")["href"] == f"/en/dialog/kapitel/{english.pk}/kommentieren/"
    fragment = BeautifulSoup(client.get(section["data-dialogue-src"]).content, "html.parser")
    assert "There are no published comments on this chapter yet." in fragment.text
    form = BeautifulSoup(client.get(f"/en/dialog/kapitel/{english.pk}/kommentieren/").content, "html.parser")
    assert form.find("label", attrs={"for": "id_text"}).text == "Your comment"


def test_the_daily_clock_runs_the_dialogue_housekeeping(chapter, cycle, settings):
    settings.MEP_DIALOGUE_ERASURE_DAYS = 1
    due = make_comment(chapter, cycle, confirmed_at=timezone.now() - timedelta(days=2))
    out = __import__("io").StringIO()
    call_command("run_periodic", "--once", stdout=out)
    due.refresh_from_db()
    assert due.email == ""
    assert "Dialog-Datenpflege: 0 unbestätigte Kommentare gelöscht, 1 E-Mail-Adressen gelöscht" in out.getvalue()


def test_the_moderation_screen_shows_the_comment_and_the_reasons(client, chapter, cycle, moderator):
    comment = make_comment(chapter, cycle, text="Bitte mehr Fortbildungen.")
    client.force_login(moderator)
    response = client.get(reverse("dialogue_admin:moderate", args=[comment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte mehr Fortbildungen." in html
    assert "Der Kommentar enthält Werbung." in html
    assert "eltern@example.org" not in html


def test_nobody_adds_or_edits_a_comment_in_the_admin(client, chapter, cycle, admin_user):
    comment = make_comment(chapter, cycle)
    client.force_login(admin_user)
    assert client.get(reverse("wagtailsnippets_dialogue_comment:add")).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_dialogue_comment:edit", args=[comment.pk])).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_dialogue_comment:inspect", args=[comment.pk])).status_code == 200
    assert Comment.objects.get(pk=comment.pk).text == "Ein Kommentar."
