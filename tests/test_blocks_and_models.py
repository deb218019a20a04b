"""Blocks and page rules an editor relies on."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Locale, TranslatableMixin

from portal.plan import snippets
from portal.plan.blocks import AccessibleImageBlock, FigureBlock, GoalListBlock, QuoteBlock
from portal.plan.models import ChapterPage, HomePage, PlanPage


@pytest.mark.django_db
def test_goal_list_renders_each_goal_with_its_published_status():
    from portal.plan.goals import Goal

    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    goal = Goal.objects.get(chapter=chapter, position=2)
    goal.status = "achieved"
    goal.save_revision().publish()
    block = next(b for b in chapter.body if b.block_type == "goals")
    assert isinstance(block.block, GoalListBlock)
    html = block.block.render(block.value, context={"page": chapter})
    assert block.value["title"] in html
    assert html.count('<li class="goal') == 3
    assert "erreicht" in html and html.count("goal--achieved") == 1 and html.count("goal--open") == 2
    english = ChapterPage.objects.get(locale__language_code="en", number="5.3")
    block = next(b for b in english.body if b.block_type == "goals")
    assert block.block.render(block.value, context={"page": english}).count("goal--achieved") == 1


def test_image_without_alternative_text_is_refused():
    block = AccessibleImageBlock()
    with pytest.raises((ValidationError, StructBlockValidationError)):
        block.clean(block.to_python({"image": None, "alt": "", "caption": ""}))


def test_quote_needs_its_source():
    block = QuoteBlock()
    with pytest.raises((ValidationError, StructBlockValidationError)):
        block.clean(block.to_python({"text": "Ein Satz.", "source": ""}))


@pytest.mark.django_db  # the block reads the cycle's published figures
def test_figure_block_names_its_key_until_the_engine_fills_it():
    block = FigureBlock()
    html = block.render(block.to_python({"key": "finance.forecast", "title": "Abb. 5", "caption": ""}))
    assert 'data-figure-key="finance.forecast"' in html and "Abb. 5" in html


def test_every_snippet_is_translatable():
    models = [
        snippets.Milestone, snippets.ActorGroup, snippets.Actor, snippets.CycleStep, snippets.ContentField,
        snippets.StrategicLevel, snippets.StrategicElement, snippets.LinkEntry, snippets.Endnote,
    ]
    assert all(issubclass(m, TranslatableMixin) for m in models)


@pytest.mark.django_db
def test_german_is_default_and_english_present():
    assert Locale.get_default().language_code == "de"
    assert Locale.objects.filter(language_code="en").exists()


@pytest.mark.django_db
def test_chapters_only_live_inside_the_plan():
    assert ChapterPage.can_create_at(PlanPage.objects.get(locale__language_code="de"))
    assert not ChapterPage.can_create_at(HomePage.objects.get(locale__language_code="de"))


@pytest.mark.django_db
def test_endnotes_of_a_chapter_come_in_number_order():
    cited = [c.cited_endnotes() for c in ChapterPage.objects.filter(locale__language_code="de")]
    assert any(cited)
    for notes in cited:
        numbers = [n.number for n in notes]
        assert numbers == sorted(set(numbers))


def test_every_rich_text_block_shares_one_feature_list():
    """The plan's text blocks and the figure caption offer the same features, defined once."""
    from portal.figures import blocks as figure_blocks
    from portal.plan import blocks as plan_blocks

    assert plan_blocks.RICH_FEATURES is figure_blocks.RICH_FEATURES
    caption = figure_blocks.FigureBlock().child_blocks["caption"]
    assert caption.features is figure_blocks.RICH_FEATURES
