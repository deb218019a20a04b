"""The published figures as one page view needs them: read once per request, not once per figure block.

A chapter with four figures used to ask five times which cycle is current,
which regeneration is published and for each figure its snapshot. Here the
published regenerations (with their data set versions and cycles) are read
with one query, and the snapshots of every figure on the page with one more.
"""

from __future__ import annotations

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
            # data_csv is for downloads only; a page never shows it
            found = (
                FigureSnapshot.objects.filter(regeneration__in=list(regenerations), key__in=keys)
                .order_by()
                .defer("data_csv")
            )
            for snapshot in found:
                snapshot.regeneration = regenerations[snapshot.regeneration_id]  # spare the template a query
                self.snapshots[(snapshot.regeneration_id, snapshot.key)] = snapshot
        return self.snapshots[(regeneration.pk, key)]

    def of_plugins(self, cycle: Cycle, plugins: set[str]) -> list[FigureSnapshot]:
        """Every published figure of ``cycle`` that one of ``plugins`` computed, in the order they were stored;
        kept like :meth:`snapshot`'s, so their figure blocks read nothing more."""
        regeneration = self.by_cycle.get(cycle.pk)
        if regeneration is None or not plugins:
            return []
        found = list(
            FigureSnapshot.objects.filter(regeneration=regeneration, plugin__in=sorted(plugins)).order_by("pk").defer("data_csv")
        )
        for snapshot in found:
            snapshot.regeneration = regeneration
            self.snapshots.setdefault((regeneration.pk, snapshot.key), snapshot)
        return found


def for_request(request) -> PublishedFigures:
    """The published figures for this request, read once (a new reading without a request)."""
    if request is None:
        return PublishedFigures()
    state = getattr(request, "_mep_published_figures", None)
    if state is None:
        state = request._mep_published_figures = PublishedFigures()
    return state
