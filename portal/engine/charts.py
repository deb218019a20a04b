"""Drawing the charts with matplotlib: the only engine module that imports it.

:func:`portal.engine.figures.bar_chart` and :func:`~portal.engine.figures.line_chart`
turn a plugin's arguments into plain data (numbers, finished labels in the
reader's language, and the language's number format as a dict of symbols:
nothing a worker process could not unpickle, never a function) and hand it
to :func:`draw`, here or in a worker process (:mod:`portal.engine.rendering`),
which rebuilds the tick formatter from those symbols. Every chart shares one
colour-blind-safe palette (Okabe–Ito), the language's number formats and a
size that stays readable at 320 px wide; the same data gives the same bytes,
in whichever process and order the charts are drawn.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from portal.engine.numbers import format_number, format_number_with
from portal.engine.svg import ensure_accessible_svg

if TYPE_CHECKING:
    from portal.engine.i18n import Translator

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

#: width of one character of 10 pt DejaVu Sans, in points (digits 6.4, most letters less)
CHAR_PT = 6.4


def draw(kind: str, arguments: dict) -> str:
    """The SVG document of one chart: ``kind`` is ``"bar"`` or ``"line"``, ``arguments`` plain data."""
    return {"bar": draw_bar, "line": draw_line}[kind](**arguments)


def german_formatter(
    decimals: int = 0, *, tr: Translator | None = None, number_format: Mapping[str, str] | None = None
) -> FuncFormatter:
    """A tick formatter writing ``1.234,5``, or in the format of ``tr``'s language; the charts scale
    their values before plotting.

    ``number_format`` is :attr:`~portal.engine.i18n.Translator.number_format`, the plain data a
    worker process gets instead of the translator: the formatter is built here, in the process
    that draws, so no function is ever pickled.
    """
    if tr is not None:
        number_format = tr.number_format
    if number_format is None:
        return FuncFormatter(lambda value, _pos: format_number(value, decimals))
    decimal, group = number_format["decimal"], number_format["group"]
    return FuncFormatter(lambda value, _pos: format_number_with(value, decimals, decimal, group))


@matplotlib.rc_context(STYLE)  # every text, label and tick is created under the style
def draw_bar(
    categories: Sequence[str],
    series: Mapping[str, np.ndarray],
    totals: np.ndarray,
    *,
    title: str,
    desc: str,
    value_label: str = "",
    stacked: bool = False,
    horizontal: bool = False,
    labels: Sequence[str | None] | None = None,
    scale: float = 1.0,
    decimals: int = 0,
    markers: Mapping[str, np.ndarray] | None = None,
    number_format: Mapping[str, str] | None = None,
) -> str:
    """See :func:`portal.engine.figures.bar_chart`; ``series`` and ``markers`` are unscaled floats,
    ``totals`` each category's scaled total, ``labels`` the value written at each bar's end and
    ``number_format`` the tick labels' symbols (German without it)."""
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
    label_at = totals.copy()  # a value label sits right of its bar and of any marker
    for name, values in (markers or {}).items():
        values = np.asarray(values, dtype="float64") / scale
        if horizontal:
            ax.scatter(values, positions, marker="|", s=260, linewidths=2.5, color=TEXT_COLOUR, label=name, zorder=3)
        else:
            ax.scatter(positions, values, marker="_", s=260, linewidths=2.5, color=TEXT_COLOUR, label=name, zorder=3)
        label_at = np.fmax(label_at, np.nan_to_num(values))
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(german_formatter(decimals, number_format=number_format))
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
    if labels is not None:
        top = float(np.fmax.reduce(np.nan_to_num(label_at))) if n else 0.0
        for position, text, at in zip(positions, labels, label_at, strict=True):
            if text is None:  # no total: no label
                continue
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
def draw_line(
    x: Sequence,
    series: Mapping[str, np.ndarray],
    *,
    title: str,
    desc: str,
    value_label: str = "",
    scale: float = 1.0,
    decimals: int = 0,
    number_format: Mapping[str, str] | None = None,
) -> str:
    """See :func:`portal.engine.figures.line_chart`; ``series`` are unscaled floats, ``number_format``
    the tick labels' symbols (German without it)."""
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
    ax.yaxis.set_major_formatter(german_formatter(decimals, number_format=number_format))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(v))))
    ax.set_ylabel(value_label)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    _fit(fig, ax, list(series), left=_y_labels_width(ax, value_label), bottom=22)
    return svg_document(fig, title, desc)


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


def warm_up() -> None:
    """Draw one small chart, so the fonts are found and loaded before the first real chart."""
    draw_bar(["A"], {"x": np.array([1.0])}, np.array([1.0]), title="", desc="", labels=["1"])
