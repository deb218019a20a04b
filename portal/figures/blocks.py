"""The figure block: a published figure of a cycle, rendered from its snapshot."""

from __future__ import annotations

import math
import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from portal.engine.i18n import SOURCE_LANGUAGE, engine_translator, normalize_language

from . import published
from .catalog import _keys_in, cycle_choices, figure_choices, figure_fields, installed_plugins
from .svg import inline_svg

#: the rich-text features of every text block (the plan's blocks import this list)
RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class StoredChoiceBlock(blocks.ChoiceBlock):
    """A choice read as stored: a page view never builds the editor's list (the form still checks it)."""

    def to_python(self, value):
        return value

    def normalize(self, value):
        return value


class FigureBlock(blocks.StructBlock):
    """A table or chart computed from a cycle's published planning data.

    A page view only reads the published snapshot; it never runs the engine.
    Until a figure is published, or when its plugin is not installed, the
    block says so instead of breaking the page.
    """

    key = StoredChoiceBlock(choices=figure_choices, label=_("Abbildung"))
    title = blocks.CharBlock(label=_("Titel"))
    caption = blocks.RichTextBlock(features=RICH_FEATURES, required=False, label=_("Erläuterung"))
    caption_synthetic = blocks.RichTextBlock(
        features=RICH_FEATURES,
        required=False,
        label=_("Erläuterung, solange Beispieldaten gezeigt werden"),
        help_text=_(
            "Sagt, was die Abbildung zeigen wird, sobald echte Daten vorliegen. Leer: die Erläuterung oben gilt auch "
            "für Beispieldaten."
        ),
    )
    cycle = StoredChoiceBlock(
        choices=cycle_choices,
        required=False,
        label=_("Zyklus"),
        help_text=_("leer: der aktuelle Zyklus"),
    )

    class Meta:
        icon = "table"
        label = _("Abbildung aus Planungsdaten")
        template = "figures/blocks/figure.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        key = value.get("key") or ""
        request = parent_context.get("request") if parent_context is not None else None
        figures = published.for_request(request)
        cycle = figures.cycle(value.get("cycle"))
        plugin = key.split(".", 1)[0]
        ident = _unique_ident("abb-" + re.sub(r"[^a-z0-9]+", "-", key), parent_context)
        context.update(cycle=cycle, plugin=plugin, snapshot=None, ident=ident)
        if plugin not in installed_plugins():
            context["missing_plugin"] = True
            return context
        snapshot = figures.snapshot(cycle, key, also=_keys_on_page(parent_context)) if cycle else None
        if snapshot is not None:
            language = page_language(parent_context)
            snapshot = snapshot.in_language(language)
            context.update(
                snapshot=snapshot,
                regeneration=snapshot.regeneration,
                svg=inline_svg(snapshot.svg, ident) if snapshot.svg else "",
                rows=table_rows(snapshot, snapshot.language),
                # the figure's words are German on a page whose language the figure lacks: say so (WCAG 3.1.2)
                figure_lang=snapshot.language if snapshot.language != language else "",
                provenance=_reader_provenance(snapshot, language),
            )
        return context


def _reader_provenance(snapshot, language: str) -> dict:
    from .provenance import reader_provenance  # here: provenance reads this module's cell formats

    return reader_provenance(snapshot, language)


def _keys_on_page(parent_context) -> set[str]:
    """Every figure key in the page's stream fields, so that one query reads all their snapshots."""
    page = parent_context.get("page") if parent_context is not None else None
    fields = figure_fields().get(type(page), ()) if page is not None else ()
    return set().union(*(_keys_in(getattr(page, name, None), blocks) for name, blocks in fields)) - {""}


#: locale id -> language code, read once per process: a locale's code does not change (a new one gets a new id)
_LOCALE_CODES: dict[int, str] = {}


def locale_code(locale_id: int) -> str | None:
    code = _LOCALE_CODES.get(locale_id)
    if code is None:
        from wagtail.models import Locale

        _LOCALE_CODES.update(Locale.objects.values_list("pk", "language_code"))
        code = _LOCALE_CODES.get(locale_id)
    return code


def page_language(parent_context=None) -> str:
    """The language of the page being rendered: its locale's (the locales are read once per process),
    else the request's active language; German when neither is a language the figures speak."""
    page = parent_context.get("page") if parent_context is not None else None
    locale_id = getattr(page, "locale_id", None)
    if locale_id:
        if "locale" in page._state.fields_cache:  # already read with the page
            return normalize_language(page.locale.language_code)
        code = locale_code(locale_id)
        if code:
            return normalize_language(code)
    return normalize_language(translation.get_language())


def _unique_ident(ident: str, parent_context) -> str:
    """``ident``, or ``ident-2``, ``ident-3`` … when the same figure appears again on the page."""
    request = parent_context.get("request") if parent_context is not None else None
    if request is None:
        return ident
    seen = request.__dict__.setdefault("_figure_idents", {})  # one page view, one set of ids
    count = seen[ident] = seen.get(ident, 0) + 1
    return ident if count == 1 else f"{ident}-{count}"


class Cell(str):
    """A table cell's text; ``lang`` names its language where it differs from the table's (else "")."""

    lang = ""

    @classmethod
    def of(cls, text: str, lang: str = "") -> Cell:
        cell = cls(text)
        cell.lang = lang
        return cell


_LETTER = re.compile(r"[^\W\d_]")
#: the contract's keys and codes (``ipad_pupils``, ``S001``): in no language, never marked
_CODE = re.compile(r"[a-z0-9_]+|[A-Z0-9_-]+")


def text_cell(value, labels: dict[str, str], language: str) -> Cell:
    """A text value in ``language`` where the snapshot's catalogue words know it (a school type, a
    category); otherwise as the data has it, German, and marked so on a page in another language
    (a school's name, a planner's label: WCAG 3.1.2). Keys and codes stay unmarked."""
    if value in labels:
        return Cell.of(labels[value])
    german = language != SOURCE_LANGUAGE and _LETTER.search(value) and not _CODE.fullmatch(value)
    return Cell.of(str(value), SOURCE_LANGUAGE if german else "")


def table_rows(snapshot, language: str = SOURCE_LANGUAGE) -> list[list[Cell]]:
    """The snapshot's data as table cells for ``language``, one list per row: numbers in its format,
    text values translated where the figure's translation knows them (``snapshot.value_labels``)."""
    tr = engine_translator(language)
    labels = getattr(snapshot, "value_labels", {}) if getattr(snapshot, "language", language) == language else {}
    return [
        [
            text_cell(value, labels, language) if isinstance(value, str) else Cell.of(format_cell(column, value, tr))
            for column in snapshot.columns
            for value in (row.get(column),)
        ]
        for row in snapshot.data
    ]


def is_year_column(column: str) -> bool:
    """``year``, ``first_year``: years are written without a thousands separator."""
    return column == "year" or column.endswith("_year")


def format_cell(column: str, value, tr=None) -> str:
    """A value as a reader of ``tr``'s language expects it (German without it): ``1.234,56`` / ``1,234.56``,
    ``2027``, ``ja`` / ``yes``; a missing value is ``–``."""
    tr = tr or engine_translator(SOURCE_LANGUAGE)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return tr.yes_no(value)
    if isinstance(value, int | float) and is_year_column(column) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, int):
        return tr.number(value, 0)
    if isinstance(value, float):
        return tr.number(value, 0 if value.is_integer() else 2)
    return str(value)
