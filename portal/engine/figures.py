"""What a figure is, and how charts and numbers are rendered.

Every chart of every plugin goes through :func:`bar_chart` or
:func:`line_chart`, so all share one colour-blind-safe palette (Okabe–Ito),
number formats and labels in the figure's language (German unless a
translator ``tr`` says otherwise), and a size that stays readable at 320 px
wide. The SVG carries a ``<title>`` and a ``<desc>`` (the figure's summary),
so a screen reader announces the chart. The drawing itself is
:mod:`portal.engine.charts`' job, the only module that imports matplotlib:
here a chart's arguments become plain data (every label already written, the
language's number symbols instead of the translator), which
:mod:`portal.engine.rendering` draws in this process or in a worker.

Not to be confused with the Django app ``portal.figures``: this module is the
engine's side (what a figure is, pure Python, no Django); the app is the
portal's side (cycles, uploads, regenerations and the stored snapshots of
these figures).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from portal.engine import rendering
from portal.engine.i18n import SOURCE_LANGUAGE, Translator
from portal.engine.numbers import (
    format_amount,
    format_count,
    format_eur,
    format_millions,
    format_number,
    format_pct,
    round_half_up,
)
from portal.engine.specs import SCHOOL_TYPES
from portal.engine.svg import ensure_accessible_svg

__all__ = [
    "FIGURE_KINDS",
    "Figure",
    "FigureInfo",
    "FigureKind",
    "FigureRecipe",
    "bar_chart",
    "ensure_accessible_svg",
    "format_amount",
    "format_count",
    "format_eur",
    "format_millions",
    "format_number",
    "format_pct",
    "german_join",
    "line_chart",
    "money_axis",
    "per_hundred",
    "round_half_up",
    "school_types_present",
]

#: names of :mod:`portal.engine.charts`, importable from here without importing matplotlib first
_CHART_NAMES = frozenset({"CHAR_PT", "GRID_COLOUR", "PALETTE", "STYLE", "TEXT_COLOUR", "WIDTH_IN", "german_formatter", "svg_document"})


def __getattr__(name: str):
    if name in _CHART_NAMES:
        from portal.engine import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
    #: the column that stands for a row's value: what the figure's chart shows, and what a chart
    #: comparing two cycles plots ("ratio_pct", not the school count); None: the portal picks one
    headline: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FigureRecipe:
    """How one catalogue entry is computed, in words a reader can check (hook ``mep_figure_recipes``)."""

    key: str  # the catalogue entry's key, e.g. "finance.forecast"
    #: German, a few sentences; marked with ``N_`` so the plugin's catalogue translates it
    rule: str
    #: table -> the columns the figure reads, e.g. {"inventory": ("quantity", "acquired_year")}
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    #: plan.toml keys the figure uses, dotted: "cycle.horizon", "targets.device_ratio_pct", "support.…"
    settings: tuple[str, ...] = ()

    def translated(self, tr: Translator | None) -> FigureRecipe:
        """This recipe with its rule in ``tr``'s language (German without ``tr``)."""
        if tr is None:
            return self
        return FigureRecipe(self.key, tr(self.rule), self.reads, self.settings)


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
    #: where it comes from: rule, input tables, settings, versions (:mod:`portal.engine.provenance`); the engine fills it
    provenance: dict = field(default_factory=dict, repr=False)
    #: text values of the data in ``language`` where a catalogue knows them (``{"Grundschule": "Primary school"}``);
    #: empty in German. The data keeps the contract's values.
    value_labels: dict[str, str] = field(default_factory=dict, repr=False)

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
            value_labels=tr.value_labels(data) if tr else {},
        )

    def column_labels(self) -> dict[str, str]:
        """A German header for every data column; a column without a label keeps its name."""
        return {str(name): self.columns.get(str(name), str(name)) for name in self.data.columns}


# --- numbers ---------------------------------------------------------------


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
    categories = list(categories)
    floats = {name: np.asarray(values, dtype="float64") for name, values in series.items()}
    scaled = [values / scale for values in floats.values()]
    if stacked:
        totals = np.zeros(len(categories))
        for values in scaled:
            totals = totals + np.nan_to_num(values)
    else:  # fmax: an all-NaN category stays NaN, quietly
        totals = np.fmax.reduce(np.vstack(scaled), axis=0)
    labels = None
    if value_format is not None:  # written here: a plugin's function does not travel to a worker process
        labels = [None if np.isnan(total) else value_format(total * scale) for total in totals]
    arguments = dict(
        categories=categories,
        series=floats,
        totals=totals,
        title=title,
        desc=desc,
        value_label=value_label,
        stacked=stacked,
        horizontal=horizontal,
        labels=labels,
        scale=scale,
        decimals=decimals,
        markers=None if markers is None else {name: np.asarray(v, dtype="float64") for name, v in markers.items()},
        number_format=None if tr is None else tr.number_format,  # symbols, not the translator: plain data travels
    )
    return rendering.draw("bar", arguments)


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
    """An SVG line chart; each series also gets its own marker shape, not just a colour.

    ``tr`` writes the tick numbers in its language (German without it).
    """
    arguments = dict(
        x=list(x),
        series={name: np.asarray(values, dtype="float64") for name, values in series.items()},
        title=title,
        desc=desc,
        value_label=value_label,
        scale=scale,
        decimals=decimals,
        number_format=None if tr is None else tr.number_format,
    )
    return rendering.draw("line", arguments)
