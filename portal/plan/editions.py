"""The PDF files of the plan: built ones, kept by the hash of what they show, and the council's frozen editions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.figures.storage import private_storage


class PdfFile(models.Model):
    """A PDF of a plan or a chapter as it was when built; the same content is never built twice."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("Seite"))
    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64)
    file = models.FileField(_("Datei"), storage=private_storage, upload_to="pdf/")
    size = models.PositiveIntegerField(_("Größe in Bytes"))
    pages = models.PositiveIntegerField(_("Seitenzahl"))
    built_at = models.DateTimeField(_("erstellt"), auto_now_add=True)

    class Meta:
        verbose_name = _("PDF-Datei")
        verbose_name_plural = _("PDF-Dateien")
        constraints = [models.UniqueConstraint(fields=["page", "content_hash"], name="plan_pdffile_page_hash")]
        ordering = ["-built_at", "-pk"]

    def __str__(self):
        return f"{self.page_id}: {self.content_hash[:12]}"


class CouncilEdition(models.Model):
    """The edition of a cycle the council decided on: an immutable copy of the plan's PDF with the decision date."""

    plan = models.ForeignKey(
        "plan.PlanPage", on_delete=models.SET_NULL, null=True, related_name="council_editions", verbose_name=_("Plan")
    )
    language = models.CharField(_("Sprache"), max_length=10)
    cycle = models.CharField(_("Fortschreibungszyklus"), max_length=50)
    title = models.CharField(_("Titel"), max_length=255)
    decided_on = models.DateField(_("Beschlussfassung vom"))
    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64)
    file = models.FileField(_("Datei"), storage=private_storage, upload_to="pdf/beschluss/")
    size = models.PositiveIntegerField(_("Größe in Bytes"))
    created_at = models.DateTimeField(_("festgehalten"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beschlussfassung")
        verbose_name_plural = _("Beschlussfassungen")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.cycle}, {self.decided_on:%d.%m.%Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:  # frozen: what the council decided stays as it was
            raise ValueError("Eine Beschlussfassung wird nicht mehr geändert.")
        super().save(*args, **kwargs)
