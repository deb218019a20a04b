"""The living plan as Wagtail pages: home, plan, parts, chapters, partner offers, legal pages."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from . import navigation
from .blocks import ChapterStreamBlock, EasyLanguageStreamBlock, LinkListBlock, sentence_lines
from .editions import CouncilEdition, PdfFile  # noqa: F401  (the PDF files live in their own module)
from .goals import Goal, GoalStatusChange  # noqa: F401  (goals live in their own module)
from .snippets import (  # noqa: F401  (snippets live in their own module)
    Actor,
    ActorGroup,
    ContentField,
    CycleStep,
    Endnote,
    LinkEntry,
    Milestone,
    StrategicElement,
    StrategicLevel,
)

INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class HomePage(Page):
    """The portal's start page: what the living plan is and where to go next."""

    intro = RichTextField(_("Einleitung"), features=INTRO_FEATURES, blank=True)
    highlights = StreamField(
        [("links", LinkListBlock())], blank=True, use_json_field=True, verbose_name=_("Schnelleinstiege")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("highlights")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    subpage_types = ["plan.PlanPage", "plan.SummaryPage", "plan.PartnerOfferIndexPage", "plan.LegalPage", "plan.EasyLanguagePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Startseite")

    def route(self, request, path_components):
        # one query for the page instead of two per level (navigation.route checks what it finds)
        page = navigation.route(self, request, path_components) if path_components else None
        if page is None:
            result = super().route(request, path_components)
            result[0]._mep_structure = navigation.for_request(request)  # the tree this request shows
            return result
        return page.route(request, [])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["plan"] = self.plan()
        # the start page's own language (a pack without English shows its German start page under /en/),
        # read from the kept page tree: no query
        _structure, node = navigation.of_page(self)
        context["page_language"] = (node or self).locale.language_code
        return context

    def plan(self):
        """The live plan below this start page, or the German one for a language with only a few pages."""
        plan = _plan_below(self)
        if plan is None and self.locale.language_code != settings.LANGUAGE_CODE:
            german = next((p for p in self.get_translations() if p.locale.language_code == settings.LANGUAGE_CODE), None)
            plan = _plan_below(german) if german is not None else None
        return plan


def _plan_below(home):
    structure, node = navigation.of_page(home)
    if node is None:
        return PlanPage.objects.live().descendant_of(home).first()
    return next((p for p in structure.descendants(node) if p.live and isinstance(p, PlanPage)), None)


class PlanPage(Page):
    """The plan itself: title, cycle and the table of contents of its parts and chapters."""

    subtitle = models.CharField(_("Untertitel"), max_length=200, blank=True)
    cycle = models.CharField(_("Fortschreibungszyklus"), max_length=50, help_text=_("z. B. 2025–2026"))
    intro = RichTextField(_("Einleitung"), features=INTRO_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("subtitle"), FieldPanel("cycle"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["plan.HomePage"]
    subpage_types = ["plan.ChapterPage", "plan.PartPage"]

    class Meta:
        verbose_name = _("Plan")

    def get_context(self, request, *args, **kwargs):
        from . import pdf

        context = super().get_context(request, *args, **kwargs)
        context["plan_pdf"] = pdf.latest(self)  # its size, if built; the link works either way
        context["council_editions"] = list(self.council_editions.all())
        return context

    def table_of_contents(self):
        """Front matter and parts, each with its chapters and their sections, as a tree."""
        structure, node = navigation.of_page(self)
        if node is None:
            return [{"page": c, "children": _chapter_tree(c)} for c in self.get_children().live().specific()]
        return [
            {"page": child, "children": _node_tree(structure, child)}
            for child in structure.children(node)
            if child.live
        ]


class PartPage(Page):
    """A part of the plan (I Retrospektive, II Status Quo, III Prospektive)."""

    number = models.CharField(_("Teil"), max_length=10, help_text=_("römisch, z. B. II"))
    intro = RichTextField(_("Einleitung"), features=INTRO_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["plan.PlanPage"]
    subpage_types = ["plan.ChapterPage"]

    class Meta:
        verbose_name = _("Teil des Plans")

    @property
    def label(self) -> str:
        return f"Teil {self.number}: {self.title}"

    def chapters(self):
        return _chapter_tree(self)


#: the chapter (Finanz- und Investitionsplanung) that links to the published scenarios
SCENARIO_CHAPTER = "5.3"


class ChapterPage(Page):
    """A chapter or section of the plan, numbered like the document (1, 2, … 5.1 … 6.4)."""

    number = models.CharField(_("Nummer"), max_length=10, blank=True, help_text=_("z. B. 5.3; leer für Vorwort und Präambel"))
    summary = models.TextField(_("Kurzfassung"), blank=True, help_text=_("Ein Satz für Inhaltsverzeichnis und Suche."))
    body = StreamField(ChapterStreamBlock(), blank=True, use_json_field=True, verbose_name=_("Inhalt"))

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("number"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["plan.PlanPage", "plan.PartPage", "plan.ChapterPage"]
    subpage_types = ["plan.ChapterPage"]

    class Meta:
        verbose_name = _("Kapitel")

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def sections(self):
        return _chapter_tree(self)

    @cached_property
    def plan(self):
        structure, node = navigation.of_page(self)
        if node is None:
            return PlanPage.objects.ancestor_of(self).live().first()
        return next((p for p in structure.ancestors(node) if p.live and isinstance(p, PlanPage)), None)

    def reading_order(self):
        """All chapters of the plan in reading order (front matter, parts, sections)."""
        if not self.plan:
            return []
        structure, plan = navigation.of_page(self.plan)
        if plan is None:
            return list(ChapterPage.objects.live().descendant_of(self.plan).order_by("path"))
        return [p for p in structure.descendants(plan) if p.live and isinstance(p, ChapterPage)]

    def previous_next(self):
        pages = self.reading_order()
        ids = [p.pk for p in pages]
        if self.pk not in ids:
            return None, None
        i = ids.index(self.pk)
        previous = pages[i - 1] if i > 0 else None
        following = pages[i + 1] if i + 1 < len(pages) else None
        return previous, following

    def cited_endnotes(self):
        """The endnotes this chapter references, in number order, for the notes section."""
        notes = {}
        for block in self.body:
            if block.block_type == "noted_paragraph":
                for note in block.value["endnotes"]:
                    if note is not None:
                        notes[note.number] = note
        return [notes[n] for n in sorted(notes)]

    def get_context(self, request, *args, **kwargs):
        from .more_figures import more_figures, prepare
        from .page_cache import cache_version

        context = super().get_context(request, *args, **kwargs)
        context["previous_chapter"], context["next_chapter"] = self.previous_next()
        context["cited_endnotes"] = self.cited_endnotes  # called by the template only on a cache miss
        context["page_cache_version"] = cache_version(request)
        # called by the template only on a cache miss: the field's published figures its text does not show,
        # read with the page's figure blocks (prepare: no query now)
        prepare(self, request)
        context["more_figures"] = lambda: more_figures(self, request)
        if self.number == SCENARIO_CHAPTER:
            from portal.figures.models import published_scenarios

            # called by the template only on a cache miss; publishing a scenario renews the cache
            context["published_scenarios"] = lambda: list(published_scenarios())
        return context


def _chapter_tree(page):
    structure, node = navigation.of_page(page)
    if node is not None:
        return _node_tree(structure, node)
    children = ChapterPage.objects.live().child_of(page).order_by("path")
    return [{"page": c, "children": _chapter_tree(c)} for c in children]


def _node_tree(structure, node):
    """The live chapters below ``node``, as a tree, from the page tree read once."""
    return [
        {"page": child, "children": _node_tree(structure, child)}
        for child in structure.children(node)
        if child.live and isinstance(child, ChapterPage)
    ]


class PartnerOfferIndexPage(Page):
    """Lists the partner offers for schools (Medienstudio, zdi-Schülerlabore, Medienscouts, …)."""

    intro = RichTextField(_("Einleitung"), features=INTRO_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["plan.HomePage"]
    subpage_types = ["plan.PartnerOfferPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Übersicht Partnerangebote")

    def offers(self):
        return PartnerOfferPage.objects.live().child_of(self).order_by("path")


class PartnerOfferPage(Page):
    """An offer of a partner for schools: format, target groups, address, link."""

    provider = models.CharField(_("Anbieter"), max_length=200, blank=True)
    format = models.CharField(_("Format"), max_length=200)
    target_groups = models.CharField(_("Zielgruppen"), max_length=300, help_text=_("durch Kommas getrennt"))
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    website = models.URLField(_("Webseite"), max_length=500, blank=True)
    summary = models.TextField(_("Kurzbeschreibung"), blank=True)
    body = RichTextField(_("Beschreibung"), features=INTRO_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("provider"),
        FieldPanel("format"),
        FieldPanel("target_groups"),
        FieldPanel("address"),
        FieldPanel("website"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("provider"),
        index.SearchField("format"),
        index.SearchField("target_groups"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["plan.PartnerOfferIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Partnerangebot")

    def target_group_list(self) -> list[str]:
        return [g.strip() for g in self.target_groups.split(",") if g.strip()]


class SummaryPage(Page):
    """"Der Plan in Kürze": the plan on one page, also in the languages that have only a few pages."""

    intro = models.TextField(_("Einleitung"), blank=True)
    body = RichTextField(_("Inhalt"), features=["h2", "h3", "bold", "italic", "link", "ul", "ol"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["plan.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Der Plan in Kürze")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_parent().specific
        context["plan"] = home.plan() if isinstance(home, HomePage) else None
        return context


class LegalPage(Page):
    """Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit."""

    body = RichTextField(_("Inhalt"), features=["h2", "h3", "bold", "italic", "link", "ul", "ol"])
    last_reviewed = models.DateField(_("Stand"), null=True, blank=True)

    content_panels = Page.content_panels + [FieldPanel("body"), FieldPanel("last_reviewed")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["plan.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Rechtliche Seite")


class LoadedContentPack(models.Model):
    """Which Schulträger's content pack this database holds (its ``site.yaml`` name): one per database.

    ``load_content`` writes it on its first run and refuses a pack of another
    name afterwards, so two cities' pages never mix in one portal.
    """

    name = models.CharField(_("Name"), max_length=200)
    path = models.CharField(_("Ordner"), max_length=1000, blank=True)
    loaded_at = models.DateTimeField(_("zuletzt geladen"), auto_now=True)

    class Meta:
        verbose_name = _("geladenes Inhaltspaket")

    def __str__(self) -> str:
        return self.name


class ContentPackState(models.Model):
    """What the content pack last wrote into one page or snippet, field by field (a digest per field).

    ``load_content --update`` compares an object's fields with these digests: a field that still
    holds what the pack wrote gets the pack's new text; a field an editor has changed since is kept.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    digests = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_pack_state")]
        verbose_name = _("Stand aus dem Inhaltspaket")
class EasyLanguagePage(Page):
    """The portal explained in Leichte Sprache (BITV 2.0): German only, linked from every page's header.

    Its blocks keep to the rules of the Netzwerk Leichte Sprache: one short
    sentence per line, lists, and hard words explained in a box. The layout is
    larger, with more space between lines, and left aligned.
    """

    intro = models.TextField(_("Einleitung (ein Satz pro Zeile)"), blank=True)
    body = StreamField(EasyLanguageStreamBlock(), blank=True, use_json_field=True, verbose_name=_("Inhalt"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["plan.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Seite in Leichter Sprache")

    def intro_lines(self) -> list[str]:
        return sentence_lines(self.intro)
