"""Chapter pages are rendered once and cached; publishing a page, a snippet, figures or a regeneration clears them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portal.figures import services
from portal.figures.blocks import FigureBlock
from portal.figures.models import Cycle
from portal.plan.models import ChapterPage
from portal.plan.page_cache import generation
from portal.plan.snippets import Endnote


@pytest.fixture
def cycle(db):
    return Cycle.objects.get(slug="2025-2026")


@pytest.fixture
def renders(monkeypatch):
    """How often a figure block was rendered (rather than read from the cache)."""
    calls = []
    original = FigureBlock.get_context

    def counting(self, value, parent_context=None):
        calls.append(value.get("key"))
        return original(self, value, parent_context=parent_context)

    monkeypatch.setattr(FigureBlock, "get_context", counting)
    return calls


def chapter(number="5.3"):
    return ChapterPage.objects.get(locale__language_code="de", number=number)


def summary_shown(client, key="finance.forecast"):
    response = client.get(chapter().url)
    assert response.status_code == 200
    doc = BeautifulSoup(response.content, "html.parser")
    return doc.select_one(f'figure[data-figure-key="{key}"] .figure-block__summary').get_text()


def test_second_view_of_a_chapter_comes_from_the_cache(client, published, renders):
    first = client.get(chapter().url).content
    assert renders, "die erste Ansicht rendert die Abbildungen"
    renders.clear()
    assert client.get(chapter().url).content == first
    assert renders == []


def test_new_figures_show_right_after_publishing(client, cycle, published, demo_2027_folder):
    before = summary_shown(client)
    assert before == published.snapshots.get(key="finance.forecast").summary
    newer = services.regenerate(services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True), publish_when_done=True)
    after = summary_shown(client)
    assert after == newer.snapshots.get(key="finance.forecast").summary != before


def test_regeneration_clears_the_cache(client, cycle, published, renders):
    client.get(chapter().url)
    renders.clear()
    stamp = generation()
    services.regenerate(published.dataset_version)  # not published: the page shows the same figures
    assert generation() != stamp
    client.get(chapter().url)
    assert "finance.forecast" in renders


def test_failed_regeneration_clears_the_cache_too(client, published, renders, break_a_plugin):
    client.get(chapter().url)
    stamp = generation()
    break_a_plugin()
    services.regenerate(published.dataset_version)
    assert generation() != stamp


def test_publishing_figures_clears_the_cache(client, cycle, published, demo_2027_folder):
    summary_shown(client)
    newer = services.regenerate(services.import_dataset(cycle, demo_2027_folder, accept_mismatch=True))
    stamp = generation()
    services.publish(newer)
    assert generation() != stamp
    assert summary_shown(client) == newer.snapshots.get(key="finance.forecast").summary


def test_published_page_change_shows_at_once(client, published):
    client.get(chapter().url)
    page = chapter()
    page.summary = "Eine neue Kurzfassung für Kapitel 5.3."
    page.save_revision().publish()
    response = client.get(chapter().url)
    assert "Eine neue Kurzfassung für Kapitel 5.3." in response.content.decode()


def test_edited_endnote_shows_at_once(client, db):
    page = next(c for c in ChapterPage.objects.filter(locale__language_code="de") if c.cited_endnotes())
    note = page.cited_endnotes()[0]
    client.get(page.url)
    note = Endnote.objects.get(locale__language_code="de", pk=note.pk)
    note.text = "<p>Geänderte Endnote.</p>"
    note.save()
    assert "Geänderte Endnote." in client.get(page.url).content.decode()


def test_draft_does_not_change_the_public_page(client, published):
    client.get(chapter().url)
    page = chapter()
    page.summary = "Nur ein Entwurf."
    page.save_revision()
    assert "Nur ein Entwurf." not in client.get(chapter().url).content.decode()


def test_switching_the_current_cycle_changes_the_cache_version_even_without_the_clear_signal(cycle):
    from portal.plan.page_cache import cache_version

    other = Cycle.objects.exclude(pk=cycle.pk).first()
    before = cache_version()
    # update() sends no signal: only the key itself can tell the cached fragments are stale
    Cycle.objects.filter(pk=cycle.pk).update(is_current=False)
    Cycle.objects.filter(pk=other.pk).update(is_current=True)
    assert cache_version() != before
