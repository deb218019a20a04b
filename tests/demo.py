"""The demo data sets and their figures, generated and computed at most once per test session.

Computing the demo figures takes seconds; most tests only need them published.
Those tests import the data set as a planner would and store snapshots of the
figures computed once (:func:`publish_demo`); tests of the regeneration itself
keep calling ``services.regenerate``.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

#: the demo variant each demo cycle gets, as ``load_demo_data`` gives it
CYCLE_VARIANTS = {"2025-2026": "2025", "2027-2028": "2027"}


class DemoData:
    """Demo data folders and their computed figures, made on first use and kept."""

    def __init__(self, base: Path):
        self.base = base
        self._folders: dict[str, Path] = {}
        self._figures: dict[str, tuple[list, dict[str, str]]] = {}

    def folder(self, variant: str = "2025") -> Path:
        if variant not in self._folders:
            from content.demodata import generate

            self._folders[variant] = generate(self.base / variant / "data", variant=variant)
        return self._folders[variant]

    def figures(self, variant: str = "2025") -> tuple[list, dict[str, str]]:
        """The engine's (plugin, figure) pairs for a variant and each plugin's version."""
        if variant not in self._figures:
            from portal.engine.compute import compute_figures
            from portal.engine.dataset import load_dataset
            from portal.engine.i18n import TRANSLATIONS
            from portal.engine.plugins import get_plugin_manager

            pm = get_plugin_manager()
            # German figures, each with its other languages, as a regeneration stores them
            results = compute_figures(load_dataset(self.folder(variant), pm=pm), pm=pm, translations=TRANSLATIONS)
            self._figures[variant] = results, dict(pm.versions)
        return self._figures[variant]


def publish_demo(demo: DemoData, slug: str = "2025-2026", folder: Path | None = None):
    """Import a cycle's demo data set for real, then publish the figures computed once; the regeneration.

    ``folder``: import this data set instead (a changed copy of the demo data), still with the demo's figures.
    """
    from portal.figures import services
    from portal.figures.models import Cycle, FigureSnapshot, Regeneration

    variant = CYCLE_VARIANTS[slug]
    version = services.import_dataset(Cycle.objects.get(slug=slug), folder or demo.folder(variant))
    results, versions = demo.figures(variant)
    regeneration = services.create_regeneration(version)
    FigureSnapshot.objects.bulk_create(
        services._snapshot(regeneration, plugin, figure, versions.get(plugin, ""), version.fingerprint)
        for plugin, figure in results
    )
    now = timezone.now()
    Regeneration.objects.filter(pk=regeneration.pk).update(status=Regeneration.SUCCEEDED, started=now, finished=now)
    return services.publish(regeneration)
