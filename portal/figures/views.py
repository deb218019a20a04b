"""Downloads of a published figure's data, as CSV and as JSON. Reads snapshots only."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from .models import Cycle, published_snapshot


def figure_download(request, cycle: str, key: str, fmt: str):
    cycle = get_object_or_404(Cycle, slug=cycle)
    snapshot = published_snapshot(cycle, key)
    if snapshot is None:
        raise Http404("Diese Abbildung ist für diesen Zyklus nicht veröffentlicht.")
    filename = f"{key.replace('.', '-')}-{cycle.slug}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(snapshot.data_csv, content_type="text/csv; charset=utf-8")
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
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
