"""The plan's structured content, maintained by editors as translatable snippets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

MONTHS_DE = [
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
]


class Milestone(TranslatableMixin, index.Indexed, models.Model):
    """A milestone of school digitalisation, shown on the timeline (Abb. 1)."""

    year = models.PositiveSmallIntegerField(_("Jahr"))
    month = models.PositiveSmallIntegerField(
        _("Monat"), choices=[(i + 1, m) for i, m in enumerate(MONTHS_DE)]
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    search_fields = [index.SearchField("title"), index.SearchField("description")]
    panels = [FieldPanel("year"), FieldPanel("month"), FieldPanel("title"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["year", "month"]
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")

    def __str__(self):
        return f"{self.month_name} {self.year}: {self.title}"

    @property
    def month_name(self) -> str:
        return MONTHS_DE[self.month - 1]

    @property
    def iso_month(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class ActorGroup(TranslatableMixin, ClusterableModel):
    """One of the four groups of the actor map (Abb. 2) with its actors."""

    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order"), InlinePanel("actors", label=_("Akteure"))]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("Akteursgruppe")
        verbose_name_plural = _("Akteursgruppen")

    def __str__(self):
        return self.name


class Actor(TranslatableMixin, Orderable):
    """An actor of the Schulträger's school digitalisation."""

    group = ParentalKey(ActorGroup, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Aufgabe"), blank=True)
    url = models.URLField(_("Webseite"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("url")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("Akteur")
        verbose_name_plural = _("Akteure")

    def __str__(self):
        return self.name


class CycleStep(TranslatableMixin, index.Indexed, models.Model):
    """A step of the two-year update cycle (Abb. 3)."""

    number = models.PositiveSmallIntegerField(_("Schritt"))
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("Schritt des Fortschreibungszyklus")
        verbose_name_plural = _("Fortschreibungszyklus")

    def __str__(self):
        return f"{self.number}. {self.title}"


class ContentField(TranslatableMixin, models.Model):
    """One of the four content fields of the plan (chapter 5)."""

    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    chapter_number = models.CharField(_("Kapitel"), max_length=10, blank=True)
    url = models.URLField(_("Weitere Informationen"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("Inhaltsfeld")
        verbose_name_plural = _("Inhaltsfelder")

    def __str__(self):
        return self.title


class StrategicLevel(TranslatableMixin, ClusterableModel):
    """A level of the strategic paths (Abb. 7) and its elements."""

    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("sort_order"), InlinePanel("elements", label=_("Elemente"))]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("Ebene der strategischen Pfade")
        verbose_name_plural = _("Strategische Pfade")

    def __str__(self):
        return self.title


class StrategicElement(TranslatableMixin, Orderable):
    level = ParentalKey(StrategicLevel, on_delete=models.CASCADE, related_name="elements")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order"]
        verbose_name = _("Element")
        verbose_name_plural = _("Elemente")

    def __str__(self):
        return self.title


class LinkEntry(TranslatableMixin, index.Indexed, models.Model):
    """An entry of the plan's link overview."""

    title = models.CharField(_("Titel"), max_length=300)
    url = models.URLField(_("Adresse"), max_length=1000)
    description = models.TextField(_("Beschreibung"), blank=True)
    chapter_number = models.CharField(_("Kapitel"), max_length=10, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    search_fields = [index.SearchField("title"), index.SearchField("description")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "title"]
        verbose_name = _("Link")
        verbose_name_plural = _("Übersicht Verlinkungen")

    def __str__(self):
        return self.title


class Endnote(TranslatableMixin, models.Model):
    """An endnote of the plan; chapters reference it and readers jump there and back."""

    number = models.PositiveSmallIntegerField(_("Nummer"))
    text = RichTextField(_("Text"), features=["bold", "italic", "link"])
    url = models.URLField(_("Quelle"), max_length=1000, blank=True)

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("Endnote")
        verbose_name_plural = _("Endnoten")
        constraints = [
            models.UniqueConstraint(fields=["locale", "number"], name="unique_endnote_number_per_locale")
        ]

    def __str__(self):
        return f"{self.number}"
