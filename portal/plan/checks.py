"""A system check for the interface translations: a missing or outdated .mo shows English readers German."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register


@register(Tags.translation)
def compiled_catalogues(app_configs, **kwargs):
    from .management.commands.compile_catalogues import catalogue_files, is_stale

    stale = [str(po.with_suffix(".mo")) for po in catalogue_files() if is_stale(po)]
    if not stale:
        return []
    return [
        Warning(
            "Übersetzungskataloge fehlen oder sind älter als ihre .po-Datei: " + ", ".join(stale),
            hint="python manage.py compile_catalogues (oder make install) ausführen; sonst bleibt /en/ deutsch.",
            id="plan.W001",
        )
    ]


@register("content", deploy=True)
def operator_placeholders(app_configs, databases=None, **kwargs):
    """Before launch: every "[vom Betreiber zu ergänzen …]" still on a live legal page, with its page."""
    from .legal import unfilled_placeholders

    return [
        Warning(
            f"Auf der Seite „{title}“ ({url}) fehlen noch Angaben des Betreibers: " + "; ".join(todos),
            hint="Die Seite im Admin bearbeiten und die Platzhalter durch die echten Angaben ersetzen.",
            id="plan.W010",
        )
        for title, url, todos in unfilled_placeholders()
    ]
