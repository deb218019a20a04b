"""Public views of published figures: downloads as CSV and JSON, and two cycles compared. Read snapshots only."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from portal.engine.i18n import SOURCE_LANGUAGE, normalize_language
from portal.spreadsheet import neutralised_csv

from .catalog import installed_figures
from .compare import CHART_BAR, CHART_LABELS, CHART_WIDTH, compare_cycles
from .models import Cycle, FigureSnapshot, published_snapshot
from .provenance import provenance_record
from .svg import inline_svg


def healthz(request):
    """The cheapest answer the server gives: for load balancers and as the baseline of bench/pages.py."""
    return HttpResponse("ok", content_type="text/plain")


def figure_download(request, cycle: str, key: str, fmt: str):
    cycle = get_object_or_404(Cycle, slug=cycle)
    snapshot = published_snapshot(cycle, key)
    if snapshot is None:
        raise Http404("Diese Abbildung ist für diesen Zyklus nicht veröffentlicht.")
    filename = f"{key.replace('.', '-')}-{cycle.slug}.{fmt}"
    if fmt == "csv":
        # neutralised: a label such as =HYPERLINK(…) must not run in a reader's spreadsheet; the JSON stays raw
        response = HttpResponse(neutralised_csv(snapshot.data_csv), content_type="text/csv; charset=utf-8")
    else:
        regeneration = snapshot.regeneration
        response = JsonResponse(
            {
                "key": snapshot.key,
                "title": snapshot.title,
                "kind": snapshot.kind,
                "summary": snapshot.summary,
                "cycle": cycle.name,
                "stand": regeneration.finished.date().isoformat() if regeneration.finished else None,
                "synthetic": regeneration.dataset_version.synthetic,
                "plugin": snapshot.plugin,
                "plugin_version": snapshot.plugin_version,
                "engine_version": snapshot.engine_version,
                "dataset_fingerprint": snapshot.dataset_fingerprint,
                "columns": snapshot.columns,
                "data": snapshot.data,
                "provenance": provenance_record(snapshot),
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def figure_workbook(request, cycle: str, key: str):
    """One published figure as an Excel workbook for people: headings in the page's language, numbers as numbers."""
    from . import xlsx  # openpyxl only for this download

    cycle = get_object_or_404(Cycle, slug=cycle)
    snapshot = published_snapshot(cycle, key)
    if snapshot is None:
        raise Http404("Diese Abbildung ist für diesen Zyklus nicht veröffentlicht.")
    language = normalize_language(get_language())
    content = xlsx.figure_workbook(snapshot.in_language(language), cycle, language)
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{key.replace(".", "-")}-{cycle.slug}.xlsx"'
    return response


def published_cycles() -> list[Cycle]:
    """Cycles whose figures are published, oldest first."""
    return list(Cycle.objects.filter(versions__regenerations__published=True).distinct().order_by("start_year"))


def published_figure_titles(language: str = SOURCE_LANGUAGE) -> dict[str, str]:
    """key -> title of every figure published in any cycle: the catalogue's title where the plugin is
    installed, else the newest snapshot's; in another language than German the newest snapshot's
    title in that language, where it has one."""
    catalog = installed_figures()
    titles: dict[str, str] = {}
    snapshots = FigureSnapshot.objects.filter(regeneration__published=True).order_by("key", "-pk")
    if language != SOURCE_LANGUAGE:
        for key, title in snapshots.values_list("key", f"translations__{language}__title"):
            if title:
                titles.setdefault(key, title)
    for key, title in snapshots.values_list("key", "title"):
        titles.setdefault(key, catalog[key][1] if key in catalog else title)
    return dict(sorted(titles.items(), key=lambda item: item[1].lower()))


def figure_compare(request):
    """One figure of two cycles side by side, with a table of what changed."""
    language = normalize_language(get_language())
    cycles = published_cycles()
    titles = published_figure_titles(language)
    by_slug = {cycle.slug: cycle for cycle in cycles}
    key = request.GET.get("key") or ("finance.forecast" if "finance.forecast" in titles else next(iter(titles), ""))
    current = Cycle.current()
    default_a = current.slug if current and current.slug in by_slug else next(iter(by_slug), "")
    slug_a = request.GET.get("a") or default_a
    default_b = next((slug for slug in by_slug if slug != slug_a), "")
    slug_b = request.GET.get("b") or default_b
    changes_only = request.GET.get("nur") == "aenderungen"
    context = {
        "cycles": cycles, "titles": titles, "key": key, "slug_a": slug_a, "slug_b": slug_b, "sides": [],
        "changes_only": changes_only,
    }
    cycle_a, cycle_b = by_slug.get(slug_a), by_slug.get(slug_b)
    snapshots = [published_snapshot(c, key) if c else None for c in (cycle_a, cycle_b)]
    snapshots = [s.in_language(language) if s else None for s in snapshots]
    if key in titles and all(snapshots):
        comparison = compare_cycles(*snapshots, cycle_a.name, cycle_b.name, language=snapshots[0].language)
        context.update(
            title=titles[key],
            sides=[
                {"cycle": cycle, "snapshot": snapshot, "svg": inline_svg(snapshot.svg, f"vergleich-{side}")}
                for side, cycle, snapshot in zip("ab", (cycle_a, cycle_b), snapshots, strict=True)
            ],
            comparison=comparison,
            row_headers=comparison.headers,
            differences=comparison.changed if changes_only else comparison.differences,
            chart={"width": CHART_WIDTH, "labels": CHART_LABELS, "bar": CHART_BAR},
        )
        if key != "finance.forecast" and "finance.forecast" in titles:
            context["forecast_url"] = f"{request.path}?{urlencode({'key': 'finance.forecast', 'a': slug_a, 'b': slug_b})}"
        sides = context["sides"]
        context["only_sides"] = [
            (comparison.only_a, sides[0], comparison.only_a_span or "–"),
            (comparison.only_b, sides[1], comparison.only_b_span or "–"),
        ]
    else:
        context["missing"] = [
            cycle.name if cycle else slug for cycle, slug, s in zip((cycle_a, cycle_b), (slug_a, slug_b), snapshots, strict=True)
            if s is None
        ]
    return TemplateResponse(request, "figures/compare.html", context)


def open_data(request):
    """Every published figure of every cycle, with its columns and its data as CSV and JSON."""
    sections = []
    language = normalize_language(get_language())
    for cycle in published_cycles():
        regeneration = cycle.published_regeneration()
        snapshots = list(regeneration.snapshots.order_by("key").defer("svg", "data_csv", "data"))
        for snapshot in snapshots:  # titles and headers in the page's language (the svg stays deferred)
            words = snapshot.translations.get(language) if language != SOURCE_LANGUAGE else None
            if words:
                snapshot.title = words.get("title") or snapshot.title
                snapshot.column_labels = words.get("column_labels") or snapshot.column_labels
        sections.append({"cycle": cycle, "regeneration": regeneration, "snapshots": snapshots})
    return TemplateResponse(request, "figures/open_data.html", {"sections": sections})
