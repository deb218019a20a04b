"""The "Planungsdaten" screen in the Wagtail admin: upload, regenerate, preview and publish, restore.

A data set whose plan.toml does not fit its cycle waits for an explicit
confirmation; publishing needs the preview confirmed; the previous
publication is one click away. Those three are logged in Wagtail's audit log.

Only users with ``figures.manage_planning_data`` (the "Planung" group) reach
it. The rules live in :mod:`portal.figures.services`; these views only ask
for input and report outcomes. An upload is stored and checked in the
background worker, never read in the request; the one exception is an
asset-management export (:mod:`portal.figures.asset_imports`), whose report
the planner sees before the data set is accepted.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from . import asset_imports, services
from .models import Cycle, DataSetVersion, Regeneration

PERMISSION = "figures.manage_planning_data"


def too_big_message() -> str:
    return _("Die Datei ist größer als %(limit)s MB; höchstens %(limit)s MB dürfen hochgeladen werden.") % {
        "limit": settings.MEP_UPLOAD_MAX_MB
    }


class UploadLimitHandler(FileUploadHandler):
    """Stops taking in a file once it passes ``MEP_UPLOAD_MAX_MB``: the rest is read and dropped, never stored.

    Django has no setting for this (``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves files out).
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > services.upload_limit():
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


class UploadForm(asset_imports.AssetImportFields, forms.Form):
    field_order = ["cycle", "file", "plan"]  # then the optional asset-management export
    cycle = forms.ModelChoiceField(Cycle.objects.all(), label=gettext_lazy("Zyklus"), empty_label=None)
    file = forms.FileField(label=gettext_lazy("Datensatz"))
    plan = forms.FileField(
        label="plan.toml",
        required=False,
        help_text=gettext_lazy("Nur zu einer .xlsx-Arbeitsmappe nötig, wenn der Zyklus noch keine Einstellungen hat"),
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].help_text = _(
            "Eine .xlsx-Arbeitsmappe oder eine .zip mit den CSV-Dateien und plan.toml, höchstens %(limit)s MB"
        ) % {"limit": settings.MEP_UPLOAD_MAX_MB}

    def clean(self):
        data = super().clean()
        if self.too_big:
            self.errors.pop("file", None)  # not "required": it was cut off
            self.add_error("file", too_big_message())
            return data
        upload = data.get("file")
        if upload is not None:
            name = upload.name.lower()
            if upload.size > services.upload_limit():
                self.add_error("file", too_big_message())
            elif not name.endswith((".xlsx", ".zip")):
                self.add_error("file", _("Bitte eine .xlsx- oder .zip-Datei hochladen."))
            elif name.endswith(".xlsx") and not data.get("plan") and not _has_settings(data.get("cycle")):
                self.add_error(
                    "plan",
                    _(
                        "Zu einer Arbeitsmappe gehört die plan.toml des Zyklus. Bitte mit hochladen "
                        "oder die Einstellungen des Zyklus im Formular „Einstellungen“ eintragen."
                    ),
                )
        plan = data.get("plan")
        if plan is not None and plan.size > services.upload_limit():
            self.add_error("plan", too_big_message())
        self.clean_asset_import(data)
        return data


def _has_settings(cycle: Cycle | None) -> bool:
    return cycle is not None and bool(cycle.plan_toml.strip())


@csrf_exempt  # checked below, once the size limit is in place: the CSRF check reads the body
@permission_required(PERMISSION, raise_exception=True)
def index(request):
    request.upload_handlers.insert(0, UploadLimitHandler(request))
    return _index(request)


@csrf_protect
def _index(request):
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    too_big = getattr(request, "upload_too_big", False)  # set by the handler while the body was read above
    form = UploadForm(data, files, initial={"cycle": Cycle.current()}, too_big=too_big)
    refused = None
    asset_import = None
    sent = [upload.name for upload in (files or {}).values()] if files else []
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("assets_export"):
        asset_import = _prepare_asset_import(request, form.cleaned_data)
        if asset_import.token:  # the files wait for "Übernehmen": nothing to choose again
            sent = []
    elif request.method == "POST" and form.is_valid():
        received = services.receive_upload(
            form.cleaned_data["cycle"], form.cleaned_data["file"], user=request.user, plan=form.cleaned_data["plan"]
        )
        version = services.queue_validation(received)
        if version.status == DataSetVersion.CHECKING:
            messages.info(
                request,
                _("Datensatz gespeichert (Version %(pk)s); er wird im Hintergrund geprüft. Laden Sie diese Seite gleich neu, um das Ergebnis zu sehen.")
                % {"pk": version.pk},
            )
            return redirect("figures_admin:index")
        if version.status == DataSetVersion.REFUSED:
            refused = version
            messages.error(
                request,
                ngettext(
                    "Der Datensatz wurde abgelehnt (%(count)s Problem). Veröffentlichtes bleibt unverändert.",
                    "Der Datensatz wurde abgelehnt (%(count)s Probleme). Veröffentlichtes bleibt unverändert.",
                    len(version.problems),
                )
                % {"count": len(version.problems)},
            )
        elif version.status == DataSetVersion.MISMATCH:
            refused = version
            messages.error(
                request,
                _("Der Datensatz passt nicht zum Zyklus %(cycle)s und wurde nicht übernommen (Version %(pk)s). Veröffentlichtes bleibt unverändert.")
                % {"cycle": version.cycle, "pk": version.pk},
            )
        else:
            if version.pk != received.pk:
                text = _("Diese Daten sind schon als Version %(pk)s für %(cycle)s übernommen; keine neue Version.")
            else:
                text = _("Datensatz geprüft und als Version %(pk)s für %(cycle)s übernommen.")
            messages.success(request, text % {"pk": version.pk, "cycle": version.cycle})
            return redirect("figures_admin:index")
    cycles = [
        {
            "cycle": cycle,
            "published": cycle.published_regeneration(),
            "previous": cycle.previous_regeneration(),
            "versions": cycle.versions.select_related("uploaded_by").prefetch_related("regenerations")[:5],
            "history": planning_log(cycle),
        }
        for cycle in Cycle.objects.all()
    ]
    checking = DataSetVersion.objects.filter(status=DataSetVersion.CHECKING).exists()
    return TemplateResponse(
        request,
        "figures/admin/index.html",
        {"form": form, "cycles": cycles, "refused": refused, "checking": checking, "asset_import": asset_import, "sent": sent},
    )


# --- an inventory from an asset-management export ---------------------------------


def _prepare_asset_import(request, data) -> asset_imports.Prepared:
    """Import the export into the uploaded tables and report; the data set waits for the planner's word."""
    prepared = asset_imports.prepare(
        request, data["cycle"], data["file"], data["assets_export"], data["assets_mapping"], data.get("assets_format")
    )
    asset_imports.remember_template(request, prepared.template)
    if prepared.problems:
        messages.error(
            request,
            _("Der Export aus der Inventarverwaltung wurde abgelehnt (%(count)s Probleme); es wurde nichts übernommen.")
            % {"count": len(prepared.problems)},
        )
    else:
        messages.info(request, _("Der Export wurde gelesen. Bitte prüfen Sie den Bericht und übernehmen Sie dann den Datensatz."))
    return prepared


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def asset_import_accept(request):
    version = asset_imports.accept(request, request.POST.get("token", ""), user=request.user)
    if version is None:
        messages.error(request, _("Dieser Import ist nicht mehr vorhanden; bitte laden Sie Datensatz und Export erneut hoch."))
    elif version.status == DataSetVersion.CHECKING:
        messages.info(request, _("Datensatz gespeichert (Version %(pk)s); er wird im Hintergrund geprüft.") % {"pk": version.pk})
    elif version.status == DataSetVersion.REFUSED:
        messages.error(
            request,
            _("Der Datensatz wurde abgelehnt (%(count)s Probleme). Veröffentlichtes bleibt unverändert.")
            % {"count": len(version.problems)},
        )
    else:
        messages.success(
            request, _("Datensatz geprüft und als Version %(pk)s für %(cycle)s übernommen.") % {"pk": version.pk, "cycle": version.cycle}
        )
    return redirect("figures_admin:index")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def asset_import_discard(request):
    if asset_imports.discard(request, request.POST.get("token", "")):
        messages.info(request, _("Der Import wurde verworfen; es wurde nichts übernommen."))
    return redirect("figures_admin:index")


@permission_required(PERMISSION, raise_exception=True)
def asset_import_template(request):
    """The mapping template of the last refused export: every unmapped location and model, to fill in."""
    from django.http import Http404, HttpResponse

    template = asset_imports.remembered_template(request)
    if template is None:
        raise Http404
    response = HttpResponse(template, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zuordnung-vorlage.toml"'
    return response
def planning_log(cycle: Cycle, limit: int = 5) -> list[ModelLogEntry]:
    """The latest publications, restorations and accepted mismatches of ``cycle`` (Wagtail's audit log)."""
    return list(
        ModelLogEntry.objects.filter(action__in=LOGGED_ACTIONS, data__cycle=cycle.name)
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )


#: what the planning screen writes to Wagtail's audit log (labels in wagtail_hooks)
LOGGED_ACTIONS = ("figures.publish", "figures.restore", "figures.accept_mismatch")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def regenerate(request, version_id: int):
    version = get_object_or_404(DataSetVersion, pk=version_id, status=DataSetVersion.VALIDATED)
    regeneration = services.enqueue_regeneration(version)
    if regeneration.status == Regeneration.FAILED:
        messages.error(
            request, _("Neuberechnung %(pk)s ist fehlgeschlagen: %(error)s") % {"pk": regeneration.pk, "error": regeneration.error}
        )
    elif regeneration.status == Regeneration.SUCCEEDED:
        messages.success(
            request,
            _("Neuberechnung %(pk)s ist fertig. Prüfen Sie die Vorschau, bevor Sie veröffentlichen.") % {"pk": regeneration.pk},
        )
        return redirect("figures_admin:preview", regeneration.pk)
    else:
        messages.success(
            request, _("Neuberechnung %(pk)s: %(status)s.") % {"pk": regeneration.pk, "status": regeneration.get_status_display()}
        )
    return redirect("figures_admin:index")


@permission_required(PERMISSION, raise_exception=True)
def preview(request, regeneration_id: int):
    """The regenerated figures beside the published ones, their key numbers and differences, and the confirmation."""
    from .preview import build_preview

    regeneration = get_object_or_404(
        Regeneration.objects.select_related("dataset_version__cycle"), pk=regeneration_id, status=Regeneration.SUCCEEDED
    )
    return TemplateResponse(
        request, "figures/admin/preview.html", {"preview": build_preview(regeneration), "regeneration": regeneration}
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def publish(request, regeneration_id: int):
    regeneration = get_object_or_404(Regeneration, pk=regeneration_id, status=Regeneration.SUCCEEDED)
    if request.POST.get("confirmed") != "1":
        messages.error(
            request,
            _("Bitte bestätigen Sie, dass Sie die Vorschau geprüft haben; erst dann wird veröffentlicht."),
        )
        return redirect("figures_admin:preview", regeneration.pk)
    services.publish(regeneration, user=request.user)
    messages.success(request, _("Die Abbildungen des Zyklus %(cycle)s sind veröffentlicht.") % {"cycle": regeneration.cycle})
    return redirect("figures_admin:index")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def restore(request, cycle_id: int):
    """"Vorherige Fassung wiederherstellen": the regeneration published before becomes the published one again."""
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    try:
        restored = services.restore_previous(cycle, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Die vorherige Fassung des Zyklus %(cycle)s ist wiederhergestellt (Neuberechnung %(pk)s).")
            % {"cycle": cycle, "pk": restored.pk},
        )
    return redirect("figures_admin:index")


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def accept_mismatch(request, version_id: int):
    """A planner accepts a data set that does not fit its cycle, on purpose; logged."""
    version = get_object_or_404(DataSetVersion, pk=version_id, status=DataSetVersion.MISMATCH)
    if request.POST.get("confirmed") != "1":
        messages.error(
            request,
            _("Version %(pk)s wurde nicht übernommen: Bitte bestätigen Sie ausdrücklich, dass diese Daten trotz der Abweichungen zum Zyklus %(cycle)s gehören.")
            % {"pk": version.pk, "cycle": version.cycle},
        )
        return redirect("figures_admin:index")
    accepted = services.accept_cycle_mismatch(version, user=request.user)
    messages.success(
        request,
        _("Version %(pk)s ist trotz der Abweichungen für %(cycle)s übernommen; Ihre Bestätigung ist protokolliert.")
        % {"pk": accepted.pk, "cycle": accepted.cycle},
    )
    return redirect("figures_admin:index")


# --- scenarios -----------------------------------------------------------------


@permission_required(PERMISSION, raise_exception=True)
def scenario_status(request, scenario_id: int):
    """A scenario's state: computing progress, its result's sentence, and the buttons to compute and publish."""
    from .models import Scenario

    scenario = get_object_or_404(Scenario.objects.select_related("cycle"), pk=scenario_id)
    return TemplateResponse(request, "figures/admin/scenario.html", {"scenario": scenario})


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def scenario_compute(request, scenario_id: int):
    from . import scenarios
    from .models import Scenario

    scenario = scenarios.enqueue(get_object_or_404(Scenario, pk=scenario_id))
    if scenario.status == Scenario.SUCCEEDED:
        messages.success(request, _("Das Szenario „%(name)s“ wurde berechnet.") % {"name": scenario.name})
    elif scenario.status == Scenario.FAILED:
        messages.error(request, _("Das Szenario „%(name)s“ konnte nicht berechnet werden.") % {"name": scenario.name})
    else:
        messages.info(request, _("Das Szenario „%(name)s“ wird im Hintergrund berechnet.") % {"name": scenario.name})
    return redirect("figures_admin:scenario", scenario.pk)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def scenario_publish(request, scenario_id: int):
    from . import scenarios
    from .models import Scenario

    scenario = get_object_or_404(Scenario, pk=scenario_id)
    publish = request.POST.get("publish") == "1"
    try:
        scenarios.set_published(scenario, publish)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if publish:
            messages.success(request, _("Das Szenario „%(name)s“ ist veröffentlicht.") % {"name": scenario.name})
        else:
            messages.success(request, _("Das Szenario „%(name)s“ ist nicht mehr öffentlich.") % {"name": scenario.name})
    return redirect("figures_admin:scenario", scenario.pk)
