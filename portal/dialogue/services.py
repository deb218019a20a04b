"""What happens to a comment: submitted, confirmed, released, rejected, answered, withdrawn, erased.

Each step checks the comment's state inside one transaction (the row is locked, so a double click or a
moderator and an author at the same moment cannot both win) and says through :class:`DialogueRefused`
what stands in the way. Whatever a reader can see changes only in release, answer, withdraw (of a
released comment) and reject (of a released one): those start a new content generation and purge the
chapter from a cache in front of the portal (:func:`published_changed`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.plan import generation

from .models import Comment, DialogueClosure

logger = logging.getLogger(__name__)


class DialogueRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DialogueState:
    """Whether a chapter takes new comments in the current cycle, and what readers are told if not."""

    cycle: object | None
    closure: DialogueClosure | None

    @property
    def is_open(self) -> bool:
        return self.closure is None

    @property
    def message(self) -> str:
        if self.closure is None:
            return ""
        if self.closure.page_id:
            text = _("Der Dialog zu diesem Kapitel ist für den Zyklus %(cycle)s geschlossen; neue Kommentare nehmen wir nicht mehr an.")
        else:
            text = _("Der Dialog zum Plan ist für den Zyklus %(cycle)s geschlossen; neue Kommentare nehmen wir nicht mehr an.")
        text = text % {"cycle": self.cycle}
        return f"{text} {self.closure.note}".strip()


def current_cycle(request=None):
    from portal.figures import published

    return published.for_request(request).current_cycle


def dialogue_state(page, request=None) -> DialogueState:
    """One query: a closure of the current cycle for this chapter or for all chapters (the chapter's own wins)."""
    cycle = current_cycle(request)
    if cycle is None:
        return DialogueState(None, None)
    closures = DialogueClosure.objects.filter(Q(page__isnull=True) | Q(page_id=page.pk), cycle=cycle).order_by("page_id")
    found = sorted(closures, key=lambda c: c.page_id is None)
    return DialogueState(cycle, found[0] if found else None)


def submit(page, *, text: str, role: str, email: str, display_name: str = "", anchor: str = "", anchor_label: str = "",
           language: str = "de", base_url: str | None = None) -> Comment:
    """Store a new comment (unconfirmed) and send the link that confirms its e-mail address."""
    state = dialogue_state(page)
    if not state.is_open:
        raise DialogueRefused("closed", state.message)
    comment = Comment.objects.create(
        page=page,
        cycle=state.cycle,
        text=text,
        role=role,
        email=email,
        display_name=display_name,
        anchor=anchor,
        anchor_label=anchor_label[:200],
        language=language,
    )
    from .emails import send_confirmation_request

    transaction.on_commit(lambda: send_confirmation_request(comment, base_url=base_url))
    return comment


def confirm_deadline(comment: Comment):
    return comment.created_at + timedelta(hours=settings.MEP_DIALOGUE_CONFIRM_HOURS)


def _locked(comment_id: int, nonce: str | None = None) -> Comment:
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or (nonce is not None and (not comment.token_nonce or comment.token_nonce != nonce)):
        raise DialogueRefused("invalid", _("Dieser Link ist ungültig oder wurde schon verwendet."))
    return comment


def confirm(comment_id: int, nonce: str, *, now=None) -> Comment:
    """The author opened the e-mail link and confirmed: the comment goes to the moderation queue."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = _locked(comment_id, nonce)
        if comment.status != Comment.Status.UNCONFIRMED:
            if comment.status in (Comment.Status.QUEUED, Comment.Status.RELEASED):
                return comment  # a second click: nothing more to do
            raise DialogueRefused("invalid", _("Dieser Link ist ungültig oder wurde schon verwendet."))
        if now > confirm_deadline(comment):
            raise DialogueRefused(
                "expired",
                _("Dieser Link ist abgelaufen: Ein Kommentar muss innerhalb von %(hours)s Stunden bestätigt werden. Bitte schreiben Sie ihn noch einmal.")
                % {"hours": settings.MEP_DIALOGUE_CONFIRM_HOURS},
            )
        comment.status = Comment.Status.QUEUED
        comment.confirmed_at = now
        comment.save(update_fields=["status", "confirmed_at"])
    return comment


def release(comment_id: int, *, user=None, links_allowed: bool = False, now=None) -> Comment:
    """Make a queued comment public."""
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status not in (Comment.Status.QUEUED, Comment.Status.RELEASED):
            raise DialogueRefused("state", _("Nur bestätigte Kommentare können veröffentlicht werden (Status: %(status)s).") % {"status": comment.get_status_display()})
        comment.status = Comment.Status.RELEASED
        comment.links_allowed = links_allowed
        comment.moderated_at = now or timezone.now()
        comment.moderated_by = user
        comment.save(update_fields=["status", "links_allowed", "moderated_at", "moderated_by"])
        published_changed(comment)
    return comment


def reject(comment_id: int, reason: str, *, user=None, now=None) -> Comment:
    """Refuse a queued (or take back a released) comment; the author learns the reason by e-mail."""
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status not in (Comment.Status.QUEUED, Comment.Status.RELEASED):
            raise DialogueRefused("state", _("Nur bestätigte Kommentare können abgelehnt werden (Status: %(status)s).") % {"status": comment.get_status_display()})
        was_public = comment.status == Comment.Status.RELEASED
        comment.status = Comment.Status.REJECTED
        comment.reject_reason = reason
        comment.moderated_at = now or timezone.now()
        comment.moderated_by = user
        comment.save(update_fields=["status", "reject_reason", "moderated_at", "moderated_by"])
        if was_public:
            published_changed(comment)
    from .emails import send_rejected

    transaction.on_commit(lambda: send_rejected(comment))
    return comment


def answer(comment_id: int, text: str, *, user=None, now=None) -> Comment:
    """The Redaktion's official answer; answering a queued comment releases it with the answer."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = _locked(comment_id)
        if comment.status not in (Comment.Status.QUEUED, Comment.Status.RELEASED):
            raise DialogueRefused("state", _("Nur bestätigte Kommentare können beantwortet werden (Status: %(status)s).") % {"status": comment.get_status_display()})
        comment.answer = text
        comment.answered_at = now
        if comment.status == Comment.Status.QUEUED:
            comment.status = Comment.Status.RELEASED
            comment.moderated_at = now
            comment.moderated_by = user
        comment.save(update_fields=["answer", "answered_at", "status", "moderated_at", "moderated_by"])
        published_changed(comment)
    return comment


def withdraw(comment_id: int, nonce: str, *, now=None) -> Comment:
    """The author takes the comment back (signed link): it disappears and its text and e-mail are erased."""
    now = now or timezone.now()
    with transaction.atomic():
        comment = _locked(comment_id, nonce)
        if comment.status == Comment.Status.WITHDRAWN:
            raise DialogueRefused("invalid", _("Dieser Kommentar ist bereits zurückgezogen."))
        was_public = comment.status == Comment.Status.RELEASED
        comment.status = Comment.Status.WITHDRAWN
        comment.withdrawn_at = now
        comment.text = ""
        comment.display_name = ""
        comment.email = ""
        comment.token_nonce = ""
        comment.email_erased_at = comment.email_erased_at or now
        comment.save(update_fields=["status", "withdrawn_at", "text", "display_name", "email", "token_nonce", "email_erased_at"])
        if was_public:
            published_changed(comment)
    return comment


def erase_emails(now=None, days: int | None = None) -> int:
    """Blank the e-mail address of every comment confirmed more than ``days`` ago; returns how many.

    The withdraw link keeps working (it carries the comment and its nonce, not the address).
    """
    now = now or timezone.now()
    days = settings.MEP_DIALOGUE_ERASURE_DAYS if days is None else days
    return (
        Comment.objects.filter(confirmed_at__lte=now - timedelta(days=days), email_erased_at__isnull=True)
        .exclude(email="")
        .update(email="", email_erased_at=now)
    )


def delete_unconfirmed(now=None) -> int:
    """Delete comments whose e-mail link was never opened in time: they were never more than a request."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.MEP_DIALOGUE_CONFIRM_HOURS)
    deleted, _by_model = Comment.objects.filter(status=Comment.Status.UNCONFIRMED, created_at__lt=cutoff).delete()
    return deleted


def published_changed(comment: Comment) -> None:
    """What readers see changed: a new content generation (whole responses, fragments) and a purge upstream."""
    generation.bump()
    page_id = comment.page_id
    transaction.on_commit(lambda: purge_chapter(page_id))


def purge_chapter(page_id: int) -> None:
    """Forget the chapter, the plan's table of contents and the dialogue pages in a cache in front of the portal."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from django.urls import reverse
    from django.utils import translation
    from wagtail.contrib.frontend_cache.utils import purge_page_from_cache, purge_urls_from_cache

    from portal.plan.models import ChapterPage

    try:
        page = ChapterPage.objects.filter(pk=page_id).first()
        if page is not None:
            purge_page_from_cache(page)
            if page.plan is not None:
                purge_page_from_cache(page.plan)
        from wagtail.models import Site

        paths = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                paths += [reverse("dialogue:overview"), reverse("dialogue:data", args=["csv"]), reverse("dialogue:data", args=["json"])]
                paths += [reverse("dialogue:chapter", args=[page_id]), reverse("dialogue:chapter_fragment", args=[page_id])]
        purge_urls_from_cache([site.root_url + path for site in Site.objects.all() for path in paths])
    except Exception:  # the comment stands; the proxy forgets the page within MEP_HTTP_S_MAXAGE anyway
        logger.exception("Dialog-Seiten konnten im vorgelagerten Cache nicht gelöscht werden")
