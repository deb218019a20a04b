"""The published figures as one page view needs them: read once per request, not once per figure block.

A chapter with four figures used to ask five times which cycle is current,
which regeneration is published and for each figure its snapshot. Here the
published regenerations (with their data set versions and cycles) are read
with one query, and the snapshots of every figure on the page with one more.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import cached_property

from .models import Cycle, FigureSnapshot, Regeneration


class PublishedFigures:
    """The published regeneration of each cycle and the snapshots asked for so far."""

    def __init__(self):
        regenerations = list(
            Regeneration.objects.filter(published=True)
            .select_related("dataset_version__cycle")
            .order_by("-published_at", "-pk")  # as Cycle.published_regeneration()
        )
        self.regeneration_ids = sorted(r.pk for r in regenerations)
        self.by_cycle: dict[int, Regeneration] = {}
        self.cycles: dict[str, Cycle] = {}
        for regeneration in regenerations:
            cycle = regeneration.dataset_version.cycle
            self.by_cycle.setdefault(cycle.pk, regeneration)
            self.cycles.setdefault(cycle.slug, cycle)
        self.snapshots: dict[tuple[int, str], FigureSnapshot | None] = {}
        #: plugins whose every published snapshot the first read also reads (a field's chapter lists them all)
        self.wanted_plugins: set[str] = set()
        self.read_plugins: set[str] = set()

    def want_plugins(self, plugins: set[str]) -> None:
        """Let the next reading of snapshots also read every published snapshot of ``plugins`` (no query now)."""
        self.wanted_plugins |= set(plugins)

    @cached_property
    def current_cycle(self) -> Cycle | None:
        found = next((c for c in self.cycles.values() if c.is_current), None)
        return found if found is not None else Cycle.current()  # a current cycle without published figures

    def cycle(self, slug: str | None) -> Cycle | None:
        """The cycle a figure block names, or the current one."""
        if not slug:
            return self.current_cycle
        if slug in self.cycles:
            return self.cycles[slug]
        return Cycle.objects.filter(slug=slug).first()

    def snapshot(self, cycle: Cycle, key: str, also: set[str] = frozenset()) -> FigureSnapshot | None:
        """The published figure ``key`` of ``cycle``; the first call also reads the keys in ``also``."""
        regeneration = self.by_cycle.get(cycle.pk)
        if regeneration is None:
            return None
        if (regeneration.pk, key) not in self.snapshots:
            keys = {key, *also}
            regenerations = {r.pk: r for r in self.by_cycle.values()}
            for r in regenerations:
                for k in keys:
                    self.snapshots.setdefault((r, k), None)
            wanted = Q(key__in=keys)
            plugins = self.wanted_plugins - self.read_plugins
            if plugins:
                wanted |= Q(plugin__in=sorted(plugins))
                self.read_plugins |= plugins
            # data_csv is for downloads only; a page never shows it
            found = FigureSnapshot.objects.filter(wanted, regeneration__in=list(regenerations)).order_by().defer("data_csv")
            for snapshot in found:
                snapshot.regeneration = regenerations[snapshot.regeneration_id]  # spare the template a query
                self.snapshots[(snapshot.regeneration_id, snapshot.key)] = snapshot
        return self.snapshots[(regeneration.pk, key)]

    def of_plugins(self, cycle: Cycle, plugins: set[str]) -> list[FigureSnapshot]:
        """Every published figure of ``cycle`` that one of ``plugins`` computed, in the order they were stored;
        read with the page's figure blocks where :meth:`want_plugins` asked for them before."""
        regeneration = self.by_cycle.get(cycle.pk)
        if regeneration is None or not plugins:
            return []
        if not set(plugins) <= self.read_plugins:
            found = FigureSnapshot.objects.filter(regeneration__in=list(self.by_cycle.values()), plugin__in=sorted(plugins))
            regenerations = {r.pk: r for r in self.by_cycle.values()}
            for snapshot in found.order_by().defer("data_csv"):
                snapshot.regeneration = regenerations[snapshot.regeneration_id]
                self.snapshots.setdefault((snapshot.regeneration_id, snapshot.key), snapshot)
            self.read_plugins |= set(plugins)
        return sorted(
            (
                s for (r, _), s in self.snapshots.items()
                if r == regeneration.pk and s is not None and s.plugin in plugins
            ),
            key=lambda s: s.pk,
        )


def for_request(request) -> PublishedFigures:
    """The published figures for this request, read once (a new reading without a request)."""
    if request is None:
        return PublishedFigures()
    state = getattr(request, "_mep_published_figures", None)
    if state is None:
        state = request._mep_published_figures = PublishedFigures()
    return state
