"""Cycles, their data set versions, regenerations and the figure snapshots they store.

A page never computes: it shows the snapshots of its cycle's published
regeneration. Publishing flips one flag per cycle inside one transaction, so
all of a cycle's figures switch at once.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.engine.i18n import SOURCE_LANGUAGE, normalize_language

from .storage import private_storage


class Cycle(models.Model):
    """A cycle of the plan (2019–2024, 2025–2026, …); exactly one is current."""

    name = models.CharField("Name", max_length=50, unique=True, help_text="z. B. 2025–2026")
    slug = models.SlugField("Kurzname", max_length=50, unique=True, blank=True)
    start_year = models.PositiveSmallIntegerField("Erstes Jahr")
    end_year = models.PositiveSmallIntegerField("Letztes Jahr")
    is_current = models.BooleanField("Aktueller Zyklus", default=False)
    plan_toml = models.TextField(
        "Einstellungen (plan.toml)",
        blank=True,
        help_text="Im Formular „Einstellungen“ eingetragen oder mit dem letzten gültigen Datensatz hochgeladen; "
        "gilt für jeden Upload ohne eigene plan.toml",
    )

    class Meta:
        ordering = ["start_year"]
        verbose_name = "Zyklus"
        verbose_name_plural = "Zyklen"
        permissions = [("manage_planning_data", "Planungsdaten hochladen, berechnen und veröffentlichen")]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_cycle"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="cycle_years_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_constraints(self):
        # Making a cycle current demotes the previous one in save(), so a form must not
        # refuse it; the constraint still guards the database.
        return [
            (model, [c for c in constraints if c.name != "one_current_cycle"])
            for model, constraints in super().get_constraints()
        ]

    def clean(self) -> None:
        if not self.is_current and self.pk and Cycle.objects.filter(pk=self.pk, is_current=True).exists():
            raise ValidationError("Ein Zyklus bleibt aktuell, bis ein anderer zum aktuellen Zyklus wird.")

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name.replace("–", "-"))
        with transaction.atomic():
            if self.is_current:
                Cycle.objects.filter(is_current=True).exclude(pk=self.pk).update(is_current=False)
            super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Cycle | None:
        return cls.objects.filter(is_current=True).first()

    def previous_regeneration(self) -> Regeneration | None:
        """The regeneration published before the current one, which "Vorherige Fassung wiederherstellen" brings back."""
        return (
            Regeneration.objects.filter(
                dataset_version__cycle=self, published=False, published_at__isnull=False, status=Regeneration.SUCCEEDED
            )
            .select_related("dataset_version")
            .order_by("-published_at", "-pk")
            .first()
        )

    def published_regeneration(self) -> Regeneration | None:
        """The regeneration whose snapshots are this cycle's published figures."""
        return (
            Regeneration.objects.filter(dataset_version__cycle=self, published=True)
            .select_related("dataset_version")
            .order_by("-published_at", "-pk")
            .first()
        )


def dataset_upload_path(instance: DataSetVersion, filename: str) -> str:
    return f"datasets/{instance.cycle.slug}/{filename}"


class DataSetVersion(models.Model):
    """One uploaded data set of a cycle: being checked, validated by the engine, or refused with its problems.

    The file lives in the private storage (never served); a refused version keeps its problems, not its file.
    A valid data set whose plan.toml does not fit the cycle keeps both, until a planner accepts it (logged).
    """

    CHECKING = "checking"
    VALIDATED = "validated"
    REFUSED = "refused"
    #: valid, but its plan.toml does not fit the cycle (name, horizon, baseline): kept until a planner accepts it
    MISMATCH = "mismatch"
    STATUS_CHOICES = [
        (CHECKING, _("wird geprüft")),
        (VALIDATED, "geprüft"),
        (REFUSED, "abgelehnt"),
        (MISMATCH, _("passt nicht zum Zyklus")),
    ]

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="versions", verbose_name="Zyklus")
    file = models.FileField(
        "Datei", upload_to=dataset_upload_path, storage=private_storage, max_length=300, blank=True
    )
    original_name = models.CharField("Hochgeladen als", max_length=300, blank=True)
    fingerprint = models.CharField("Fingerabdruck", max_length=64, db_index=True)
    synthetic = models.BooleanField("Beispieldaten", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="Hochgeladen von"
    )
    created = models.DateTimeField("Hochgeladen am", auto_now_add=True)
    status = models.CharField("Status", max_length=20, choices=STATUS_CHOICES)
    problems = models.JSONField("Probleme", default=list, blank=True)
    is_published = models.BooleanField("Veröffentlicht", default=False)
    # [[school_id, name], …] stored at validation, so a booking form never reads the file;
    # None: validated before schools were stored (read once when published)
    schools = models.JSONField("Schulen", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "Datensatz-Version"
        verbose_name_plural = "Datensatz-Versionen"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(is_published=True), name="one_published_version_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} – Version {self.pk} ({self.get_status_display()})"


class Regeneration(models.Model):
    """One run of the engine over a data set version; its snapshots become public when published."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [
        (QUEUED, "wartet"),
        (RUNNING, "läuft"),
        (SUCCEEDED, "erfolgreich"),
        (FAILED, "fehlgeschlagen"),
    ]

    dataset_version = models.ForeignKey(
        DataSetVersion, on_delete=models.PROTECT, related_name="regenerations", verbose_name="Datensatz-Version"
    )
    status = models.CharField("Status", max_length=20, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.TextField("Fortschritt", blank=True)
    error = models.TextField("Fehler", blank=True)
    started = models.DateTimeField("Begonnen", null=True, blank=True)
    finished = models.DateTimeField("Beendet", null=True, blank=True)
    published = models.BooleanField("Veröffentlicht", default=False)
    published_at = models.DateTimeField("Veröffentlicht am", null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "Neuberechnung"
        verbose_name_plural = "Neuberechnungen"

    def __str__(self) -> str:
        return f"Neuberechnung {self.pk} ({self.get_status_display()})"

    @property
    def cycle(self) -> Cycle:
        return self.dataset_version.cycle


class FigureSnapshot(models.Model):
    """One figure as a regeneration computed it: data, chart, summary and where it came from."""

    regeneration = models.ForeignKey(
        Regeneration, on_delete=models.CASCADE, related_name="snapshots", verbose_name="Neuberechnung"
    )
    key = models.CharField("Schlüssel", max_length=100)
    plugin = models.CharField("Plugin", max_length=100)
    title = models.CharField("Titel", max_length=300)
    kind = models.CharField("Art", max_length=20)
    summary = models.TextField("Zusammenfassung")
    columns = models.JSONField("Spalten", default=list)
    column_labels = models.JSONField("Spaltenüberschriften", default=dict, blank=True)  # name -> German header
    data = models.JSONField("Daten", default=list)  # records: one dict per row
    data_csv = models.TextField("Daten (CSV)")
    svg = models.TextField("Diagramm (SVG)", blank=True)
    # the same figure in other languages: {"en": {"title", "summary", "column_labels", "svg", "values"}}; the fields
    # above are German (the source language), which readers see wherever a language is missing
    translations = models.JSONField("Übersetzungen", default=dict, blank=True)
    # how it was computed (portal.engine.provenance): rule, input tables with sha256 and rows, settings, versions;
    # empty for a snapshot stored before provenance existed (its page shows what else is known)
    provenance = models.JSONField("Herkunft", default=dict, blank=True)
    # what changed since the regeneration published before, stored when this one is published (portal.figures.provenance)
    changes = models.JSONField("Änderungen", default=dict, blank=True)
    engine_version = models.CharField("Version der Planungsmaschine", max_length=50)
    plugin_version = models.CharField("Version des Plugins", max_length=50, blank=True)
    dataset_fingerprint = models.CharField("Fingerabdruck des Datensatzes", max_length=64)
    created = models.DateTimeField("Erstellt", auto_now_add=True)

    class Meta:
        ordering = ["regeneration", "pk"]
        verbose_name = "Abbildung (Stand)"
        verbose_name_plural = "Abbildungen (Stand)"
        constraints = [
            models.UniqueConstraint(fields=["regeneration", "key"], name="one_snapshot_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.regeneration})"

    #: the language of title, summary, headers and chart (see :meth:`in_language`)
    language = SOURCE_LANGUAGE
    #: text values of the data in :attr:`language` (``{"Grundschule": "Primary school"}``); none in German
    value_labels: dict[str, str] = {}  # noqa: RUF012 – read only; in_language sets a copy's own

    def in_language(self, language: str | None) -> FigureSnapshot:
        """This snapshot with title, summary, column headers and chart in ``language``, for reading only.

        Where the regeneration rendered no such language (an older snapshot, a
        plugin without translations, a language the engine does not speak) the
        German original is returned; ``language`` then says ``"de"``.
        """
        language = normalize_language(language)
        words = self.translations.get(language) if language != SOURCE_LANGUAGE else None
        if not words:
            return self
        translated = copy.copy(self)
        translated.title = words.get("title") or self.title
        translated.summary = words.get("summary") or self.summary
        translated.column_labels = words.get("column_labels") or self.column_labels
        translated.svg = words.get("svg", self.svg)
        translated.value_labels = words.get("values") or {}
        translated.language = language
        return translated

    @property
    def headers(self) -> list[str]:
        """The header of each column in :attr:`language`, in order; a column without a label keeps its name."""
        return [self.column_labels.get(column, column) for column in self.columns]

    @property
    def named_headers(self) -> list[tuple[str, str]]:
        """(column name, German header) pairs, in order."""
        return list(zip(self.columns, self.headers, strict=True))


def published_snapshot(cycle: Cycle, key: str) -> FigureSnapshot | None:
    """The published figure ``key`` of ``cycle``, or None."""
    regeneration = cycle.published_regeneration()
    if regeneration is None:
        return None
    snapshot = regeneration.snapshots.filter(key=key).first()
    if snapshot is not None:
        snapshot.regeneration = regeneration  # spare the template a query
    return snapshot


class Scenario(models.Model):
    """A "what if …?" of a cycle: a few assumptions changed, computed against its published data set.

    The overrides are the engine's scenario file (``shared/spec/planning-data.md``,
    *Scenarios*) in form fields; :meth:`toml` writes that file. A computed
    scenario keeps its result (the comparison with the base, its two charts
    and the summary sentence); only a published one has a public page.
    """

    DRAFT = "draft"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [
        (DRAFT, _("nicht berechnet")),
        (QUEUED, _("wartet")),
        (RUNNING, _("läuft")),
        (SUCCEEDED, _("berechnet")),
        (FAILED, _("fehlgeschlagen")),
    ]

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="scenarios", verbose_name=_("Zyklus"))
    name = models.CharField(_("Name"), max_length=200, help_text=_("z. B. Schülergeräte ein Jahr länger nutzen"))
    slug = models.SlugField(_("Kurzname"), max_length=80, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    price_increase_pct = models.DecimalField(
        _("Preissteigerung pro Jahr (%)"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("leer: wie im Datensatz"),
    )
    price_base_year = models.PositiveSmallIntegerField(
        _("Preisbasisjahr"), null=True, blank=True, help_text=_("leer: wie im Datensatz")
    )
    useful_life_years = models.TextField(
        _("Nutzungsdauer je Produktgruppe (Jahre)"), blank=True,
        help_text=_("eine Zeile je Produktgruppe, z. B. ipad_pupils = 6"),
    )
    unit_cost_eur = models.TextField(
        _("Stückpreis je Produktgruppe (€)"), blank=True, help_text=_("eine Zeile je Produktgruppe, z. B. ipad_pupils = 420")
    )
    device_ratio_pct = models.TextField(
        _("Zielwerte Schülergeräte je 100 Schülerinnen und Schüler"), blank=True,
        help_text=_("eine Zeile je Schulform (oder default), z. B. Grundschule = 50"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=STATUS_CHOICES, default=DRAFT, editable=False)
    progress = models.TextField(_("Fortschritt"), blank=True, editable=False)
    error = models.TextField(_("Fehler"), blank=True, editable=False)
    result = models.JSONField(_("Ergebnis"), default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(_("Berechnet am"), null=True, blank=True, editable=False)
    dataset_version = models.ForeignKey(
        DataSetVersion, null=True, blank=True, on_delete=models.SET_NULL, editable=False,
        related_name="+", verbose_name=_("Datensatz-Version"),
    )
    published = models.BooleanField(_("Veröffentlicht"), default=False, editable=False)

    class Meta:
        ordering = ["cycle", "name"]
        verbose_name = _("Szenario")
        verbose_name_plural = _("Szenarien")
        constraints = [models.UniqueConstraint(fields=["cycle", "slug"], name="one_scenario_slug_per_cycle")]

    def __str__(self) -> str:
        return f"{self.name} ({self.cycle})"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            base = slugify(self.name)[:70] or "szenario"
            slug, n = base, 1
            while Scenario.objects.filter(cycle_id=self.cycle_id, slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)

    def toml(self) -> str:
        """The engine's scenario file for these fields; lines are kept, so a problem's line points at a field."""
        from .scenarios import scenario_toml

        return scenario_toml(self)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("scenario_page", args=[self.cycle.slug, self.slug])

    @admin.display(description=_("Aktionen"))
    def state_link(self) -> str:
        """The admin list's link to computing and publishing."""
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', reverse("figures_admin:scenario", args=[self.pk]), _("Berechnen und veröffentlichen"))


def shown_scenarios():
    """The scenarios readers see: published and computed, also while newer data have them computed again.

    A published scenario keeps its last result on show while it waits or runs
    again (its page says the result is older than the published data); one
    whose new run failed is withdrawn until the planner fixes it.
    """
    computed_before = models.Q(status__in=(Scenario.QUEUED, Scenario.RUNNING), dataset_version__isnull=False)
    return Scenario.objects.filter(models.Q(status=Scenario.SUCCEEDED) | computed_before, published=True)


def published_scenarios(cycles=None):
    """The published, computed scenarios (newest cycle first): light enough for a chapter page to ask."""
    queryset = shown_scenarios().select_related("cycle")
    if cycles is not None:
        queryset = queryset.filter(cycle__in=list(cycles))
    return queryset.order_by("-cycle__start_year", "name")
