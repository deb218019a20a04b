"""The mails of the dialogue: please confirm (to the author), rejected with its reason (to the author), the daily digest (to moderators).

The first mail goes to an address nobody has confirmed yet, so it carries nothing the visitor typed:
only the chapter, the links and the deadline. Mails to authors are queued as tasks carrying only the
comment's id (as the workshop mails are: portal/workshops/emails.py); a failing mail server is logged
and never reaches a page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from portal.workshops.calendar import public_base_url
from portal.workshops.emails import header_text

from .models import Comment
from .tasks import send_comment_mail
from .tokens import confirm_token, withdraw_token

logger = logging.getLogger(__name__)

MODERATION_GROUP = "Dialog-Moderation"

SUBJECTS = {
    "confirm_request": gettext_lazy("Bitte bestätigen Sie Ihren Kommentar zum Medienentwicklungsplan"),
    "rejected": gettext_lazy("Ihr Kommentar zum Medienentwicklungsplan wird nicht veröffentlicht"),
}


def confirm_url(comment: Comment, base_url: str | None = None) -> str:
    return public_base_url(base_url) + _localized(comment, "dialogue:confirm", confirm_token(comment))


def withdraw_url(comment: Comment, base_url: str | None = None) -> str:
    return public_base_url(base_url) + _localized(comment, "dialogue:withdraw", withdraw_token(comment))


def _localized(comment: Comment, name: str, token: str) -> str:
    with translation.override(mail_language(comment)):
        return reverse(name, args=[token])


def send_confirmation_request(comment: Comment, *, base_url: str | None = None) -> None:
    _send(comment, "confirm_request", base_url=base_url)


def send_rejected(comment: Comment, *, base_url: str | None = None) -> None:
    _send(comment, "rejected", base_url=base_url)


def _send(comment: Comment, template: str, *, base_url=None) -> None:
    if not comment.email:
        return  # erased already: nobody to tell
    try:
        send_comment_mail.enqueue(comment.pk, template, base_url=base_url)
    except Exception:
        logger.exception("Dialog-E-Mail „%s“ zu Kommentar %s nicht in die Warteschlange gestellt", template, comment.pk)


def mail_language(comment: Comment) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    return comment.language if comment.language in offered else settings.LANGUAGE_CODE


def deliver(comment_id: int, template: str, *, base_url=None) -> bool:
    """Render and send one mail now, in the comment's language; every error is logged, none raised."""
    try:
        comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
        if comment is None or not comment.email:
            return False
        with translation.override(mail_language(comment)):
            base = public_base_url(base_url)
            context = {
                "comment": comment,
                "chapter": comment.page.specific.label,
                "chapter_url": base + (comment.page.url or ""),
                "confirm_url": confirm_url(comment, base),
                "withdraw_url": withdraw_url(comment, base),
                "confirm_hours": settings.MEP_DIALOGUE_CONFIRM_HOURS,
                "erasure_days": settings.MEP_DIALOGUE_ERASURE_DAYS,
                "reason": comment.get_reject_reason_display(),
            }
            message = EmailMessage(
                subject=header_text(str(SUBJECTS[template])),
                body=render_to_string(f"dialogue/email/{template}.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[comment.email],
            )
        message.send()
        return True
    except Exception:
        logger.exception("Dialog-E-Mail „%s“ zu Kommentar %s nicht gesendet", template, comment_id)
        return False


def moderator_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=MODERATION_GROUP).exclude(email="")
    return sorted({user.email for user in users})


def send_moderation_digest(now=None) -> int:
    """Once a day: tell the moderators how many comments wait for them; returns to how many addresses it went.

    Nothing waits, no moderator with an address, MEP_DIALOGUE_DIGEST off or today's digest already sent: no mail.
    """
    from django.db import IntegrityError, transaction

    from .models import ModerationDigest

    if not settings.MEP_DIALOGUE_DIGEST:
        return 0
    now = now or timezone.now()
    waiting = list(Comment.objects.filter(status=Comment.Status.QUEUED).select_related("page").order_by("confirmed_at"))
    recipients = moderator_addresses()
    if not waiting or not recipients:
        return 0
    try:
        with transaction.atomic():
            ModerationDigest.objects.create(day=timezone.localdate(now), sent_to=len(recipients), waiting=len(waiting))
    except IntegrityError:
        return 0  # another process sent today's digest
    with translation.override(settings.LANGUAGE_CODE):
        base = public_base_url(None)
        body = render_to_string(
            "dialogue/email/digest.txt",
            {"waiting": waiting, "count": len(waiting), "queue_url": base + reverse("wagtailsnippets_dialogue_comment:list") + "?status=queued"},
        )
        subject = header_text(str(gettext_lazy("Dialog: %(count)s Kommentare warten auf Freigabe")) % {"count": len(waiting)})
    try:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[settings.DEFAULT_FROM_EMAIL], bcc=recipients).send()
    except Exception:
        logger.exception("Dialog-Tageszusammenfassung nicht gesendet")
        return 0
    return len(recipients)
