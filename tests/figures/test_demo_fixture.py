"""The shared `published` fixture publishes what a real regeneration would, without computing again."""

from __future__ import annotations

import pytest

from portal.figures import services
from portal.figures.models import Cycle, Regeneration
from tests.demo import publish_demo

STORED = [
    "key", "plugin", "title", "kind", "summary", "columns", "column_labels", "data", "data_csv", "svg",
    "engine_version", "plugin_version", "dataset_fingerprint",
]


def stored(regeneration):
    return [tuple(getattr(snapshot, name) for name in STORED) for snapshot in regeneration.snapshots.order_by("key")]


@pytest.fixture
def no_computing(monkeypatch, demo_cache):
    """The demo figures computed once (as the session does), and from then on the engine refuses to compute."""
    demo_cache.figures("2025"), demo_cache.figures("2027")

    def forbidden(*args, **kwargs):
        raise AssertionError("die Abbildungen werden einmal je Testlauf berechnet, nicht je Test")

    monkeypatch.setattr("portal.engine.compute.compute_figures", forbidden)  # services imports it from there on each use


@pytest.mark.parametrize("slug", ["2025-2026", "2027-2028"])
def test_published_demo_figures_equal_a_real_regeneration(db, demo_cache, slug):
    cycle = Cycle.objects.get(slug=slug)
    real = services.regenerate(services.import_dataset(cycle, demo_cache.folder(slug[:4])), publish_when_done=True)
    shared = publish_demo(demo_cache, slug)
    assert real.status == shared.status == Regeneration.SUCCEEDED
    assert stored(shared) == stored(real) and len(stored(shared)) >= 21
    assert shared.dataset_version == real.dataset_version  # the same data: the version already held
    assert cycle.published_regeneration() == shared and shared.published and shared.dataset_version.is_published


def test_published_fixture_does_not_compute_again(no_computing, published):
    assert published.status == Regeneration.SUCCEEDED and published.published
    assert published.snapshots.filter(key="finance.forecast").exists()
    assert Cycle.objects.get(slug="2025-2026").published_regeneration() == published
