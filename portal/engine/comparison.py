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
from portal.engine.figures import Figure, german_join
from portal.engine.numbers import format_eur, format_number, format_pct, round_half_up
from portal.engine.rendering import without_charts
from portal.engine.scenario import Scenario, apply_scenario
from portal.engine.specs import DataSet

if TYPE_CHECKING:  # pandas only where a comparison is made: a portal process starts without it
    import pandas as pd

#: columns that name a row rather than measure it, whatever their type
KEY_COLUMNS = frozenset({"year", "first_year", "last_year"})
TOTAL_KEY, FORECAST_KEY = "finance.total", "finance.forecast"

_SMALL_NUMBERS = ("null", "einem", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf")


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


def _count_word(value: int) -> str:
    return _SMALL_NUMBERS[value] if value < len(_SMALL_NUMBERS) else format_number(value)


def _years_pair(new: int, old: int) -> str:
    """``sechs statt fünf Jahre``, ``ein Jahr statt zwei``, ``zwei Jahre statt einem``"""
    if new == 1:
        return f"ein Jahr statt {_count_word(old)}"
    if old == 1:
        return f"{_count_word(new)} Jahre statt einem"
    return f"{_count_word(new)} statt {_count_word(old)} Jahre"


def assumptions(dataset: DataSet, scenario: Scenario) -> list[str]:
    """Each change of ``scenario`` in words, against ``dataset``'s value: ``„iPads …“ sechs statt fünf Jahre genutzt werden``."""
    catalog = dataset.tables["catalog"].set_index("product_group")
    cycle = dataset.plan["cycle"]
    clauses = []
    for group, life in scenario.useful_life_years.items():
        old = int(catalog.loc[group, "useful_life_years"])
        clauses.append(f"„{catalog.loc[group, 'label']}“ {_years_pair(life, old)} genutzt werden")
    for group, cost in scenario.unit_cost_eur.items():
        old = float(catalog.loc[group, "unit_cost_eur"])
        clauses.append(f"„{catalog.loc[group, 'label']}“ {format_eur(cost)} statt {format_eur(old)} je Stück kosten")
    if "price_increase_pct" in scenario.plan:
        new, old = float(scenario.plan["price_increase_pct"]), float(cycle["price_increase_pct"])
        clauses.append(f"die Preise jährlich um {format_pct(new)} statt {format_pct(old)} steigen")
    if "price_base_year" in scenario.plan:
        clauses.append(f"die Katalogpreise für {scenario.plan['price_base_year']} statt {cycle['price_base_year']} gelten")
    targets = dataset.plan.get("targets", {}).get("device_ratio_pct", {})
    for school_type, target in scenario.targets.items():
        old = targets.get(school_type, targets.get("default"))
        where = "übrigen Schulformen" if school_type == "default" else school_type
        was = f" statt {format_number(float(old))}" if old is not None else ""
        clauses.append(f"das Ziel für {where} {format_number(target)}{was} Schülergeräte je 100 Schülerinnen und Schüler ist")
    return clauses


def _peak(figure: Figure) -> int | None:
    data = figure.data
    if data.empty or not (data["total_eur"] > 0).any():
        return None
    return int(data.loc[data["total_eur"].idxmax(), "year"])


def summary_sentence(base: Side, side: Side, table: pd.DataFrame) -> str:
    """The sentence a planner pastes into a council paper; its sums are ``table``'s (``finance.total``'s ``total_eur``)."""
    import pandas as pd

    first, last = base.dataset.horizon
    span = f"{first}–{last}"
    clauses = assumptions(base.dataset, side.scenario) if side.scenario is not None else []
    condition = f"Wenn {german_join(clauses)}, " if clauses else f"Im Szenario „{side.label}“ "
    row = table[(table["key"] == TOTAL_KEY) & (table["column"] == "total_eur")]
    if row.empty:
        return condition + "ändert sich am Finanzbedarf nichts, was sich beziffern ließe."
    before, after = float(row["base"].iloc[0]), float(row[side.label].iloc[0])
    diff, pct = float(row[f"{side.label}_diff"].iloc[0]), row[f"{side.label}_diff_pct"].iloc[0]
    if diff == 0:
        money = f"bleibt der Finanzbedarf {span} bei {format_eur(before)}"
    else:
        verb = "steigt" if diff > 0 else "sinkt"
        share = "" if pd.isna(pct) else f" oder {format_pct(abs(float(pct)), 2)}"
        money = f"{verb} der Finanzbedarf {span} um {format_eur(abs(diff))}{share} (von {format_eur(before)} auf {format_eur(after)})"
    base_peak = _peak(base.figures[FORECAST_KEY]) if FORECAST_KEY in base.figures else None
    side_peak = _peak(side.figures[FORECAST_KEY]) if FORECAST_KEY in side.figures else None
    if base_peak is None or side_peak is None:
        peak = ""
    elif base_peak == side_peak:
        peak = f", der Spitzenwert bleibt im Jahr {base_peak}"
    else:
        peak = f", der Spitzenwert verschiebt sich von {base_peak} nach {side_peak}"
    sentence = condition + money + peak + "."
    return sentence[0].upper() + sentence[1:]
