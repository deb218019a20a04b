"""What a figure is, and how charts and numbers are rendered.

Every chart of every plugin goes through :func:`bar_chart` or
:func:`line_chart`, so all share one colour-blind-safe palette (Okabe–Ito),
German number formats and labels, and a size that stays readable at 320 px
wide. The SVG carries a ``<title>`` and a ``<desc>`` (the figure's summary),
so a screen reader announces the chart.

Not to be confused with the Django app ``portal.figures``: this module is the
engine's side (what a figure is, pure Python, no Django); the app is the
portal's side (cycles, uploads, regenerations and the stored snapshots of
these figures).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from portal.engine.i18n import SOURCE_LANGUAGE, Translator
from portal.engine.specs import SCHOOL_TYPES

FigureKind = Literal["table", "chart", "key_figure"]
FIGURE_KINDS: tuple[str, ...] = ("table", "chart", "key_figure")


@dataclass(frozen=True)
class FigureInfo:
    """A figure a plugin can compute: its stable key, German title, kind and column labels."""

    key: str  # "<plugin>.<name>", e.g. "finance.forecast"
    title: str
    kind: FigureKind
    #: German header for each data column, e.g. {"investment_eur": "Investitionen (€)"};
    #: the data itself (CSV, JSON) keeps the contract's column names
    columns: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Figure:
    """A computed figure: data, summary and, for a chart, the SVG."""

    key: str
    title: str
    kind: FigureKind
    summary: str  # one sentence in ``language``; also the chart's text alternative
    data: pd.DataFrame
    svg: str | None = None  # a chart's SVG document with <title> and <desc>
    columns: Mapping[str, str] = field(default_factory=dict)  # header per data column, in ``language``
    language: str = SOURCE_LANGUAGE  # the language of title, summary, headers and the chart's words
    #: the same figure in other languages (the engine fills it when it renders more than one)
    translations: dict[str, Figure] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        info: FigureInfo,
        summary: str,
        data: pd.DataFrame,
        svg: str | None = None,
        *,
        title: str | None = None,
        tr: Translator | None = None,
    ) -> Figure:
        """The figure a catalogue entry describes, with its key, kind, column labels and (unless ``title``
        names the computed span, say) its title: the one way every plugin builds a figure.

        With ``tr`` the catalogue's title and column labels are translated into its language.
        """
        return cls(
            key=info.key,
            title=(tr.title(info) if tr else info.title) if title is None else title,
            kind=info.kind,
            summary=summary,
            data=data,
            svg=svg,
            columns=tr.columns(info) if tr else info.columns,
            language=tr.language if tr else SOURCE_LANGUAGE,
        )

    def column_labels(self) -> dict[str, str]:
        """A German header for every data column; a column without a label keeps its name."""
        return {str(name): self.columns.get(str(name), str(name)) for name in self.data.columns}


# --- numbers ---------------------------------------------------------------


def round_half_up(values, decimals: int = 2):
    """Commercial rounding (0,125 → 0,13), for a scalar, an array or a Series.

    The tiny nudge, far below a cent but above float noise, keeps binary
    fractions such as 2.675 (stored as 2.67499999…) rounding the way a
    person with a calculator expects.
    """
    factor = 10.0**decimals
    scaled = np.abs(np.asarray(values, dtype="float64")) * factor
    rounded = np.sign(values) * np.floor(scaled + 0.5 + 1e-9 + scaled * 1e-12) / factor
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    if np.ndim(rounded) == 0:
        return float(rounded)
    return rounded


def format_number(value: float, decimals: int = 0) -> str:
    """German number format: ``format_number(1234.5, 2)`` is ``1.234,50``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_count(count: int, singular: str, plural: str) -> str:
    """"1 Schule", "1.234 Schulen": a German count with the right noun form."""
    return f"{format_number(count)} {singular if count == 1 else plural}"


def format_eur(value: float, decimals: int = 2) -> str:
    """``1.234,56 €``"""
    return f"{format_number(value, decimals)} €"


def format_pct(value: float, decimals: int = 1) -> str:
    """``48,3 %``"""
    return f"{format_number(value, decimals)} %"


def format_millions(value: float, decimals: int = 1) -> str:
    """``12,3 Mio. €``: large sums in sentences and chart labels."""
    return f"{format_number(value / 1e6, decimals)} Mio. €"


def format_amount(value: float) -> str:
    """A sum for a sentence: ``12,3 Mio. €`` from a million on, else ``11.000 €``."""
    if abs(value) >= 1e6:
        return format_millions(value)
    return format_eur(value, 0)


def per_hundred(count: pd.Series, base: pd.Series, decimals: int = 1) -> pd.Series:
    """``count`` per 100 ``base`` (a percentage, or tickets per 100 devices), rounded; empty where the base is 0."""
    return round_half_up((100 * count / base.where(base > 0)).astype("float64"), decimals)


def german_join(items: Sequence[str]) -> str:
    """``a, b und c``"""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} und {items[-1]}"


def school_types_present(schools: pd.DataFrame) -> list[str]:
    """The school types of ``schools`` in the contract's order (any unknown one after them, by name)."""
    present = schools["school_type"].unique().tolist()
    return [t for t in SCHOOL_TYPES if t in present] + sorted(t for t in present if t not in SCHOOL_TYPES)


# --- charts ----------------------------------------------------------------

#: Okabe & Ito (2008), ordered so the first colours contrast best on white.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#CCCCCC"
WIDTH_IN = 4.4  # 317 pt: drawn about 1:1 at 320 px wide, so 11 pt text stays 11 px

STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.fonttype": "none",  # text stays text: searchable, scalable, smaller
    "svg.hashsalt": "mep",  # stable ids: the same data gives the same file
    "axes.formatter.use_locale": False,
    "text.parse_math": False,  # labels come from uploaded data: "$x$" is text, never mathtext
}


def german_formatter(decimals: int = 0, *, tr: Translator | None = None) -> FuncFormatter:
    """A tick formatter writing ``1.234,5`` (or ``tr``'s format); the charts scale their values before plotting."""
    if tr is not None:
        return FuncFormatter(lambda value, _pos: tr.number(value, decimals))
    return FuncFormatter(lambda value, _pos: format_number(value, decimals))


def money_axis(values: Sequence[float] | np.ndarray, *, tr: Translator | None = None) -> tuple[float, str, int]:
    """(scale, unit, decimals) that keep money tick labels short: Mio. €, Tsd. € or € (in ``tr``'s language)."""
    top = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    if tr is not None:
        return tr.money_unit(top)
    if top >= 1e6:
        return 1e6, "Mio. €", 1
    if top >= 1e4:
        return 1e3, "Tsd. €", 0
    return 1.0, "€", 0


@matplotlib.rc_context(STYLE)  # every text, label and tick is created under the style
def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    desc: str,
    value_label: str = "",
    stacked: bool = False,
    horizontal: bool = False,
    value_format: Callable[[float], str] | None = None,
    scale: float = 1.0,
    decimals: int = 0,
    markers: Mapping[str, Sequence[float]] | None = None,
    tr: Translator | None = None,
) -> str:
    """An SVG bar chart: one bar (or stack) per category, one colour per series.

    ``horizontal`` charts write each category's name above its bar, so long
    German labels stay readable on a phone; ``value_format`` writes each
    bar's value at its end. ``markers`` draws a named tick per category (a
    target, say) on top of the bars. ``tr`` writes the tick numbers in its
    language (German without it); every word passed in is already translated.
    """
    names = list(series)
    n = len(categories)
    grouped = not stacked and len(names) > 1
    if horizontal:
        per_category = 0.62 if grouped else 0.48  # inches: name above, then the bar(s)
        height = 0.9 + per_category * max(n, 1) + (0.3 if len(names) > 1 or markers else 0)
    else:
        height = 3.3
    fig, ax = _new_figure(height)
    positions = np.arange(n)
    base = np.zeros(n)
    group_width = (0.56 if grouped else 0.42) if horizontal else 0.7
    bar_width = group_width / len(names) if grouped else group_width
    for i, name in enumerate(names):
        values = np.asarray(series[name], dtype="float64") / scale
        offset = 0 if stacked else (i - (len(names) - 1) / 2) * bar_width
        if horizontal:
            ax.barh(positions + offset, values, height=bar_width, left=base, label=name, color=PALETTE[i % len(PALETTE)])
        else:
            ax.bar(positions + offset, values, width=bar_width, bottom=base, label=name, color=PALETTE[i % len(PALETTE)])
        if stacked:
            base = base + np.nan_to_num(values)
    totals = base if stacked else np.fmax.reduce(  # fmax: an all-NaN category stays NaN, quietly
        np.vstack([np.asarray(series[name], dtype="float64") / scale for name in names]), axis=0
    )
    label_at = totals.copy()  # a value label sits right of its bar and of any marker
    for name, values in (markers or {}).items():
        values = np.asarray(values, dtype="float64") / scale
        if horizontal:
            ax.scatter(values, positions, marker="|", s=260, linewidths=2.5, color=TEXT_COLOUR, label=name, zorder=3)
        else:
            ax.scatter(positions, values, marker="_", s=260, linewidths=2.5, color=TEXT_COLOUR, label=name, zorder=3)
        label_at = np.fmax(label_at, np.nan_to_num(values))
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(german_formatter(decimals, tr=tr))
    value_axis.set_major_locator(MaxNLocator(nbins=4 if horizontal else 5))
    if horizontal:
        ax.set_yticks([])
        ax.invert_yaxis()
        ax.spines["left"].set_visible(False)
        for position, category in zip(positions, categories, strict=True):
            ax.text(0, position - group_width / 2 - 0.06, category, va="bottom", ha="left", fontsize=10)
        ax.set_ylim(n - 0.5, -0.5 - group_width / 2 - 0.35)
        ax.set_xlabel(value_label)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
    else:
        ax.set_xticks(positions, list(categories))
        # about 6.4 px per character at 10 px, 6 px gap, some 250 px of axis at 320 px wide
        if n and n * (max(len(c) for c in categories) * 6.4 + 6) > 250:
            ax.tick_params(axis="x", rotation=90)
        ax.set_ylabel(value_label)
        ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)
    if value_format is not None:
        top = float(np.fmax.reduce(np.nan_to_num(label_at))) if n else 0.0
        for position, total, at in zip(positions, totals, label_at, strict=True):
            if np.isnan(total):
                continue
            text = value_format(total * scale)
            if horizontal:
                ax.text(at + top * 0.02, position, text, va="center", ha="left", fontsize=10)
            else:
                ax.text(position, at + top * 0.01, text, va="bottom", ha="center", fontsize=10)
        if horizontal:
            ax.set_xlim(0, top * 1.3 if top > 0 else 1)
    legend = [*names, *(markers or {})] if len(names) > 1 or markers else []
    if horizontal:
        _fit(fig, ax, legend, left=8, bottom=22 + (16 if value_label else 0))
    else:
        rotated = any(label.get_rotation() for label in ax.get_xticklabels())
        longest = max((len(c) for c in categories), default=0)
        _fit(fig, ax, legend, left=_y_labels_width(ax, value_label), bottom=longest * CHAR_PT + 14 if rotated else 22)
    return svg_document(fig, title, desc)


@matplotlib.rc_context(STYLE)
def line_chart(
    x: Sequence,
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    desc: str,
    value_label: str = "",
    scale: float = 1.0,
    decimals: int = 0,
    tr: Translator | None = None,
) -> str:
    """An SVG line chart; each series also gets its own marker shape, not just a colour."""
    fig, ax = _new_figure(3.3)
    shapes = "osD^vP*X"
    for i, (name, values) in enumerate(series.items()):
        ax.plot(
            list(x),
            np.asarray(values, dtype="float64") / scale,
            label=name,
            color=PALETTE[i % len(PALETTE)],
            marker=shapes[i % len(shapes)],
            markersize=4,
            linewidth=1.8,
        )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(german_formatter(decimals, tr=tr))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(v))))
    ax.set_ylabel(value_label)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    _fit(fig, ax, list(series), left=_y_labels_width(ax, value_label), bottom=22)
    return svg_document(fig, title, desc)


#: width of one character of 10 pt DejaVu Sans, in points (digits 6.4, most letters less)
CHAR_PT = 6.4


def _y_labels_width(ax, value_label: str) -> float:
    """Points left of the axes: the widest y tick label, the tick, and the axis label."""
    low, high = ax.get_ylim()
    formatter = ax.yaxis.get_major_formatter()
    labels = [formatter(tick, i) for i, tick in enumerate(ax.get_yticks()) if low <= tick <= high]
    return 6 + max((len(label) for label in labels), default=1) * CHAR_PT + 8 + (18 if value_label else 0)


def _fit(fig: MplFigure, ax, legend: list[str], *, left: float, bottom: float) -> None:
    """Place the axes by measured margins, with the legend above it in as few rows as fit.

    Faster than matplotlib's constrained layout (which draws twice) and, with
    fixed font sizes, just as exact for these simple charts.
    """
    width, height = fig.get_size_inches() * 72
    top = 8
    if legend:
        room = width - left - 10
        entry = [28 + len(name) * CHAR_PT + 14 for name in legend]  # handle, gap, text, spacing
        columns = max(1, min(len(legend), 3, int(room // max(entry))))
        rows = math.ceil(len(legend) / columns)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=columns, frameon=False, borderaxespad=0.3)
        top += rows * 17
    fig.subplots_adjust(left=left / width, right=1 - 10 / width, bottom=bottom / height, top=1 - top / height)


def _new_figure(height: float):
    with matplotlib.rc_context(STYLE):
        fig = MplFigure(figsize=(WIDTH_IN, height))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
    return fig, ax


def svg_document(fig: MplFigure, title: str, desc: str) -> str:
    """The figure as an SVG document with ``<title>`` and ``<desc>``."""
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "mep"})
    ident = "mep-" + hashlib.sha1(title.encode()).hexdigest()[:8]
    return ensure_accessible_svg(buffer.getvalue(), title, desc, ident)


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def ensure_accessible_svg(svg: str, title: str, desc: str, ident: str = "mep-chart") -> str:
    """Give an SVG document a ``<title>``, a ``<desc>`` and ``role="img"``, unless it has them."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise ValueError("kein SVG-Dokument")
    head = match.group(0)
    body = svg[match.end() :]
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", ident)
    if re.match(r"\s*<title\b", body):
        return svg
    attributes = f' role="img" aria-labelledby={quoteattr(f"{ident}-title {ident}-desc")}'
    if 'role="img"' in head:
        attributes = ""
    new_head = head[:-1] + attributes + ">"
    inserted = (
        f'\n <title id="{ident}-title">{escape(title)}</title>'
        f'\n <desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return svg[: match.start()] + new_head + inserted + body
