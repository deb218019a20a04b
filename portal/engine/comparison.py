"""Comparing scenarios with the base: every figure's numbers side by side, and one sentence for a council paper.

:func:`compare` puts the base's and each scenario's numbers of every figure
that has numbers next to each other, with the difference in absolute terms
and in percent; :func:`summary_sentence` says in one German sentence what a
scenario changes in the horizon's financial need and its peak year, with the
very numbers of that table. No chart is drawn for a comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pluggy

from portal.engine.compute import compute_figures
from portal.engine.figures import Figure
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Translator, engine_translator
from portal.engine.numbers import round_half_up
from portal.engine.rendering import without_charts
from portal.engine.scenario import Scenario, apply_scenario
from portal.engine.specs import DataSet

if TYPE_CHECKING:  # pandas only where a comparison is made: a portal process starts without it
    import pandas as pd

#: columns that name a row rather than measure it, whatever their type
KEY_COLUMNS = frozenset({"year", "first_year", "last_year"})
TOTAL_KEY, FORECAST_KEY = "finance.total", "finance.forecast"

#: number words of a sentence, German; the engine's catalogue translates each ("einem" is "statt einem", dative)
_SMALL_NUMBERS = (
    N_("null"), N_("einem"), N_("zwei"), N_("drei"), N_("vier"), N_("fünf"), N_("sechs"),
    N_("sieben"), N_("acht"), N_("neun"), N_("zehn"), N_("elf"), N_("zwölf"),
)


@dataclass
class Side:
    """One column of a comparison: the base or a scenario, with its figures by key."""

    label: str
    dataset: DataSet
    figures: dict[str, Figure]
    scenario: Scenario | None = None


def numbers(dataset: DataSet, pm: pluggy.PluginManager | None = None) -> dict[str, Figure]:
    """Every figure of ``dataset`` by key, computed without drawing a chart."""
    with without_charts():
        return {figure.key: figure for _plugin, figure in compute_figures(dataset, pm)}


def sides(
    dataset: DataSet, scenarios: Sequence[Scenario], pm: pluggy.PluginManager | None = None
) -> tuple[Side, list[Side]]:
    """The base and each scenario, computed (numbers only); scenarios are labelled by their file's stem."""
    base = Side("base", dataset, numbers(dataset, pm))
    labels: list[str] = []
    for scenario in scenarios:
        stem = scenario.file.rsplit("/", 1)[-1].removesuffix(".toml") or "scenario"
        label = stem if stem not in labels and stem != "base" else f"{stem}_{len(labels) + 1}"
        labels.append(label)
    computed = []
    for label, scenario in zip(labels, scenarios, strict=True):
        changed = apply_scenario(dataset, scenario)
        computed.append(Side(label, changed, numbers(changed, pm), scenario))
    return base, computed


def _rows(data: pd.DataFrame) -> tuple[list[str], list[str], pd.Series]:
    """(key columns, value columns, a row name per row) of a figure's data."""
    import pandas as pd

    keys = [c for c in data.columns if c in KEY_COLUMNS or not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])]
    values = [c for c in data.columns if c not in keys]
    if keys:
        names = data[keys[0]].astype(str)
        for key in keys[1:]:  # column by column, not row by row: a figure may have thousands of rows
            names = names + " / " + data[key].astype(str)
    else:
        names = pd.Series([str(i + 1) for i in range(len(data))] if len(data) > 1 else [""] * len(data), dtype=str)
    names = names.reset_index(drop=True)
    repeated = names.groupby(names).cumcount()
    names = names.where(repeated == 0, names + " #" + (repeated + 1).astype(str))
    return keys, values, names


def _cells(figure: Figure) -> dict[tuple[str, str], float]:
    """Every number of a figure by (row name, column), in the figure's order."""
    import pandas as pd

    data = figure.data.reset_index(drop=True)
    _keys, values, names = _rows(data)
    row_names = names.tolist()
    cells: dict[tuple[str, str], float] = {}
    for column in values:
        numbers_ = pd.to_numeric(data[column], errors="coerce").astype("float64").tolist()
        for name, value in zip(row_names, numbers_, strict=True):
            cells[(name, column)] = value
    return cells


def _difference(value: float, base: float) -> tuple[float, float]:
    """(value − base, the same in percent of base), rounded; NaN where there is nothing to compare."""
    if math.isnan(value) or math.isnan(base):
        return math.nan, math.nan
    diff = value - base
    return round_half_up(diff, 2), (round_half_up(diff / base * 100, 2) if base != 0 else math.nan)


def compare(base: Side, scenarios: Sequence[Side]) -> pd.DataFrame:
    """One row per (figure, row, number): ``key, title, row, column, base`` and per scenario
    ``<label>, <label>_diff, <label>_diff_pct`` (difference to the base; percent empty where the base is 0).

    Plain Python over the cells: a comparison is a few thousand numbers, and pandas' cost per
    small frame would outweigh the work.
    """
    import pandas as pd

    records = []
    for key, figure in base.figures.items():
        cells = _cells(figure)
        theirs = [_cells(side.figures[key]) if key in side.figures else {} for side in scenarios]
        for place in dict.fromkeys([*cells, *(p for other in theirs for p in other)]):
            record = {"key": key, "title": figure.title, "row": place[0], "column": place[1], "base": cells.get(place, math.nan)}
            for side, other in zip(scenarios, theirs, strict=True):
                value = other.get(place, math.nan)
                record[side.label] = value
                record[f"{side.label}_diff"], record[f"{side.label}_diff_pct"] = _difference(value, record["base"])
            records.append(record)
    columns = ["key", "title", "row", "column", "base"]
    for side in scenarios:
        columns += [side.label, f"{side.label}_diff", f"{side.label}_diff_pct"]
    return pd.DataFrame.from_records(records, columns=columns)


# --- the sentence ------------------------------------------------------------


def _count_word(value: int, tr: Translator) -> str:
    return tr(_SMALL_NUMBERS[value]) if value < len(_SMALL_NUMBERS) else tr.number(value)


def _years_pair(new: int, old: int, tr: Translator) -> str:
    """``sechs statt fünf Jahre``, ``ein Jahr statt zwei``, ``zwei Jahre statt einem``"""
    if new == 1:
        return tr("ein Jahr statt %(old)s", old=_count_word(old, tr))
    if old == 1:
        return tr("%(new)s Jahre statt einem", new=_count_word(new, tr))
    return tr("%(new)s statt %(old)s Jahre", new=_count_word(new, tr), old=_count_word(old, tr))


def assumptions(dataset: DataSet, scenario: Scenario, tr: Translator | None = None) -> list[str]:
    """Each change of ``scenario`` in words, against ``dataset``'s value: ``„iPads …“ sechs statt fünf Jahre genutzt werden``.

    In German, or in ``tr``'s language; a product group's label is the planner's and stays as it is.
    """
    tr = tr or engine_translator(SOURCE_LANGUAGE)
    catalog = dataset.tables["catalog"].set_index("product_group")
    cycle = dataset.plan["cycle"]
    clauses = []
    for group, life in scenario.useful_life_years.items():
        old = int(catalog.loc[group, "useful_life_years"])
        clauses.append(tr("„%(label)s“ %(years)s genutzt werden", label=catalog.loc[group, "label"], years=_years_pair(life, old, tr)))
    for group, cost in scenario.unit_cost_eur.items():
        old = float(catalog.loc[group, "unit_cost_eur"])
        clauses.append(
            tr("„%(label)s“ %(new)s statt %(old)s je Stück kosten", label=catalog.loc[group, "label"], new=tr.eur(cost), old=tr.eur(old))
        )
    if "price_increase_pct" in scenario.plan:
        new, old = float(scenario.plan["price_increase_pct"]), float(cycle["price_increase_pct"])
        clauses.append(tr("die Preise jährlich um %(new)s statt %(old)s steigen", new=tr.pct(new), old=tr.pct(old)))
    if "price_base_year" in scenario.plan:
        clauses.append(
            tr("die Katalogpreise für %(new)s statt %(old)s gelten", new=scenario.plan["price_base_year"], old=cycle["price_base_year"])
        )
    targets = dataset.plan.get("targets", {}).get("device_ratio_pct", {})
    for school_type, target in scenario.targets.items():
        old = targets.get(school_type, targets.get("default"))
        where = tr("die übrigen Schulformen") if school_type == "default" else tr(school_type)
        if old is None:
            clauses.append(tr("das Ziel für %(where)s %(new)s Schülergeräte je 100 Schülerinnen und Schüler ist", where=where, new=tr.number(target)))
        else:
            clauses.append(
                tr(
                    "das Ziel für %(where)s %(new)s statt %(old)s Schülergeräte je 100 Schülerinnen und Schüler ist",
                    where=where, new=tr.number(target), old=tr.number(float(old)),
                )
            )
    return clauses


def _peak(figure: Figure) -> int | None:
    data = figure.data
    if data.empty or not (data["total_eur"] > 0).any():
        return None
    return int(data.loc[data["total_eur"].idxmax(), "year"])


def summary_sentence(base: Side, side: Side, table: pd.DataFrame, tr: Translator | None = None) -> str:
    """The sentence a planner pastes into a council paper; its sums are ``table``'s (``finance.total``'s ``total_eur``).

    In German, or in ``tr``'s language.
    """
    import pandas as pd

    tr = tr or engine_translator(SOURCE_LANGUAGE)
    first, last = base.dataset.horizon
    span = f"{first}–{last}"
    clauses = assumptions(base.dataset, side.scenario, tr) if side.scenario is not None else []
    condition = tr("Wenn %(clauses)s, ", clauses=tr.join(clauses)) if clauses else tr("Im Szenario „%(label)s“ ", label=side.label)
    row = table[(table["key"] == TOTAL_KEY) & (table["column"] == "total_eur")]
    if row.empty:
        return _capitalised(condition + tr("ändert sich am Finanzbedarf nichts, was sich beziffern ließe."))
    before, after = float(row["base"].iloc[0]), float(row[side.label].iloc[0])
    diff, pct = float(row[f"{side.label}_diff"].iloc[0]), row[f"{side.label}_diff_pct"].iloc[0]
    if diff == 0:
        money = tr("bleibt der Finanzbedarf %(span)s bei %(before)s", span=span, before=tr.eur(before))
    else:
        share = "" if pd.isna(pct) else tr(" oder %(pct)s", pct=tr.pct(abs(float(pct)), 2))
        template = (
            N_("steigt der Finanzbedarf %(span)s um %(diff)s%(share)s (von %(before)s auf %(after)s)")
            if diff > 0
            else N_("sinkt der Finanzbedarf %(span)s um %(diff)s%(share)s (von %(before)s auf %(after)s)")
        )
        money = tr(template, span=span, diff=tr.eur(abs(diff)), share=share, before=tr.eur(before), after=tr.eur(after))
    base_peak = _peak(base.figures[FORECAST_KEY]) if FORECAST_KEY in base.figures else None
    side_peak = _peak(side.figures[FORECAST_KEY]) if FORECAST_KEY in side.figures else None
    if base_peak is None or side_peak is None:
        peak = ""
    elif base_peak == side_peak:
        peak = tr(", der Spitzenwert bleibt im Jahr %(year)s", year=base_peak)
    else:
        peak = tr(", der Spitzenwert verschiebt sich von %(before)s nach %(after)s", before=base_peak, after=side_peak)
    return _capitalised(condition + money + peak + ".")


def _capitalised(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]
