"""What a planner needs around the upload: the template, the help page and the cycle's settings form.

All three are made from the engine's table specs and plan.toml rules (one
source of truth), so a stranger's plugin's table appears in them too. The
engine's modules are imported on use (see ``services._ENGINE_ON_USE``).
"""

from __future__ import annotations

import io
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_views import PERMISSION
from .models import Cycle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "planungsdaten-vorlage.xlsx"


def _tables():
    from portal.engine.describe import declared_tables
    from portal.engine.plugins import get_plugin_manager

    return declared_tables(get_plugin_manager())


@permission_required(PERMISSION, raise_exception=True)
def template_download(request):
    """The template workbook: one sheet per table the installed plugins declare."""
    from portal.engine.template import template_workbook

    buffer = io.BytesIO()
    template_workbook(_tables()).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response


@permission_required(PERMISSION, raise_exception=True)
def plan_download(request, cycle_id: int):
    """The cycle's plan.toml as the settings form keeps it, or the example a new cycle starts from."""
    from portal.engine.plan_toml import EXAMPLE_PLAN

    cycle = get_object_or_404(Cycle, pk=cycle_id)
    text = cycle.plan_toml or _example_for(cycle, EXAMPLE_PLAN)
    response = HttpResponse(text.encode("utf-8"), content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plan.toml"'
    return response


def _example_for(cycle: Cycle, example: str) -> str:
    """The example plan.toml with the cycle's name and years."""
    start = cycle.start_year
    return (
        example.replace('"2027–2028"', f'"{cycle.name}"')
        .replace("baseline = 2026-12-31", f"baseline = {start - 1}-12-31")
        .replace("[2027, 2036]", f"[{start}, {start + 9}]")
        .replace("price_base_year = 2027", f"price_base_year = {start}")
    )


@permission_required(PERMISSION, raise_exception=True)
def help_page(request):
    """Every file, column, rule and plan.toml key, and the cycle's steps, in German."""
    from portal.engine.describe import description, rule_text, type_label
    from portal.engine.plan_toml import EXAMPLE_PLAN, PLAN_SECTIONS
    from portal.engine.specs import EXAMPLE_COLUMN

    tables = [
        {
            "name": table.name,
            "required": table.spec.required,
            "declared_by": ", ".join(_("Planungsmaschine") if name == "engine" else name for name in table.declared_by),
            "description": description(table.spec),
            "columns": [
                {
                    "name": column.name,
                    "type": type_label(column),
                    "rule": rule_text(column),
                    "description": description(column),
                }
                for column in table.spec.columns
            ],
        }
        for table in _tables()
    ]
    plan_keys = [
        {"key": f"{section.path}.{key.name}", "required": key.required, "description": key.description}
        for section in PLAN_SECTIONS
        for key in section.keys
    ] + [
        {"key": f"{section.path}.…", "required": True, "description": section.description}
        for section in PLAN_SECTIONS
        if section.description
    ]
    return TemplateResponse(
        request,
        "figures/admin/help.html",
        {
            "tables": tables,
            "plan_keys": plan_keys,
            "example_plan": EXAMPLE_PLAN,
            "example_column": EXAMPLE_COLUMN,
            "current": Cycle.current(),
        },
    )


# --- the cycle's settings ----------------------------------------------------------------


def _school_type_field(name: str) -> str:
    return "target_" + re.sub(r"\W", "_", name.lower())


class PlanSettingsForm(forms.Form):
    """plan.toml's [cycle] and [targets.device_ratio_pct], checked by the engine's own rules."""

    name = forms.CharField(label=gettext_lazy("Name im Portal"), max_length=50)
    baseline = forms.DateField(
        label=gettext_lazy("Stichtag des Bestands"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Der Bestand in inventory ist der Bestand an diesem Tag."),
    )
    horizon_start = forms.IntegerField(label=gettext_lazy("Vorausschau: erstes Jahr"), min_value=1900, max_value=2100)
    horizon_end = forms.IntegerField(label=gettext_lazy("Vorausschau: letztes Jahr"), min_value=1900, max_value=2100)
    price_base_year = forms.IntegerField(
        label=gettext_lazy("Preisbasisjahr"),
        min_value=1900,
        max_value=2100,
        help_text=gettext_lazy("Das Jahr, auf das sich die Preise im Katalog beziehen."),
    )
    price_increase_pct = forms.FloatField(
        label=gettext_lazy("Preissteigerung pro Jahr (%)"),
        help_text=gettext_lazy("Zum Beispiel 2.5 für 2,5 % im Jahr; 0 für gleichbleibende Preise."),
    )
    synthetic = forms.BooleanField(
        label=gettext_lazy("Erfundene Beispieldaten"),
        required=False,
        help_text=gettext_lazy("Nur für Beispieldaten ankreuzen: das Portal kennzeichnet ihre Abbildungen als Beispiel."),
    )

    def __init__(self, *args, plan: dict, **kwargs):
        from portal.engine.specs import SCHOOL_TYPES

        super().__init__(*args, **kwargs)
        self.plan = plan
        self.target_fields: list[str] = []
        for school_type in (*SCHOOL_TYPES, "default"):
            field_name = _school_type_field(school_type)
            label = _("Alle übrigen Schulformen") if school_type == "default" else school_type
            self.fields[field_name] = forms.FloatField(
                label=label, required=False, min_value=0, help_text=_("Geräte je 100 Schülerinnen und Schüler")
            )
            self.fields[field_name].school_type = school_type
            self.target_fields.append(field_name)

    @property
    def cycle_fields(self):
        return [self[name] for name in self.fields if name not in self.target_fields]

    @property
    def targets(self):
        return [self[name] for name in self.target_fields]

    def clean(self):
        from portal.engine.plan_toml import dump_plan, read_plan

        data = super().clean()
        if self.errors:
            return data
        plan = {key: value for key, value in self.plan.items() if key not in ("cycle", "targets")}
        cycle = dict(self.plan.get("cycle") or {})
        cycle.update(
            name=data["name"],
            baseline=data["baseline"],
            horizon=[data["horizon_start"], data["horizon_end"]],
            price_base_year=data["price_base_year"],
            price_increase_pct=data["price_increase_pct"],
        )
        cycle.pop("synthetic", None)
        if data.get("synthetic"):
            cycle["synthetic"] = True
        targets = dict(self.plan.get("targets") or {})
        targets["device_ratio_pct"] = {
            self.fields[name].school_type: _number(data[name]) for name in self.target_fields if data.get(name) is not None
        }
        text = dump_plan({"cycle": cycle, "targets": targets, **plan})
        problems: list = []
        read_plan(text, problems)
        for problem in problems:
            key = (problem.column or "").removeprefix("cycle.")
            field = "horizon_start" if key == "horizon" else key if key in self.fields else None
            self.add_error(field, f"{problem.column}: {problem.message}")
        if not targets["device_ratio_pct"]:
            self.add_error(None, _("Bitte mindestens einen Zielwert eintragen, am besten für alle übrigen Schulformen."))
        self.plan_text = text
        return data


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def initial_from(cycle: Cycle) -> tuple[dict, dict]:
    """The parsed plan (the cycle's, else the example for it) and the form's initial values from it."""
    import tomllib

    from portal.engine.plan_toml import EXAMPLE_PLAN

    try:
        plan = tomllib.loads(cycle.plan_toml or _example_for(cycle, EXAMPLE_PLAN))
    except tomllib.TOMLDecodeError:
        plan = tomllib.loads(_example_for(cycle, EXAMPLE_PLAN))
    settings = plan.get("cycle") or {}
    horizon = settings.get("horizon") or [None, None]
    initial = {
        "name": settings.get("name", cycle.name),
        "baseline": settings.get("baseline"),
        "horizon_start": horizon[0] if len(horizon) > 0 else None,
        "horizon_end": horizon[1] if len(horizon) > 1 else None,
        "price_base_year": settings.get("price_base_year"),
        "price_increase_pct": settings.get("price_increase_pct"),
        "synthetic": bool(settings.get("synthetic", False)),
    }
    targets = (plan.get("targets") or {}).get("device_ratio_pct") or {}
    for school_type, value in targets.items():
        initial[_school_type_field(school_type)] = value
    return plan, initial


@permission_required(PERMISSION, raise_exception=True)
def plan_settings(request, cycle_id: int):
    """The cycle's plan.toml as a form; saving writes the text every later upload without plan.toml uses."""
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    plan, initial = initial_from(cycle)
    form = PlanSettingsForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        Cycle.objects.filter(pk=cycle.pk).update(plan_toml=form.plan_text)
        messages.success(
            request,
            _("Die Einstellungen des Zyklus %(cycle)s sind gespeichert; sie gelten für jeden Upload ohne eigene plan.toml.")
            % {"cycle": cycle.name},
        )
        return redirect("figures_admin:index")
    return TemplateResponse(
        request,
        "figures/admin/plan_settings.html",
        {"form": form, "cycle": cycle, "has_plan": bool(cycle.plan_toml.strip())},
    )
