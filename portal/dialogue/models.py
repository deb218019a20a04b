"""The public dialogue on the plan: readers' comments on chapters (or one paragraph or goal), moderated and answered.

A comment goes: unconfirmed (waiting for its e-mail link) → in the moderation queue → released (public),
rejected (with a reason sent to the author) or withdrawn (by its author's signed link). An official answer
of the Redaktion is kept on the comment itself. Every comment belongs to the plan's cycle it was written
in; a new cycle starts a new dialogue and the old comments stay readable, marked with their cycle.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token_nonce() -> str:
    return secrets.token_urlsafe(16)


class Role(models.TextChoices):
    TEACHER = "lehrkraft", _("Lehrkraft")
    PARENT = "eltern", _("Eltern")
    PUPIL = "schueler", _("Schülerin/Schüler")
    SCHOOL_LEADERSHIP = "schulleitung", _("Schulleitung")
    PARTNER = "partner", _("Partner")
    OTHER = "sonstige", _("Sonstige")


class RejectReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Der Kommentar bezieht sich nicht auf den Medienentwicklungsplan.")
    PERSONAL_DATA = "personal_data", _("Der Kommentar enthält Angaben zu Personen, die wir nicht veröffentlichen dürfen.")
    OFFENSIVE = "offensive", _("Der Kommentar verletzt die Regeln für einen respektvollen Umgang.")
    ADVERTISING = "advertising", _("Der Kommentar enthält Werbung.")
    DUPLICATE = "duplicate", _("Der Kommentar wiederholt einen bereits veröffentlichten Kommentar.")


class CommentQuerySet(models.QuerySet):
    def released(self):
        return self.filter(status=Comment.Status.RELEASED)


class Comment(models.Model):
    """A reader's comment on a chapter, or on one paragraph or goal of it; public only once released."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("wartet auf Bestätigung der E-Mail-Adresse")
        QUEUED = "queued", _("wartet auf Freigabe")
        RELEASED = "released", _("veröffentlicht")
        REJECTED = "rejected", _("abgelehnt")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    page = models.ForeignKey(
        "plan.ChapterPage", on_delete=models.CASCADE, related_name="dialogue_comments", verbose_name=_("Kapitel")
    )
    cycle = models.ForeignKey(
        "figures.Cycle", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Zyklus")
    )
    anchor = models.CharField(
        _("Absatz"), max_length=80, blank=True, help_text=_("Der Block des Kapitels (oder das Ziel), auf den sich der Kommentar bezieht; leer: das ganze Kapitel.")
    )
    anchor_label = models.CharField(_("Absatz (Anfang)"), max_length=200, blank=True)
    text = models.TextField(_("Kommentar"))
    display_name = models.CharField(_("Angezeigter Name"), max_length=80, blank=True)
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    language = models.CharField(_("Sprache"), max_length=10, default="de", editable=False)
    token_nonce = models.CharField(max_length=40, default=new_token_nonce, editable=False)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    created_at = models.DateTimeField(_("Eingegangen"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("E-Mail bestätigt"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("Moderiert"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Moderiert von")
    )
    reject_reason = models.CharField(_("Ablehnungsgrund"), max_length=20, choices=RejectReason.choices, blank=True)
    links_allowed = models.BooleanField(
        _("Links anklickbar"), default=False, help_text=_("Adressen im Kommentar erscheinen nur als Links, wenn die Moderation das erlaubt.")
    )
    answer = models.TextField(_("Antwort der Redaktion"), blank=True)
    answered_at = models.DateTimeField(_("Beantwortet"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("Zurückgezogen"), null=True, blank=True)
    email_erased_at = models.DateTimeField(_("E-Mail-Adresse gelöscht"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["-created_at"]
        permissions = [("moderate_comment", _("Kommentare freigeben, ablehnen und beantworten"))]
        indexes = [models.Index(fields=["page", "status"]), models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{excerpt} ({self.get_role_display()})"

    @property
    def author_label(self) -> str:
        return self.display_name or str(self.get_role_display())


class DialogueClosure(models.Model):
    """Closes the dialogue of one cycle: for one chapter, or (without a chapter) for the whole plan."""

    cycle = models.ForeignKey("figures.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("Zyklus"))
    page = models.ForeignKey(
        "plan.ChapterPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kapitel"),
        help_text=_("Leer: der Dialog des ganzen Zyklus ist geschlossen."),
    )
    note = models.CharField(_("Hinweis für Lesende"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("Geschlossen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Geschlossener Dialog")
        verbose_name_plural = _("Geschlossene Dialoge")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "page"], name="one_closure_per_cycle_and_chapter"),
            models.UniqueConstraint(fields=["cycle"], condition=Q(page__isnull=True), name="one_closure_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} – {self.page.title if self.page_id else _('alle Kapitel')}"


class ModerationDigest(models.Model):
    """The day a digest went to the moderators: at most one a day, whichever process runs the housekeeping."""

    day = models.DateField(unique=True)
    sent_to = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Tageszusammenfassung")
