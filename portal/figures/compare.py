"""One figure of two cycles, row by row: what changed between them. Reads snapshots only.

:func:`compare_cycles` compares what both cycles cover (the common years,
via :mod:`portal.engine.cycle_comparison`), lists the rest apart, sums over
the common years only, draws both cycles on one axis and says in one
sentence what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.engine.cycle_comparison import YEAR, YearSplit, additive, chart_column, in_years, span, split_years, totals
from portal.engine.i18n import SOURCE_LANGUAGE, engine_translator

from .blocks import Cell, format_cell, is_year_column, text_cell
from .catalog import headline_column
from .models import FigureSnapshot


@dataclass
class Difference:
    """One number of one row in both cycles."""

    row: list[str]  # the row's identifying cells, e.g. ["2027"] or ["Grundschule"]
    column: str  # header of the number, in the snapshot's language
    a: str
    b: str
    difference: str
    change: str  # per cent, or "–" when A is zero
    changed: bool = False  # the two numbers differ (as written)


def numeric_columns(snapshot: FigureSnapshot) -> list[str]:
    """Columns holding numbers (not years, not flags) in every row that has a value."""
    columns = []
    for column in snapshot.columns:
        values = [row.get(column) for row in snapshot.data if row.get(column) is not None]
        if values and not is_year_column(column) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            columns.append(column)
    return columns


def identifying_columns(snapshot: FigureSnapshot) -> list[str]:
    """The columns that say which row is which: years, names, keys."""
    numbers = set(numeric_columns(snapshot))
    return [column for column in snapshot.columns if column not in numbers]


def _row_key(snapshot: FigureSnapshot, row: dict, columns: list[str]) -> tuple:
    return tuple(row.get(column) for column in columns)


def _pairs(a: FigureSnapshot, b: FigureSnapshot) -> tuple[list[str], list[str], list[tuple[dict, dict]], list[dict], list[dict]]:
    """(identifying columns, numbers, matched row pairs, rows only ``a`` has, rows only ``b`` has)."""
    ident = [column for column in identifying_columns(a) if column in identifying_columns(b)]
    numbers = [column for column in numeric_columns(a) if column in numeric_columns(b)]
    if len(a.data) == 1 and len(b.data) == 1:
        ident = [column for column in ident if a.data[0].get(column) == b.data[0].get(column)]
        return ident, numbers, [(a.data[0], b.data[0])], [], []
    rows_a = {_row_key(a, row, ident): row for row in a.data}
    rows_b = {_row_key(b, row, ident): row for row in b.data}
    pairs = [(row, rows_b[key]) for row in a.data if (key := _row_key(a, row, ident)) in rows_b]
    only_a = [row for row in a.data if _row_key(a, row, ident) not in rows_b]
    only_b = [row for row in b.data if _row_key(b, row, ident) not in rows_a]
    return ident, numbers, pairs, only_a, only_b


def _cells(a: FigureSnapshot, row: dict, ident: list[str], language: str, tr) -> list:
    words = a.value_labels if a.language == language else {}
    return [
        text_cell(value, words, language) if isinstance(value, str) else format_cell(column, value, tr)
        for column in ident
        for value in (row.get(column),)
    ]


def _difference(cells, label, column, value_a, value_b, tr) -> Difference:
    return Difference(
        row=cells,
        column=label,
        a=format_cell(column, value_a, tr),
        b=format_cell(column, value_b, tr),
        difference=_signed_difference(value_a, value_b, tr),
        change=relative_change(value_a, value_b, tr),
        changed=value_a != value_b and _signed_difference(value_a, value_b, tr) != "±0",
    )


def compare(a: FigureSnapshot, b: FigureSnapshot, language: str = SOURCE_LANGUAGE) -> tuple[list[str], list[Difference]]:
    """Headers of the identifying columns and one :class:`Difference` per shared row and number.

    Rows are matched by their identifying columns; a figure of one row each
    (a key figure) is compared as it stands, even if its years moved on.
    Numbers are written for ``language``; headers are ``a``'s (see ``FigureSnapshot.in_language``).
    """
    tr = engine_translator(language)
    ident, numbers, pairs, _only_a, _only_b = _pairs(a, b)
    labels = dict(zip(a.columns, a.headers, strict=True))
    differences = []
    for row_a, row_b in pairs:
        cells = _cells(a, row_a, ident, language, tr)
        for column in numbers:
            differences.append(_difference(cells, labels[column], column, row_a.get(column), row_b.get(column), tr))
    return [labels[column] for column in ident], differences


@dataclass
class Bar:
    """One row of the comparison chart: both cycles' bars on one axis (lengths in SVG units)."""

    label: str
    a: str
    b: str
    width_a: float
    width_b: float
    y: float

    @property
    def y_b(self) -> float:
        return self.y + CHART_BAR + 2

    @property
    def label_y(self) -> float:
        return self.y + CHART_BAR + 5

    @property
    def text_a(self) -> tuple[float, float]:
        """Where the value of A is written: after its bar."""
        return CHART_LABELS + self.width_a + 5, self.y + CHART_BAR - 3

    @property
    def text_b(self) -> tuple[float, float]:
        return CHART_LABELS + self.width_b + 5, self.y_b + CHART_BAR - 3


@dataclass
class CycleComparison:
    """Everything the comparison page says about one figure of two cycles."""

    headers: list[str]
    differences: list[Difference]
    only_a: list[Difference] = field(default_factory=list)  # rows (years) only cycle A covers; ``b`` is "–"
    only_b: list[Difference] = field(default_factory=list)
    totals: list[Difference] = field(default_factory=list)  # sums over the years both cover
    years: YearSplit | None = None
    sentence: str = ""
    ranges: str = ""  # said when the cycles cover different years or periods
    chart_label: str = ""
    bars: list[Bar] = field(default_factory=list)

    @property
    def changed(self) -> list[Difference]:
        return [d for d in self.differences if d.changed]

    @property
    def chart_height(self) -> float:
        return CHART_TOP + len(self.bars) * CHART_ROW + 8

    @property
    def common_span(self) -> str:
        return span(self.years.common) if self.years else ""

    @property
    def only_a_span(self) -> str:
        return span(self.years.only_a) if self.years else ""

    @property
    def only_b_span(self) -> str:
        return span(self.years.only_b) if self.years else ""


#: the comparison chart's geometry (SVG units): labels, then the bars of both cycles on one axis
CHART_LABELS, CHART_BARS, CHART_TOP, CHART_ROW, CHART_BAR = 170, 330, 34, 40, 15
CHART_WIDTH = CHART_LABELS + CHART_BARS + 140
#: at most this many rows are drawn; the table has them all
CHART_ROWS = 25


def compare_cycles(
    a: FigureSnapshot, b: FigureSnapshot, name_a: str, name_b: str, language: str = SOURCE_LANGUAGE
) -> CycleComparison:
    """One figure of two cycles compared on what both cover: the years both forecast, apart from the rest.

    A figure with a year column is compared on the common years; the years
    only one cycle covers are listed apart, and money and counts are summed
    over the common years only. A one-row key figure over different periods
    (``first_year``/``last_year``) says so. One sentence says what changed.
    """
    tr = engine_translator(language)
    ident, numbers, pairs, only_a, only_b = _pairs(a, b)
    labels = dict(zip(a.columns, a.headers, strict=True))
    labels_b = dict(zip(b.columns, b.headers, strict=True))
    result = CycleComparison(headers=[labels[column] for column in ident], differences=[])
    for row_a, row_b in pairs:
        cells = _cells(a, row_a, ident, language, tr)
        for column in numbers:
            result.differences.append(_difference(cells, labels[column], column, row_a.get(column), row_b.get(column), tr))
    for rows, snapshot, names, target in ((only_a, a, labels, result.only_a), (only_b, b, labels_b, result.only_b)):
        for row in rows:
            cells = _cells(snapshot, row, ident, language, tr)
            for column in numbers:
                target.append(Difference(cells, names.get(column, column), format_cell(column, row.get(column), tr), "", "", ""))
    split = split_years(a.data, b.data) if YEAR in ident else None
    result.years = split
    if split is not None:
        common_a, common_b = in_years(a.data, split.common), in_years(b.data, split.common)
        summed = [column for column in numbers if additive(column, common_a) and additive(column, common_b)]
        sums_a, sums_b = totals(common_a, summed), totals(common_b, summed)
        row = [Cell.of(_("Summe %(years)s") % {"years": span(split.common)})]
        result.totals = [_difference(row, labels[c], c, sums_a[c], sums_b[c], tr) for c in summed]
        if split.differ:
            result.ranges = _(
                "Die Zyklen decken verschiedene Jahre ab: %(a)s die Jahre %(years_a)s, %(b)s die Jahre %(years_b)s. "
                "Verglichen werden nur die Jahre, die beide abdecken (%(common)s); die übrigen stehen getrennt darunter."
            ) % {
                "a": name_a, "b": name_b, "years_a": span(split.years_a), "years_b": span(split.years_b),
                "common": span(split.common) or "–",
            }
    elif len(a.data) == 1 and len(b.data) == 1:
        period_a, period_b = _period(a.data[0]), _period(b.data[0])
        if period_a and period_b and period_a != period_b:
            result.ranges = _(
                "Achtung: Die Werte umfassen verschiedene Zeiträume (%(a)s: %(period_a)s, %(b)s: %(period_b)s); "
                "Summen über verschieden viele Jahre sind nicht unmittelbar vergleichbar. Die Jahre, die beide "
                "abdecken, vergleicht die Prognose Jahr für Jahr."
            ) % {"a": name_a, "b": name_b, "period_a": period_a, "period_b": period_b}
    result.sentence = _sentence(result, name_a, name_b, split)
    column = chart_column(numbers, headline_column(a.key))
    if column is not None and pairs:
        result.chart_label = labels[column]
        result.bars = _bars(pairs, ident, column, a, language, tr)
    return result


def _period(row: dict) -> str:
    first, last = row.get("first_year"), row.get("last_year")
    return f"{first}–{last}" if first and last else ""


def _sentence(result: CycleComparison, name_a: str, name_b: str, split: YearSplit | None) -> str:
    values = {"a": name_a, "b": name_b, "count": len(result.changed), "total": len(result.differences)}
    if not result.differences:
        return _("Die Zyklen %(a)s und %(b)s haben keine gemeinsamen Zeilen mit Zahlen.") % values
    if split is not None:
        values["years"] = span(split.common)
        if not result.changed:
            return _("Zyklus %(b)s zeigt in den Jahren %(years)s, die beide abdecken, dieselben Werte wie Zyklus %(a)s.") % values
        text = _("Zyklus %(b)s gegenüber %(a)s: %(count)s von %(total)s Werten der gemeinsamen Jahre %(years)s haben sich geändert.") % values
        main = next((d for d in result.totals if d.changed), None)
        if main is not None:
            text += " " + _("%(label)s über diese Jahre: %(before)s → %(after)s (%(change)s).") % {
                "label": main.column, "before": main.a, "after": main.b, "change": main.change
            }
        return text
    if not result.changed:
        return _("Zyklus %(b)s zeigt dieselben Werte wie Zyklus %(a)s.") % values
    return _("Zyklus %(b)s gegenüber %(a)s: %(count)s von %(total)s Werten haben sich geändert.") % values


def _bars(pairs, ident, column, a: FigureSnapshot, language: str, tr) -> list[Bar]:
    pairs = pairs[:CHART_ROWS]
    top = max((abs(v) for pair in pairs for v in (pair[0].get(column), pair[1].get(column)) if v is not None), default=0) or 1
    bars = []
    for index, (row_a, row_b) in enumerate(pairs):
        cells = _cells(a, row_a, ident, language, tr)
        value_a, value_b = row_a.get(column) or 0, row_b.get(column) or 0
        bars.append(
            Bar(
                label=" / ".join(str(cell) for cell in cells) or a.title,
                a=format_cell(column, row_a.get(column), tr),
                b=format_cell(column, row_b.get(column), tr),
                width_a=round(abs(value_a) / top * CHART_BARS, 1),
                width_b=round(abs(value_b) / top * CHART_BARS, 1),
                y=CHART_TOP + index * CHART_ROW,
            )
        )
    return bars


def _signed_difference(a, b, tr) -> str:
    if a is None or b is None:
        return "–"
    delta = b - a
    decimals = 0 if float(delta).is_integer() else 2
    text = tr.number(abs(delta), decimals)
    return "±0" if text.strip("0,.") == "" else ("+" if delta > 0 else "−") + text


def relative_change(a, b, tr) -> str:
    """The change from ``a`` to ``b`` in percent of ``a``, signed (``+14,3 %``, ``±0,0 %``); ``–`` without a base."""
    if a is None or b is None or a == 0:
        return "–"
    pct = (b - a) / abs(a) * 100
    text = tr.pct(abs(pct), 1)
    if text == tr.pct(0, 1):
        return "±" + text
    return ("+" if pct > 0 else "−") + text
