"""The plan's goals and where each stands: a snippet per goal, released like a page, with its history.

The wording of a goal lives in its chapter's "Gesetzte Ziele" block (translated with the chapter);
a :class:`Goal` keeps what the administration reports about it: status, progress, evidence, link
and responsible unit. It goes through the same two-step release as the chapters (draft → Freigabe →
published), and every published change of status or progress is kept as a :class:`GoalStatusChange`
with the plan's cycle, so a goal's history reaches across cycles.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel, PublishingPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index


class GoalStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    ACHIEVED = "achieved", _("erreicht")
    DEFERRED = "deferred", _("zurückgestellt")


class Goal(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model):
    """One goal of a chapter and the report on it; the goal's wording is edited in the chapter."""

    chapter = models.ForeignKey(
        "plan.ChapterPage", on_delete=models.CASCADE, related_name="tracked_goals", verbose_name=_("Kapitel")
    )
    position = models.PositiveSmallIntegerField(_("Nummer im Kapitel"), help_text=_("1 für das erste Ziel des Kapitels"))
    text = models.TextField(_("Ziel"), help_text=_("Der Wortlaut steht im Kapitel und wird beim Veröffentlichen übernommen."))
    status = models.CharField(pgettext_lazy("Ziel", "Stand"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt in Prozent"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    evidence = models.TextField(_("Nachweis"), blank=True, help_text=_("Kurz: woran der Stand zu erkennen ist."))
    evidence_date = models.DateField(_("Stand vom"), null=True, blank=True)
    link = models.URLField(_("Link"), max_length=1000, blank=True)
    responsible = models.CharField(_("Zuständig"), max_length=200, blank=True, help_text=_("z. B. Schulverwaltungsamt"))
    #: the day the chapter stopped naming the goal; it stays, with its history, as a goal no longer in the plan
    retired_on = models.DateField(_("nicht mehr im Plan seit"), null=True, blank=True, editable=False)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="goal")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="goal",
        for_concrete_model=False,
    )

    panels = [
        HelpPanel(content=_("Den Wortlaut des Ziels ändern Sie im Kapitel; hier steht, wie weit es ist.")),
        FieldPanel("text", read_only=True),
        FieldRowPanel([FieldPanel("status"), FieldPanel("progress")]),
        MultiFieldPanel([FieldPanel("evidence"), FieldPanel("evidence_date")], heading=_("Nachweis")),
        FieldPanel("link"),
        FieldPanel("responsible"),
        PublishingPanel(),
    ]
    search_fields = [index.SearchField("text"), index.SearchField("evidence"), index.SearchField("responsible")]

    class Meta:
        ordering = ["chapter__path", "position"]
        verbose_name = _("Ziel")
        verbose_name_plural = _("Stand der Ziele")
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "position"], condition=models.Q(retired_on__isnull=True), name="unique_goal_position_per_chapter"
            )
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 90 else self.text[:89] + "…"
        return text if self.retired_on is None else _("%(goal)s (nicht mehr im Plan)") % {"goal": text}

    @property
    def revisions(self):
        return self._revisions

    @property
    def anchor(self) -> str:
        return f"ziel-{self.pk}"


class GoalStatusChange(models.Model):
    """A published change of a goal's status or progress, with the cycle it happened in."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="history", verbose_name=_("Ziel"))
    cycle = models.CharField(_("Fortschreibungszyklus"), max_length=50, blank=True)
    date = models.DateField(_("Datum"), help_text=_("Tag der Freigabe"))
    status = models.CharField(pgettext_lazy("Ziel", "Stand"), max_length=20, choices=GoalStatus.choices)
    previous_status = models.CharField(_("vorher"), max_length=20, choices=GoalStatus.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("Fortschritt in Prozent"), null=True, blank=True)
    note = models.TextField(_("Nachweis"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("geändert von")
    )

    class Meta:
        ordering = ["goal", "pk"]
        verbose_name = _("Änderung am Stand eines Ziels")
        verbose_name_plural = _("Verlauf der Ziele")

    def __str__(self):
        return f"{self.date}: {self.get_status_display()}"


# -- keeping goals in step with their chapters, and their history ---------------------------------


def current_cycle_name() -> str:
    from portal.figures.models import Cycle

    cycle = Cycle.objects.filter(is_current=True).first()
    return cycle.name if cycle else ""


def goal_texts(chapter) -> list[str]:
    """The wording of every goal in a chapter's "Gesetzte Ziele" blocks, in reading order."""
    return [goal["text"] for block in chapter.body if block.block_type == "goals" for goal in block.value["goals"]]


def sync_chapter_goals(chapter) -> None:
    """Give each goal of a (German) chapter its tracking snippet; take over changed and moved wording.

    A goal is the same goal if its wording is unchanged (wherever it moved in the chapter) or, failing
    that, if it stands at the same place (its wording was edited). New goals start published as
    "offen" with a first history entry. A goal the chapter no longer names is kept, with its history,
    as no longer in the plan (``retired_on``): the record of what was promised stays.
    """
    from django.utils import timezone

    texts = goal_texts(chapter)
    free = list(Goal.objects.filter(chapter=chapter, retired_on__isnull=True).order_by("position"))
    matched: dict[int, Goal] = {}
    for position, text in enumerate(texts, start=1):  # the same wording, wherever it moved
        goal = next((g for g in free if g.text == text), None)
        if goal is not None:
            matched[position] = goal
            free.remove(goal)
    for position in range(1, len(texts) + 1):  # edited wording at the same place
        goal = next((g for g in free if g.position == position), None) if position not in matched else None
        if goal is not None:
            matched[position] = goal
            free.remove(goal)
    today = timezone.localdate()
    for goal in free:
        _amend(goal, retired_on=today)
    moving = [goal for position, goal in matched.items() if goal.position != position]
    for n, goal in enumerate(moving):  # out of the way first: places are unique among the plan's goals
        Goal.objects.filter(pk=goal.pk).update(position=30000 + n)
    for position, goal in matched.items():
        changes = {name: value for name, value in (("position", position), ("text", texts[position - 1])) if getattr(goal, name) != value}
        if changes:
            _amend(goal, **changes)  # wording and place only: no new revision, no history
    cycle = current_cycle_name()
    for position, text in enumerate(texts, start=1):
        if position not in matched:
            goal = Goal.objects.create(chapter=chapter, position=position, text=text, live=True)
            GoalStatusChange.objects.create(
                goal=goal, cycle=cycle, date=timezone.localdate(), status=goal.status, progress=goal.progress
            )


def _amend(goal: Goal, **values) -> None:
    """Set fields the chapter decides on the goal and on its latest revision, which the admin edits and publishes."""
    Goal.objects.filter(pk=goal.pk).update(**values)
    revision = goal.latest_revision
    if revision is not None:
        from wagtail.models import Revision

        content = {**revision.content, **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}}
        Revision.objects.filter(pk=revision.pk).update(content=content)


def record_change(goal, user=None) -> GoalStatusChange | None:
    """Keep a published change of status or progress in the goal's history."""
    from django.utils import timezone

    last = goal.history.order_by("-pk").first()
    if last is not None and last.status == goal.status and last.progress == goal.progress and last.note == goal.evidence:
        return None
    return GoalStatusChange.objects.create(
        goal=goal,
        cycle=current_cycle_name(),
        date=timezone.localdate(),  # the day it was released; the evidence keeps its own date on the goal
        status=goal.status,
        previous_status=last.status if last else "",
        progress=goal.progress,
        note=goal.evidence,
        changed_by=user,
    )


def _chapter_published(sender, instance, **kwargs):
    if instance.locale.language_code == settings.LANGUAGE_CODE:
        sync_chapter_goals(instance)


def _goal_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance, Goal):
        record_change(instance, user=getattr(revision, "user", None))


def connect() -> None:
    from wagtail.signals import page_published, published

    from .models import ChapterPage

    page_published.connect(_chapter_published, sender=ChapterPage, dispatch_uid="mep-goals-chapter")
    published.connect(_goal_published, sender=Goal, dispatch_uid="mep-goals-published")


def german_chapter(page):
    """The German chapter a (possibly translated) chapter belongs to; goals are tracked there."""
    from portal.figures.blocks import locale_code

    if locale_code(page.locale_id) == settings.LANGUAGE_CODE:  # the locales are read once per process
        return page
    from wagtail.models import Page

    return Page.objects.filter(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE).first()


def tracked_goals(page, list_value) -> dict[int, Goal]:
    """The published goal snippets of one "Gesetzte Ziele" block of ``page``, by index within the block."""
    offset = 0
    for block in getattr(page, "body", []):
        if block.block_type != "goals":
            continue
        if block.value is list_value:
            break
        offset += len(block.value["goals"])
    chapter = german_chapter(page)
    if chapter is None:
        return {}
    goals = Goal.objects.filter(
        chapter_id=chapter.pk, live=True, retired_on__isnull=True, position__gt=offset, position__lte=offset + len(list_value["goals"])
    )
    return {goal.position - offset - 1: goal for goal in goals}
