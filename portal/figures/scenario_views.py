"""The public page of a published scenario, its downloads, and the readers' "Was wäre, wenn …?" form.

The form is a plain GET form: it works without JavaScript, and nothing a reader
enters is stored; the forecast it asks for is computed by the engine and cached
by its input (:func:`portal.figures.scenarios.whatif_forecast`).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.engine.numbers import format_number

from .models import Scenario, published_snapshot, shown_scenarios
from .svg import inline_svg

LIFE_MIN, LIFE_MAX = 1, 12
PRICE_MIN, PRICE_MAX = Decimal("-2"), Decimal("10")
COLUMN_WORDS = {
    "investment_eur": _("Investitionen (€)"),
    "recurring_eur": _("Laufende Kosten (€)"),
    "total_eur": _("Gesamt (€)"),
    "cost_eur": _("Kosten (€)"),
    "share_pct": _("Anteil (%)"),
    "annual_average_eur": _("Jahresdurchschnitt (€)"),
    "missing_devices": _("Fehlende Geräte"),
    "pupil_devices": _("Schülergeräte"),
    "ratio_pct": _("Geräte je 100 Schülerinnen und Schüler"),
    "target_pct": _("Zielwert"),
    "pupils": _("Schülerinnen und Schüler"),
    "schools": _("Schulen"),
}


def published_scenario(cycle: str, slug: str) -> Scenario:
    return get_object_or_404(shown_scenarios().select_related("cycle", "dataset_version"), cycle__slug=cycle, slug=slug)


class WhatIfForm(forms.Form):
    """The useful life of the main product groups and the price increase, within sensible bounds."""

    price_increase_pct = forms.DecimalField(
        label=_("Preissteigerung pro Jahr (%)"),
        min_value=PRICE_MIN,
        max_value=PRICE_MAX,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "required": _("Bitte eine Preissteigerung angeben."),
            "invalid": _("Bitte eine Zahl angeben, z. B. 2,5."),
            "min_value": _("Die Preissteigerung darf nicht unter %(limit_value)s %% liegen."),
            "max_value": _("Die Preissteigerung darf höchstens %(limit_value)s %% betragen."),
            "max_decimal_places": _("Höchstens eine Nachkommastelle."),
            "max_digits": _("Bitte eine Zahl angeben, z. B. 2,5."),
        },
        localize=True,
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        for group, label, _life in self.groups:
            self.fields[f"life_{group}"] = forms.IntegerField(
                label=_("Nutzungsdauer %(label)s (Jahre)") % {"label": label},
                min_value=LIFE_MIN,
                max_value=LIFE_MAX,
                error_messages={
                    "required": _("Bitte eine Nutzungsdauer angeben."),
                    "invalid": _("Bitte eine ganze Zahl von Jahren angeben."),
                    "min_value": _("Die Nutzungsdauer muss mindestens %(limit_value)s Jahr betragen."),
                    "max_value": _("Die Nutzungsdauer darf höchstens %(limit_value)s Jahre betragen."),
                },
            )

    def life(self) -> dict[str, int]:
        return {group: self.cleaned_data[f"life_{group}"] for group, _label, _life in self.groups}


def scenario_page(request, cycle: str, slug: str):
    from . import scenarios  # the engine (pandas) only when a scenario is used

    scenario = published_scenario(cycle, slug)
    result = scenario.result
    current = scenarios.published_version(scenario.cycle)
    # computed on data no longer published (it is being computed again): the numbers are the old
    # result's, the plan's charts today's; the page says so and does not set them side by side
    stale = current is not None and scenario.dataset_version_id != current.pk
    base = {} if stale else {key: published_snapshot(scenario.cycle, key) for key in scenarios.CHARTS}
    charts = [
        {
            "key": key,
            "title": base[key].title if base[key] else key,
            "base": inline_svg(base[key].svg, f"basis-{n}") if base[key] and base[key].svg else "",
            "scenario": inline_svg(result.get("charts", {}).get(key, ""), f"szenario-{n}") if result.get("charts", {}).get(key) else "",
        }
        for n, key in enumerate(base)
    ]
    words = result.get("translations", {}).get(get_language(), {})  # German where the engine writes no other language
    context = {
        "scenario": scenario, "result": result, "charts": charts, "stale": stale, "differences": _differences(result),
        "sentence": words.get("sentence", result.get("sentence", "")), "assumptions": words.get("assumptions", result.get("assumptions", [])),
    }
    context.update(_whatif(request, scenario))
    return TemplateResponse(request, "figures/scenario.html", context)


def _differences(result: dict) -> list[dict]:
    """The rows of the stored comparison whose scenario value differs from the plan's, in words and formatted numbers."""
    label = result.get("label", "")
    return [
        {
            "title": row["title"],
            "row": row["row"],
            "column": COLUMN_WORDS.get(row["column"], row["column"]),
            "base": _number(row["base"]),
            "scenario": _number(row.get(label)),
            "diff": _number(row.get(f"{label}_diff"), signed=True),
            "pct": _number(row.get(f"{label}_diff_pct"), signed=True, decimals=2),
        }
        for row in result.get("rows", [])
        if row.get(f"{label}_diff") not in (0, 0.0, None)
    ]


def _number(value, signed: bool = False, decimals: int = 2) -> str:
    if value is None:
        return "–"
    text = format_number(float(value), decimals)
    return f"+{text}" if signed and float(value) > 0 else text


def _whatif(request, scenario: Scenario) -> dict:
    """The form, bound when the reader asked, and the forecast it answers with (or why not)."""
    from . import scenarios  # the engine (pandas) only when a scenario is used

    version = scenario.dataset_version
    if version is None:
        return {}
    dataset = scenarios.core_dataset(version)
    groups = scenarios.main_groups(dataset)
    configured = scenario.price_increase_pct
    if configured is None:
        configured = Decimal(str(dataset.plan["cycle"]["price_increase_pct"]))
    configured = Decimal(configured).quantize(Decimal("0.1"))
    initial = {"price_increase_pct": configured, **{f"life_{g}": life for g, _label, life in groups}}
    changes = scenario.result.get("changes", {})
    for group, _label, _life in groups:
        if f"useful_life_years.{group}" in changes:
            initial[f"life_{group}"] = changes[f"useful_life_years.{group}"]
    asked = [name for name in initial if name in request.GET]
    data = None
    if asked:  # a field left out of the query keeps its starting value
        data = {name: format_number(float(value), 1) if isinstance(value, Decimal) else str(value) for name, value in initial.items()}
        data.update({name: request.GET[name] for name in asked})
    form = WhatIfForm(data, groups=groups, initial=initial)
    context = {"whatif_form": form}
    if asked and form.is_valid():
        try:
            rows = scenarios.whatif_forecast(version, form.life(), float(form.cleaned_data["price_increase_pct"]))
        except scenarios.Busy:
            context["whatif_busy"] = True
        else:
            base = {row["row"]: row["base"] for row in scenario.result.get("rows", [])
                    if row["key"] == "finance.forecast" and row["column"] == "total_eur"}
            context["whatif_rows"] = [
                {
                    "year": row["year"],
                    "investment": _number(row["investment_eur"]),
                    "recurring": _number(row["recurring_eur"]),
                    "total": _number(row["total_eur"]),
                    "base": _number(base.get(str(row["year"]))),
                }
                for row in rows
            ]
            context["whatif_total"] = _number(sum(row["total_eur"] for row in rows))
    return context


def scenario_download(request, cycle: str, slug: str, fmt: str):
    from . import scenarios  # the engine (pandas) only when a scenario is used

    scenario = published_scenario(cycle, slug)
    filename = f"szenario-{scenario.slug}-{scenario.cycle.slug}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(scenarios.result_csv(scenario), content_type="text/csv; charset=utf-8")
    else:
        result = scenario.result
        response = JsonResponse(
            {
                "cycle": scenario.cycle.name,
                "name": scenario.name,
                "description": scenario.description,
                "changes": result.get("changes", {}),
                "assumptions": result.get("assumptions", []),
                "summary": result.get("sentence", ""),
                "computed": scenario.computed_at.isoformat() if scenario.computed_at else None,
                "columns": result.get("columns", []),
                "rows": result.get("rows", []),
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
