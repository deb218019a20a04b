"""The read-only open-data API: published figures by cycle and key, described by OpenAPI.

django-ninja writes the OpenAPI description from these schemas, so the
description and the responses cannot drift apart. No interactive docs page:
it would load scripts from a CDN, and the portal loads nothing from elsewhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError

from .models import Cycle, published_snapshot
from .provenance import provenance_record

api = NinjaAPI(
    title=f"{settings.WAGTAIL_SITE_NAME} – Offene Daten",  # the content pack's site name
    version="1.0.0",
    description=(
        "Lesender Zugriff auf die veröffentlichten Abbildungen des Medienentwicklungsplans: "
        "Zyklen, ihre Abbildungen und deren Daten mit Herkunft (Stand, Beispieldaten, Fingerabdruck, Versionen)."
    ),
    docs_url=None,
    urls_namespace="api_v1",
)


class CycleOut(Schema):
    slug: str
    name: str
    start_year: int
    end_year: int
    current: bool
    published: bool
    figures_url: str


class FigureLink(Schema):
    key: str
    title: str
    kind: str
    url: str
    csv_url: str
    json_url: str


class FigureList(Schema):
    cycle: str
    cycle_name: str
    stand: date | None
    synthetic: bool
    figures: list[FigureLink]


class Column(Schema):
    name: str
    label: str


class InputTable(Schema):
    table: str
    file: str
    columns: list[str]
    rows: int | None = Field(description="Zeilen der Tabelle; null, wenn der Datensatz sie nicht enthält")
    sha256: str = Field(description="SHA-256 der CSV-Datei (bei einer Arbeitsmappe: des Tabellenblatts als CSV)")


class Setting(Schema):
    key: str = Field(description="Schlüssel in plan.toml, mit Punkten: cycle.price_increase_pct")
    value: Any


class KeyNumber(Schema):
    column: str
    before: float | None
    after: float | None
    total: bool = Field(description="true: Summe über alle Zeilen")


class SettingChange(Schema):
    key: str
    before: Any
    after: Any


class Changes(Schema):
    previous_regeneration: int
    rows_before: int
    rows_after: int
    rows_changed: int
    rows_added: int
    rows_removed: int
    key_numbers: list[KeyNumber]
    tables_changed: list[str]
    settings_changed: list[SettingChange]
    unchanged: bool
    text: str
    text_en: str


class Provenance(Schema):
    rule: str = Field(description="Wie die Abbildung berechnet wird, auf Deutsch; leer bei älteren Abbildungen")
    rule_en: str
    dataset_version: int
    dataset_uploaded: datetime
    dataset_fingerprint: str
    tables: list[InputTable]
    settings: list[Setting]
    engine_version: str
    plugin: str
    plugin_version: str
    regeneration: int
    regeneration_finished: datetime | None
    changes: Changes | None = Field(description="Was sich seit der zuvor veröffentlichten Neuberechnung geändert hat")


class FigureOut(Schema):
    key: str
    title: str
    kind: str
    summary: str
    cycle: str
    cycle_name: str
    stand: date | None
    synthetic: bool
    plugin: str
    plugin_version: str
    engine_version: str
    dataset_fingerprint: str
    columns: list[Column]
    data: list[dict[str, Any]]
    provenance: Provenance


class Error(Schema):
    detail: str


def _cycle(slug: str) -> Cycle:
    return get_object_or_404(Cycle, slug=slug)


def _links(cycle: Cycle, key: str) -> dict[str, str]:
    return {
        "url": reverse("api_v1:figure", args=[cycle.slug, key]),
        "csv_url": reverse("figure_download", args=[cycle.slug, key, "csv"]),
        "json_url": reverse("figure_download", args=[cycle.slug, key, "json"]),
    }


@api.get("/cycles/", response=list[CycleOut], url_name="cycles", summary="Alle Zyklen des Plans")
def cycles(request):
    published = set(Cycle.objects.filter(versions__regenerations__published=True).values_list("pk", flat=True))
    return [
        {
            "slug": cycle.slug,
            "name": cycle.name,
            "start_year": cycle.start_year,
            "end_year": cycle.end_year,
            "current": cycle.is_current,
            "published": cycle.pk in published,
            "figures_url": reverse("api_v1:figures", args=[cycle.slug]),
        }
        for cycle in Cycle.objects.order_by("start_year")
    ]


@api.get(
    "/cycles/{cycle}/figures/",
    response={200: FigureList, 404: Error},
    url_name="figures",
    summary="Die veröffentlichten Abbildungen eines Zyklus",
)
def figures(request, cycle: str):
    found = _cycle(cycle)
    regeneration = found.published_regeneration()
    if regeneration is None:
        raise HttpError(404, f"Für den Zyklus {found.name} sind keine Abbildungen veröffentlicht.")
    return {
        "cycle": found.slug,
        "cycle_name": found.name,
        "stand": regeneration.finished.date() if regeneration.finished else None,
        "synthetic": regeneration.dataset_version.synthetic,
        "figures": [
            {"key": key, "title": title, "kind": kind, **_links(found, key)}
            for key, title, kind in regeneration.snapshots.order_by("key").values_list("key", "title", "kind")
        ],
    }


@api.get(
    "/cycles/{cycle}/figures/{key}",
    response={200: FigureOut, 404: Error},
    url_name="figure",
    summary="Eine veröffentlichte Abbildung mit Daten und Herkunft",
)
def figure(request, cycle: str, key: str):
    found = _cycle(cycle)
    snapshot = published_snapshot(found, key)
    if snapshot is None:
        raise HttpError(404, f"Die Abbildung {key} ist für den Zyklus {found.name} nicht veröffentlicht.")
    regeneration = snapshot.regeneration
    return {
        "key": snapshot.key,
        "title": snapshot.title,
        "kind": snapshot.kind,
        "summary": snapshot.summary,
        "cycle": found.slug,
        "cycle_name": found.name,
        "stand": regeneration.finished.date() if regeneration.finished else None,
        "synthetic": regeneration.dataset_version.synthetic,
        "plugin": snapshot.plugin,
        "plugin_version": snapshot.plugin_version,
        "engine_version": snapshot.engine_version,
        "dataset_fingerprint": snapshot.dataset_fingerprint,
        "columns": [{"name": n, "label": label} for n, label in zip(snapshot.columns, snapshot.headers, strict=True)],
        "data": snapshot.data,
        "provenance": provenance_record(snapshot),
    }
