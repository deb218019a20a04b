"""The moderators' screen for one comment (release, reject with a reason, answer as the Redaktion) and the CSV export."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.spreadsheet import neutralise

from . import services
from .forms import AnswerForm, RejectForm, ReleaseForm
from .models import Comment

LIST_URL = "wagtailsnippets_dialogue_comment:list"


@permission_required("dialogue.moderate_comment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def moderate(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("page", "cycle"), pk=pk)
    release_form = ReleaseForm(initial={"links_allowed": comment.links_allowed})
    reject_form = RejectForm()
    answer_form = AnswerForm(initial={"answer": comment.answer})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "release":
                release_form = ReleaseForm(request.POST)
                if release_form.is_valid():
                    services.release(comment.pk, user=request.user, links_allowed=release_form.cleaned_data["links_allowed"])
                    messages.success(request, _("Der Kommentar ist veröffentlicht."))
                    return redirect(LIST_URL)
            elif action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    services.reject(comment.pk, reject_form.cleaned_data["reason"], user=request.user)
                    messages.success(request, _("Der Kommentar ist abgelehnt; die Autorin oder der Autor bekommt den Grund per E-Mail, solange die Adresse gespeichert ist."))
                    return redirect(LIST_URL)
            elif action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer(comment.pk, answer_form.cleaned_data["answer"], user=request.user)
                    messages.success(request, _("Die Antwort der Redaktion ist veröffentlicht."))
                    return redirect(LIST_URL)
        except services.DialogueRefused as refused:
            messages.error(request, refused.message)
            return redirect("dialogue_admin:moderate", comment.pk)
    return TemplateResponse(
        request,
        "dialogue/admin/moderate.html",
        {
            "comment": comment,
            "chapter": comment.page.specific,
            "release_form": release_form,
            "reject_form": reject_form,
            "answer_form": answer_form,
            "can_moderate": comment.status in (Comment.Status.QUEUED, Comment.Status.RELEASED),
            "header_title": _("Kommentar moderieren"),
        },
        status=422 if request.method == "POST" else 200,
    )


EXPORT_FIELDS = [
    ("id", _("Nummer")),
    ("cycle", _("Zyklus")),
    ("chapter", _("Kapitel")),
    ("anchor_label", _("Absatz")),
    ("role", _("Rolle")),
    ("display_name", _("Angezeigter Name")),
    ("status", _("Status")),
    ("created_at", _("Eingegangen")),
    ("text", _("Kommentar")),
    ("answer", _("Antwort der Redaktion")),
]


def export_rows(queryset):
    for comment in queryset.select_related("page", "cycle"):
        page = comment.page.specific
        yield [
            comment.pk,
            comment.cycle.name if comment.cycle else "",
            page.label,
            comment.anchor_label,
            comment.get_role_display(),
            comment.display_name,
            comment.get_status_display(),
            timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M"),
            comment.text,
            comment.answer,
        ]


@permission_required("dialogue.view_comment", raise_exception=True)
def export_csv(request):
    """The comments (filtered like the list: status, role, chapter, cycle, paragraph) as formula-safe CSV; never the e-mail address."""
    queryset = Comment.objects.exclude(status=Comment.Status.UNCONFIRMED).order_by("page__path", "created_at")
    for field in ("status", "role", "page", "cycle", "anchor"):
        value = request.GET.get(field)
        if value:
            queryset = queryset.filter(**{field: value})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(label) for _name, label in EXPORT_FIELDS])
    for row in export_rows(queryset):
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dialog-kommentare.csv"'
    return response
