"""The council's edition in the admin: the editions kept so far, and a form to keep the one the council decided on.

What ``manage.py freeze_council_edition`` does, for the people of the Freigabe group (permission
``plan.add_counciledition``): the plan's PDF as it is now, with the date of the decision on its
title page, kept unchanged for ever at ``/pdf/beschluss/<id>/``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pdf
from .editions import CouncilEdition
from .models import PlanPage

PERMISSION = "plan.add_counciledition"


class FreezeForm(forms.Form):
    decided_on = forms.DateField(
        label=gettext_lazy("Datum des Ratsbeschlusses"),
        help_text=gettext_lazy("TT.MM.JJJJ, z. B. 12.03.2026"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        error_messages={
            "required": gettext_lazy("Bitte geben Sie das Datum des Ratsbeschlusses an."),
            "invalid": gettext_lazy("Bitte ein Datum der Form TT.MM.JJJJ angeben, z. B. 12.03.2026."),
        },
    )
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"),
        queryset=PlanPage.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Diesen veröffentlichten Plan gibt es nicht (mehr).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = PlanPage.objects.live().select_related("locale").order_by("locale__language_code")
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: f"{plan.title} {plan.cycle} ({plan.locale.get_display_name()})"

    def clean_decided_on(self) -> datetime.date:
        day = self.cleaned_data["decided_on"]
        if day > datetime.date.today():
            raise forms.ValidationError(_("Der Ratsbeschluss kann nicht in der Zukunft liegen."))
        return day


@permission_required(PERMISSION, raise_exception=True)
def council_editions(request):
    """GET: the editions kept so far and the form; POST: keep the plan's edition as it is now."""
    form = FreezeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        edition = pdf.freeze(form.cleaned_data["plan"], form.cleaned_data["decided_on"])
        messages.success(
            request,
            _("Beschlussfassung vom %(day)s festgehalten: %(title)s %(cycle)s.")
            % {"day": f"{edition.decided_on:%d.%m.%Y}", "title": edition.title, "cycle": edition.cycle},
        )
        return redirect("plan_admin:council_editions")
    context = {"form": form, "editions": CouncilEdition.objects.all()}
    return TemplateResponse(request, "plan/admin/council_editions.html", context, status=422 if form.errors else 200)
