"""The "Planungsdaten" screen in the Wagtail admin: upload, regenerate, publish.

Only users with ``figures.manage_planning_data`` (the "Planung" group) reach
it. The rules live in :mod:`portal.figures.services`; these views only ask
for input and report outcomes.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from . import services
from .models import Cycle, DataSetVersion, Regeneration

PERMISSION = "figures.manage_planning_data"


class UploadForm(forms.Form):
    cycle = forms.ModelChoiceField(Cycle.objects.all(), label="Zyklus", empty_label=None)
    file = forms.FileField(
        label="Datensatz", help_text="Eine .xlsx-Arbeitsmappe oder eine .zip mit den CSV-Dateien und plan.toml"
    )
    plan = forms.FileField(label="plan.toml", required=False, help_text="Nur zu einer .xlsx-Arbeitsmappe nötig")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            name = upload.name.lower()
            if not name.endswith((".xlsx", ".zip")):
                self.add_error("file", "Bitte eine .xlsx- oder .zip-Datei hochladen.")
            elif name.endswith(".xlsx") and not data.get("plan"):
                self.add_error("plan", "Zu einer Arbeitsmappe gehört die plan.toml des Zyklus.")
        return data


@permission_required(PERMISSION, raise_exception=True)
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None, initial={"cycle": Cycle.current()})
    refused = None
    if request.method == "POST" and form.is_valid():
        version = services.import_dataset(
            form.cleaned_data["cycle"], form.cleaned_data["file"], user=request.user, plan=form.cleaned_data["plan"]
        )
        if version.status == DataSetVersion.REFUSED:
            refused = version
            messages.error(request, f"Der Datensatz wurde abgelehnt ({len(version.problems)} Probleme). Veröffentlichtes bleibt unverändert.")
        else:
            messages.success(request, f"Datensatz geprüft und als Version {version.pk} für {version.cycle} übernommen.")
            return redirect("figures_admin:index")
    cycles = [
        {
            "cycle": cycle,
            "published": cycle.published_regeneration(),
            "versions": cycle.versions.select_related("uploaded_by").prefetch_related("regenerations")[:5],
        }
        for cycle in Cycle.objects.all()
    ]
    return TemplateResponse(
        request, "figures/admin/index.html", {"form": form, "cycles": cycles, "refused": refused}
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def regenerate(request, version_id: int):
    version = get_object_or_404(DataSetVersion, pk=version_id, status=DataSetVersion.VALIDATED)
    regeneration = services.enqueue_regeneration(version)
    if regeneration.status == Regeneration.FAILED:
        messages.error(request, f"Neuberechnung {regeneration.pk} ist fehlgeschlagen: {regeneration.error}")
    else:
        messages.success(request, f"Neuberechnung {regeneration.pk}: {regeneration.get_status_display()}.")
    return redirect("figures_admin:index")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def publish(request, regeneration_id: int):
    regeneration = get_object_or_404(Regeneration, pk=regeneration_id, status=Regeneration.SUCCEEDED)
    services.publish(regeneration)
    messages.success(request, f"Die Abbildungen des Zyklus {regeneration.cycle} sind veröffentlicht.")
    return redirect("figures_admin:index")
