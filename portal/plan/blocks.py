"""StreamField blocks an editor uses to write the plan's chapters."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from portal.figures.blocks import (
    RICH_FEATURES,  # one list for every rich-text block, the figure caption too
    FigureBlock,  # the figures app renders published figures
)


class HeadingBlock(blocks.StructBlock):
    """A heading inside a chapter; the chapter title is the page's h1."""

    text = blocks.CharBlock(label=_("Überschrift"))
    level = blocks.ChoiceBlock(
        choices=[("h2", "Ebene 2"), ("h3", "Ebene 3"), ("h4", "Ebene 4")],
        default="h2",
        label=_("Ebene"),
    )

    class Meta:
        icon = "title"
        label = _("Überschrift")
        template = "plan/blocks/heading.html"


class GoalBlock(blocks.StructBlock):
    """One goal the plan sets; where it stands is reported in its own snippet (portal/plan/goals.py)."""

    text = blocks.TextBlock(label=_("Ziel"))

    class Meta:
        icon = "tick"
        label = _("Ziel")


class GoalListBlock(blocks.StructBlock):
    """A "Gesetzte Ziele" list of a field of action, each goal with its published status."""

    title = blocks.CharBlock(default="Gesetzte Ziele", label=_("Titel"))
    goals = blocks.ListBlock(GoalBlock(), label=_("Ziele"))

    def get_context(self, value, parent_context=None):
        from .goals import tracked_goals

        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        tracked = tracked_goals(page, value) if page is not None else {}
        context["goal_rows"] = [(goal, tracked.get(index)) for index, goal in enumerate(value["goals"])]
        return context

    class Meta:
        icon = "list-ul"
        label = _("Gesetzte Ziele")
        template = "plan/blocks/goal_list.html"


class LocalizedPageChooserBlock(blocks.PageChooserBlock):
    """A page chooser whose translations keep the chosen (German) page; templates show ``page.localized``.

    wagtail-localize would otherwise refuse to translate a link into a language that lacks the
    linked page (Turkish, Ukrainian and Arabic have only a few pages): such a link now leads to the
    German page, and to the reader's language wherever the page exists there.
    """

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Linktext"))
    url = blocks.URLBlock(required=False, label=_("Externe Adresse"))
    page = LocalizedPageChooserBlock(required=False, label=_("Seite im Portal"))
    description = blocks.CharBlock(required=False, label=_("Beschreibung"))

    class Meta:
        icon = "link"
        label = _("Link")


class LinkListBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Titel"))
    links = blocks.ListBlock(LinkBlock(), label=_("Links"))

    class Meta:
        icon = "link"
        label = _("Linkliste")
        template = "plan/blocks/link_list.html"


class InfoBoxBlock(blocks.StructBlock):
    """The "Aktuelle Informationen" box that links out to the current state of a topic."""

    text = blocks.TextBlock(
        default="Aktuelle und detaillierte Informationen zu diesem Thema finden Sie hier.",
        label=_("Text"),
    )
    url = blocks.URLBlock(label=_("Adresse"))
    label = blocks.CharBlock(required=False, label=_("Linktext"))

    class Meta:
        icon = "info-circle"
        label = _("Aktuelle Informationen")
        template = "plan/blocks/info_box.html"


class AccessibleImageBlock(blocks.StructBlock):
    """An image with a required alternative text and an optional caption."""

    image = ImageChooserBlock(label=_("Bild"))
    alt = blocks.CharBlock(
        label=_("Alternativtext"),
        help_text=_("Beschreibt, was das Bild zeigt, für Menschen, die es nicht sehen."),
    )
    caption = blocks.CharBlock(required=False, label=_("Bildunterschrift"))

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "plan/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Zitat"))
    source = blocks.CharBlock(label=_("Quelle"))

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "plan/blocks/quote.html"


class PlanValueBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Bezeichnung"))
    value = blocks.CharBlock(label=_("Wert"))


class PlanValuesBlock(blocks.StructBlock):
    """Numbers as the plan's edition published them, beside a figure computed from the current data.

    They are text, not data: they stay what the council read, however the data change.
    """

    caption = blocks.CharBlock(label=_("Tabellentitel"), help_text=_("z. B. „Anteile laut Fortschreibung 2025–2026“"))
    label_heading = blocks.CharBlock(label=_("Spaltenkopf Bezeichnung"))
    value_heading = blocks.CharBlock(label=_("Spaltenkopf Wert"))
    rows = blocks.ListBlock(PlanValueBlock(), label=_("Zeilen"))

    class Meta:
        icon = "table"
        label = _("Werte laut Plan")
        template = "plan/blocks/plan_values.html"


class NotedParagraphBlock(blocks.StructBlock):
    """A paragraph whose end carries references to the plan's endnotes."""

    text = blocks.RichTextBlock(features=RICH_FEATURES, label=_("Text"))
    endnotes = blocks.ListBlock(
        SnippetChooserBlock("plan.Endnote"), label=_("Endnoten"), default=[]
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        refs = render_to_string(
            "plan/blocks/noterefs.html", {"endnotes": [n for n in value["endnotes"] if n is not None]}
        ).strip()
        html = str(value["text"].__html__())
        # The references belong at the end of the paragraph's last sentence, not on a line of their own.
        head, sep, tail = html.rpartition("</p>")
        context["text_with_refs"] = mark_safe(f"{head}{refs}{sep}{tail}" if sep else f"{html}{refs}")
        return context

    class Meta:
        icon = "pilcrow"
        label = _("Absatz mit Endnoten")
        template = "plan/blocks/noted_paragraph.html"


COLLECTIONS = [
    ("milestones", "Meilensteine (Zeitleiste)"),
    ("actors", "Akteurslandkarte"),
    ("cycle", "Fortschreibungszyklus"),
    ("content_fields", "Inhaltsfelder"),
    ("strategic_paths", "Strategische Pfade"),
    ("links", "Übersicht Verlinkungen"),
    ("endnotes", "Endnoten"),
    ("partner_offers", "Partnerangebote"),
]


class CollectionBlock(blocks.StructBlock):
    """Shows one of the plan's structured collections (snippets) in place."""

    collection = blocks.ChoiceBlock(choices=COLLECTIONS, label=_("Sammlung"))

    def get_context(self, value, parent_context=None):
        from . import collections

        context = super().get_context(value, parent_context=parent_context)
        context["items"] = collections.items(value["collection"])
        context["collection_template"] = f"plan/collections/{value['collection']}.html"
        return context

    class Meta:
        icon = "snippet"
        label = _("Strukturierter Inhalt")
        template = "plan/blocks/collection.html"


class ChapterStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_FEATURES, icon="pilcrow", label=_("Absatz"))
    noted_paragraph = NotedParagraphBlock()
    goals = GoalListBlock()
    links = LinkListBlock()
    info = InfoBoxBlock()
    image = AccessibleImageBlock()
    quote = QuoteBlock()
    figure = FigureBlock()
    plan_values = PlanValuesBlock()
    collection = CollectionBlock()


# --- Leichte Sprache ---------------------------------------------------------


def sentence_lines(text: str) -> list[str]:
    """The non-empty lines of a text: in Leichte Sprache each sentence starts on a new line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EasySentencesBlock(blocks.TextBlock):
    """Short sentences, one per line: each line becomes its own paragraph (a rule of Leichte Sprache)."""

    class Meta:
        icon = "pilcrow"
        label = _("Sätze (ein Satz pro Zeile)")
        template = "plan/blocks/easy_sentences.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["lines"] = sentence_lines(value)
        return context


class ExplainedWordBlock(blocks.StructBlock):
    """A hard word and what it means, shown in a box beside the text ("Das Wort … bedeutet:")."""

    word = blocks.CharBlock(label=_("Schweres Wort"))
    explanation = blocks.TextBlock(label=_("Erklärung (ein Satz pro Zeile)"))

    class Meta:
        icon = "help"
        label = _("Wort-Erklärung")
        template = "plan/blocks/explained_word.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["lines"] = sentence_lines(value["explanation"])
        return context


class EasyListBlock(blocks.ListBlock):
    """A list with one short point per item."""

    def __init__(self, **kwargs):
        super().__init__(blocks.CharBlock(label=_("Punkt")), **kwargs)

    class Meta:
        icon = "list-ul"
        label = _("Liste")
        template = "plan/blocks/easy_list.html"


class EasyLinkBlock(blocks.StructBlock):
    """A link on its own line, its text saying where it leads ("Hier finden Sie alle Workshops.")."""

    text = blocks.CharBlock(label=_("Link-Text"))
    url = blocks.CharBlock(label=_("Adresse"), help_text=_("z. B. /workshops/ oder https://www.example.org/…"))

    class Meta:
        icon = "link"
        label = _("Link")
        template = "plan/blocks/easy_link.html"


class EasyLanguageStreamBlock(blocks.StreamBlock):
    """What a page in Leichte Sprache is made of: headings, short sentences, lists and explained words."""

    heading = blocks.CharBlock(icon="title", label=_("Überschrift"), template="plan/blocks/easy_heading.html")
    sentences = EasySentencesBlock()
    list = EasyListBlock()
    word = ExplainedWordBlock()
    link = EasyLinkBlock()
