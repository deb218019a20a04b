"""The public "Stand der Ziele": every goal by field, filters, counts, a chart, each goal's history; CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale

from portal.spreadsheet import neutralise

from .goals import Goal, GoalStatus, GoalStatusChange, goal_texts

CHART_WIDTH = 360  # the longest bar, in SVG user units
LABEL_WIDTH = 280  # the field names left of the bars


@dataclass
class FieldOfGoals:
    key: str  # the German chapter's slug: the same in both languages
    label: str
    url: str
    goals: list = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for g in self.goals if g.status == status)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.count(value)) for value, label in GoalStatus.choices]


def _translation(chapter, locale):
    if locale is None or chapter.locale_id == locale.pk:
        return chapter
    return chapter.get_translation_or_none(locale) or chapter


def _reader_locale() -> Locale | None:
    return Locale.objects.filter(language_code=get_language() or settings.LANGUAGE_CODE).first()


def fields_of_goals() -> list[FieldOfGoals]:
    """Every published goal, grouped by its chapter (field of action), in the reader's language."""
    locale = _reader_locale()
    goals = list(
        Goal.objects.filter(live=True, chapter__live=True, retired_on__isnull=True)
        .select_related("chapter")
        .prefetch_related("history")
        .order_by("chapter__path", "position")
    )
    fields: dict[int, FieldOfGoals] = {}
    for goal in goals:
        entry = fields.get(goal.chapter_id)
        if entry is None:
            chapter = _translation(goal.chapter, locale)
            entry = fields[goal.chapter_id] = FieldOfGoals(goal.chapter.slug, chapter.label, chapter.url or "")
            entry.texts = goal_texts(chapter) if chapter.pk != goal.chapter_id else None
        texts = entry.texts
        goal.display_text = texts[goal.position - 1] if texts and len(texts) >= goal.position else goal.text
        goal.field_key = entry.key
        goal.field_label = entry.label
        entry.goals.append(goal)
    return list(fields.values())


def retired_goals() -> list[Goal]:
    """The goals the plan no longer names, newest first, with their history: what was promised stays on record.

    Their wording is the German one they last had (the chapter's translation no longer holds them).
    """
    goals = list(
        Goal.objects.filter(live=True, retired_on__isnull=False)
        .select_related("chapter")
        .prefetch_related("history")
        .order_by("-retired_on", "chapter__path", "position")
    )
    locale = _reader_locale() if goals else None
    for goal in goals:
        goal.display_text = goal.text
        goal.field_key = goal.chapter.slug
        goal.field_label = _translation(goal.chapter, locale).label
    return goals


def _chart(fields: list[FieldOfGoals]) -> list[dict]:
    """Bars per field, one segment per status, scaled to the field with the most goals."""
    most = max((len(f.goals) for f in fields), default=0) or 1
    rows = []
    for index, entry in enumerate(fields):
        x = float(LABEL_WIDTH)
        segments = []
        for value, label, count in entry.counts:
            width = round(CHART_WIDTH * count / most, 1)
            if count:
                segments.append({"status": value, "label": label, "count": count, "x": x, "width": width})
            x += width
        rows.append({"field": entry, "y": index * 32, "segments": segments, "total": len(entry.goals), "end": x})
    return rows


def overview(request):
    """The public page: filters by status and field (a plain GET form), counts, chart, goals, history."""
    fields = fields_of_goals()
    statuses = dict(GoalStatus.choices)
    errors = []
    status = request.GET.get("status", "")
    if status and status not in statuses:
        errors.append(_("Stand „%(value)s“ gibt es nicht; gezeigt werden alle Stände.") % {"value": status[:40]})
        status = ""
    field_key = request.GET.get("feld", "")
    if field_key and field_key not in {f.key for f in fields}:
        errors.append(_("Handlungsfeld „%(value)s“ gibt es nicht; gezeigt werden alle Felder.") % {"value": field_key[:80]})
        field_key = ""
    shown = []
    for entry in fields:
        if field_key and entry.key != field_key:
            continue
        goals = [g for g in entry.goals if not status or g.status == status]
        if goals:
            shown.append(FieldOfGoals(entry.key, entry.label, entry.url, goals))
    all_goals = [g for f in fields for g in f.goals]
    context = {
        "fields": fields,
        "shown": shown,
        "statuses": GoalStatus.choices,
        "status": status,
        "field_key": field_key,
        "errors": errors,
        "status_counts": [(value, label, sum(1 for g in all_goals if g.status == value)) for value, label in GoalStatus.choices],
        "total": len(all_goals),
        "shown_total": sum(len(f.goals) for f in shown),
        "chart": _chart(fields),
        "retired": retired_goals(),
        "chart_width": LABEL_WIDTH + CHART_WIDTH + 20,
        "chart_height": max(len(fields), 1) * 32,
    }
    return TemplateResponse(request, "plan/goals_overview.html", context)


# -- open data ------------------------------------------------------------------------------------

GOAL_COLUMNS = [
    "id", "field", "field_title", "position", "goal", "status", "progress_percent",
    "evidence", "evidence_date", "link", "responsible", "retired_on",
]
HISTORY_COLUMNS = ["goal_id", "cycle", "date", "status", "previous_status", "progress_percent", "evidence"]


def goal_records() -> list[dict]:
    """Every published goal with its history, as plain data (the CSV, the JSON and the API); the goals the plan
    no longer names come last, with the day they left it (``retired_on``)."""
    records = []
    current = [goal for entry in fields_of_goals() for goal in entry.goals]
    for goal in [*current, *retired_goals()]:
        records.append(
            {
                "id": goal.pk,
                "field": goal.field_key,
                "field_title": goal.field_label,
                "position": goal.position,
                "goal": goal.display_text,
                "status": goal.status,
                "progress_percent": goal.progress,
                "evidence": goal.evidence,
                "evidence_date": goal.evidence_date.isoformat() if goal.evidence_date else None,
                "link": goal.link,
                "responsible": goal.responsible,
                "retired_on": goal.retired_on.isoformat() if goal.retired_on else None,
                "history": [_history_record(change) for change in goal.history.all()],
            }
        )
    return records


def _history_record(change: GoalStatusChange) -> dict:
    return {
        "goal_id": change.goal_id,
        "cycle": change.cycle,
        "date": change.date.isoformat(),
        "status": change.status,
        "previous_status": change.previous_status,
        "progress_percent": change.progress,
        "evidence": change.note,
    }


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise("" if row[c] is None else row[c]) for c in columns])
    return out.getvalue()


def download(request, what: str, fmt: str):
    """``goals`` or ``history`` as CSV (formula-safe) or JSON."""
    records = goal_records()
    if what == "history":
        rows = [change for record in records for change in record["history"]]
        columns = HISTORY_COLUMNS
    else:
        rows = [{k: v for k, v in record.items() if k != "history"} for record in records]
        columns = GOAL_COLUMNS
    name = "ziele" if what == "goals" else "ziele-verlauf"
    if fmt == "csv":
        response = HttpResponse(_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(json.dumps(rows, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
