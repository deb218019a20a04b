"""The path of a comment: submit → e-mail link → queue → release → visible; reject with a reason; answer; withdraw."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from portal.dialogue import services
from portal.dialogue.models import Comment, RejectReason

from .conftest import VALID, last_mail, link_in

pytestmark = pytest.mark.django_db


def submit(post, chapter, **data):
    return post(reverse("dialogue:comment", args=[chapter.pk]), {**VALID, **data})


def confirmed_comment(post, client, chapter, **data):
    response = submit(post, chapter, **data)
    assert response.status_code == 302
    client.post(link_in(last_mail(), "bestaetigen"))
    return Comment.objects.latest("pk")


def chapter_html(client, chapter):
    """The chapter's dialogue as the chapter's script loads it in place."""
    response = client.get(reverse("dialogue:chapter_fragment", args=[chapter.pk]))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_comment_is_public_only_after_its_link_and_the_release(client, post, chapter, moderator):
    response = submit(post, chapter)
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogue:submitted", args=[chapter.pk])
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.UNCONFIRMED
    assert comment.cycle.is_current

    message = last_mail()
    assert message.to == ["lena@schule.example"]
    assert "Tablets" not in message.body and "Lena" not in message.body  # nothing the visitor typed
    assert VALID["text"] not in chapter_html(client, chapter).text

    confirm_path = link_in(message, "bestaetigen")
    assert client.get(confirm_path).status_code == 200  # a page with a button: a mail scanner confirms nothing
    assert Comment.objects.get().status == Comment.Status.UNCONFIRMED
    assert client.post(confirm_path).status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.QUEUED and comment.confirmed_at
    assert VALID["text"] not in chapter_html(client, chapter).text

    services.release(comment.pk, user=moderator)
    section = chapter_html(client, chapter).find(id="dialog")
    assert VALID["text"] in section.text
    assert "Lena" in section.text and "Lehrkraft" in section.text
    assert "lena@schule.example" not in str(section)


@pytest.mark.parametrize("name", ["dialogue:chapter_fragment", "dialogue:chapter"])
def test_the_release_reaches_comments_already_in_the_whole_response_cache(client, post, chapter, moderator, name):
    comment = confirmed_comment(post, client, chapter)
    client.cookies.clear()
    url = reverse(name, args=[chapter.pk])
    first = client.get(url)
    assert client.get(url)["X-MEP-Cache"] == "hit"
    assert VALID["text"] not in first.content.decode()
    services.release(comment.pk, user=moderator)
    again = client.get(url)
    assert again["X-MEP-Cache"] == "miss"
    assert VALID["text"] in again.content.decode()


def test_the_chapter_links_to_its_dialogue_and_stays_cacheable(client, chapter):
    client.get(chapter.url)
    response = client.get(chapter.url)
    assert response["X-MEP-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in response.content.decode()
    section = BeautifulSoup(response.content, "html.parser").find(id="dialog")
    assert section["data-dialogue-src"] == reverse("dialogue:chapter_fragment", args=[chapter.pk])
    links = {a["href"] for a in section.find_all("a")}
    assert links == {reverse("dialogue:chapter", args=[chapter.pk]), reverse("dialogue:comment", args=[chapter.pk])}


def test_a_comment_on_a_paragraph_names_and_links_its_paragraph(client, post, chapter, moderator):
    block = next(b for b in chapter.body if b.block_type in ("paragraph", "noted_paragraph"))
    form = BeautifulSoup(client.get(reverse("dialogue:comment", args=[chapter.pk]) + f"?absatz={block.id}").content, "html.parser")
    assert form.find("option", selected=True)["value"] == str(block.id)
    comment = confirmed_comment(post, client, chapter, anchor=str(block.id))
    assert comment.anchor_label.startswith("Absatz 1:")
    services.release(comment.pk, user=moderator)
    assert BeautifulSoup(client.get(chapter.url).content, "html.parser").find(id=f"absatz-{block.id}") is not None
    target = chapter_html(client, chapter).find(id=f"kommentar-{comment.pk}").find(class_="comment__target").a
    assert target["href"] == f"#absatz-{block.id}"
    page = BeautifulSoup(client.get(reverse("dialogue:chapter", args=[chapter.pk])).content, "html.parser")
    assert page.find(id=f"kommentar-{comment.pk}").find(class_="comment__target").a["href"] == f"{chapter.url}#absatz-{block.id}"


def test_a_comment_on_a_goal_links_to_its_goal_list(client, post, chapter, moderator):
    block = next(b for b in chapter.body if b.block_type == "goals")
    comment = confirmed_comment(post, client, chapter, anchor=f"{block.id}-2")
    assert comment.anchor_label.startswith("Ziel 2:")
    services.release(comment.pk, user=moderator)
    target = chapter_html(client, chapter).find(id=f"kommentar-{comment.pk}").find(class_="comment__target").a
    assert target["href"] == f"#absatz-{block.id}"


def test_sorting_by_paragraph_puts_the_first_paragraph_first(client, post, chapter, moderator):
    blocks = [b for b in chapter.body if b.block_type in ("paragraph", "noted_paragraph", "quote")]
    later = confirmed_comment(post, client, chapter, anchor=str(blocks[0].id), text="Zum ersten Absatz.", email="a@schule.example")
    services.release(later.pk, user=moderator)
    whole = confirmed_comment(post, client, chapter, text="Zum ganzen Kapitel.", email="b@schule.example")
    services.release(whole.pk, user=moderator)
    newest = [li["id"] for li in chapter_html(client, chapter).select("#dialog li.comment")]
    assert newest == [f"kommentar-{whole.pk}", f"kommentar-{later.pk}"]
    response = client.get(reverse("dialogue:chapter_fragment", args=[chapter.pk]) + "?dialog=absatz")
    by_paragraph = [li["id"] for li in BeautifulSoup(response.content, "html.parser").select("#dialog li.comment")]
    assert by_paragraph == [f"kommentar-{later.pk}", f"kommentar-{whole.pk}"]


def test_reject_sends_the_reason_and_keeps_the_comment_hidden(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter)
    mail.outbox.clear()
    client.force_login(moderator)
    with_commit = client.post(
        reverse("dialogue_admin:moderate", args=[comment.pk]), {"action": "reject", "reason": RejectReason.ADVERTISING}
    )
    assert with_commit.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED and comment.reject_reason == RejectReason.ADVERTISING
    client.logout()
    assert VALID["text"] not in chapter_html(client, chapter).text


def test_the_rejection_mail_names_the_reason(post, client, chapter, moderator, django_capture_on_commit_callbacks):
    comment = confirmed_comment(post, client, chapter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(comment.pk, RejectReason.OFFENSIVE, user=moderator)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lena@schule.example"]
    assert str(RejectReason.OFFENSIVE.label) in mail.outbox[0].body


def test_reject_without_a_reason_is_refused_at_the_field(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter)
    client.force_login(moderator)
    response = client.post(reverse("dialogue_admin:moderate", args=[comment.pk]), {"action": "reject"})
    assert response.status_code == 422
    assert "Bitte wählen Sie einen Grund." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.QUEUED


def test_an_answer_of_the_redaktion_is_marked_as_official_and_releases(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter)
    client.force_login(moderator)
    response = client.post(reverse("dialogue_admin:moderate", args=[comment.pk]), {"action": "answer", "answer": "Danke, wir prüfen das."})
    assert response.status_code == 302
    client.logout()
    entry = chapter_html(client, chapter).find(id=f"kommentar-{comment.pk}")
    answer = entry.find(class_="comment__answer")
    assert "Danke, wir prüfen das." in answer.text
    assert "Antwort der Redaktion" in answer.text and "offiziell" in answer.find(class_="official-badge").text


def test_an_unconfirmed_comment_cannot_be_released(post, chapter, moderator):
    submit(post, chapter)
    with pytest.raises(services.DialogueRefused):
        services.release(Comment.objects.get().pk, user=moderator)


def test_only_the_moderation_group_may_moderate(client, post, chapter, editor):
    comment = confirmed_comment(post, client, chapter)
    client.force_login(editor)
    response = client.post(reverse("dialogue_admin:moderate", args=[comment.pk]), {"action": "answer", "answer": "Nein"})
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message
    assert response.status_code == 302 and response["Location"] == "/admin/"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.QUEUED


def test_the_author_withdraws_a_released_comment_by_the_signed_link(client, post, chapter, moderator):
    submit(post, chapter)
    message = last_mail()
    client.post(link_in(message, "bestaetigen"))
    comment = Comment.objects.get()
    services.release(comment.pk, user=moderator)
    assert VALID["text"] in chapter_html(client, chapter).text
    withdraw_path = link_in(message, "zurueckziehen")
    assert client.get(withdraw_path).status_code == 200
    assert client.post(withdraw_path).status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.WITHDRAWN
    assert comment.text == "" and comment.email == "" and comment.display_name == ""
    assert VALID["text"] not in chapter_html(client, chapter).text
    assert client.post(withdraw_path).status_code == 410  # works once


def test_a_forged_link_is_refused(client, chapter):
    assert client.get(reverse("dialogue:confirm", args=["falsch"])).status_code == 404
    assert client.get(reverse("dialogue:withdraw", args=["falsch"])).status_code == 404


def test_links_in_a_comment_are_text_unless_a_moderator_allows_them(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter, text="Siehe https://example.org/tablets und <b>fett</b>")
    services.release(comment.pk, user=moderator)
    text = chapter_html(client, chapter).find(id=f"kommentar-{comment.pk}").find(class_="comment__text")
    assert text.find("a") is None and text.find("b") is None
    assert "https://example.org/tablets" in text.text and "<b>fett</b>" in text.text
    services.release(comment.pk, user=moderator, links_allowed=True)
    text = chapter_html(client, chapter).find(id=f"kommentar-{comment.pk}").find(class_="comment__text")
    link = text.find("a")
    assert link["href"] == "https://example.org/tablets" and "nofollow" in link["rel"]
    assert text.find("b") is None


def test_the_table_of_contents_counts_released_comments(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter)
    services.release(comment.pk, user=moderator)
    plan = chapter.plan
    soup = BeautifulSoup(client.get(plan.url).content, "html.parser")
    link = soup.find("nav", class_="toc-nav").find("a", href=chapter.url)
    assert link.find_next_sibling(class_="dialogue-count").text == "(1 Kommentar)"


def test_the_dialogue_page_lists_recent_comments_and_the_open_data(client, post, chapter, moderator):
    comment = confirmed_comment(post, client, chapter)
    services.release(comment.pk, user=moderator)
    queued = confirmed_comment(post, client, chapter, text="Noch nicht frei.", role="eltern", email="c@schule.example")
    soup = BeautifulSoup(client.get(reverse("dialogue:overview")).content, "html.parser")
    assert VALID["text"] in soup.text and "Noch nicht frei." not in soup.text
    row = soup.find("table").find("tbody").find("tr")
    assert chapter.title in row.th.text
    assert [td.text for td in row.find_all("td")] == ["1", "0", "0", "0", "0", "0", "1"]
    data = client.get(reverse("dialogue:data", args=["json"])).json()
    assert data["rows"] == [
        {"cycle": comment.cycle.name, "chapter_number": chapter.number, "chapter": chapter.title, "language": "de", "role": "lehrkraft", "comments": 1}
    ]
    csv_text = client.get(reverse("dialogue:data", args=["csv"])).content.decode()
    assert csv_text.splitlines()[0] == "cycle,chapter_number,chapter,language,role,comments"
    assert queued.status == Comment.Status.QUEUED


def test_the_open_data_page_links_the_dialogue_counts(client):
    soup = BeautifulSoup(client.get("/offene-daten/").content, "html.parser")
    links = {a["href"] for a in soup.find(id="dialog").find_next("ul").find_all("a")}
    assert links == {reverse("dialogue:data", args=["csv"]), reverse("dialogue:data", args=["json"])}
