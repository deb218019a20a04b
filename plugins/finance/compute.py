"""Finanz- und Investitionsplanung (MEP 5.3): replacement forecast and product-group shares.

Rules from the planning-data contract: a stock is replaced every
``useful_life_years`` after its purchase, at the catalog price raised by
``price_increase_pct`` per year from ``price_base_year``; recurring costs grow
by their own ``annual_increase_pct``. All work is vectorised over the
inventory, so 8,000 schools cost no more per row than 80.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from portal.engine.dataset import DataSet
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    line_chart,
    money_axis,
    round_half_up,
)
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Messages, Translator

#: this plugin's translations: locale/<language>/LC_MESSAGES/mep.po
MESSAGES = Messages(Path(__file__).resolve().parent / "locale")

FORECAST = FigureInfo(
    "finance.forecast",
    N_("Prognose des Finanz- und Investitionsvolumens"),
    "chart",
    {"year": N_("Jahr"), "investment_eur": N_("Investitionen (€)"), "recurring_eur": N_("Laufende Kosten (€)"),
     "total_eur": N_("Gesamt (€)")},
    headline="total_eur",
)
PRODUCT_GROUPS = FigureInfo(
    "finance.product_groups",
    N_("Produktgruppen der technischen Ausstattung"),
    "chart",
    {"product_group": N_("Produktgruppe (Schlüssel)"), "label": N_("Produktgruppe"), "cost_eur": N_("Kosten (€)"),
     "share_pct": N_("Anteil (%)")},
    headline="cost_eur",
)
TOTAL = FigureInfo(
    "finance.total",
    N_("Finanzbedarf im Planungshorizont"),
    "key_figure",
    {"first_year": N_("Erstes Jahr"), "last_year": N_("Letztes Jahr"), "total_eur": N_("Gesamt (€)"),
     "investment_eur": N_("Investitionen (€)"), "recurring_eur": N_("Laufende Kosten (€)"),
     "annual_average_eur": N_("Jahresdurchschnitt (€)")},
    headline="total_eur",
)
PEAK_YEARS = FigureInfo(
    "finance.peak_years",
    N_("Jahre mit den höchsten Investitionen und ihre Ursachen"),
    "table",
    {"rank": N_("Rang"), "year": N_("Jahr"), "year_investment_eur": N_("Investitionen im Jahr (€)"),
     "product_group": N_("Produktgruppe (Schlüssel)"), "label": N_("Produktgruppe"),
     "group_investment_eur": N_("Investitionen der Gruppe (€)"), "share_of_year_pct": N_("Anteil am Jahr (%)")},
    headline="group_investment_eur",
)
PRICE_SCENARIOS = FigureInfo(
    "finance.price_scenarios",
    N_("Wirkung der Preissteigerung auf den Finanzbedarf"),
    "chart",
    {"year": N_("Jahr"), "configured_eur": N_("Eingestellte Preissteigerung (€)"),
     "no_increase_eur": N_("Ohne Preissteigerung (€)"), "plus_2_pct_eur": N_("2 Prozentpunkte mehr (€)")},
    headline="configured_eur",
)
CATALOG = (FORECAST, PRODUCT_GROUPS, TOTAL, PEAK_YEARS, PRICE_SCENARIOS)

PEAK_COUNT = 3
PEAK_DRIVER_SHARE = 80.0  # list a peak year's groups until they explain this much of it
EXTRA_INCREASE_PCT = 2.0


def replacements(dataset: DataSet) -> pd.DataFrame:
    """One row per replacement in the horizon, at base-year prices: ``year, product_group, base_cost_eur``."""
    first, last = dataset.horizon
    inventory = dataset.tables["inventory"]
    catalog = dataset.tables["catalog"]
    # positions in the catalog instead of Series.map: one hash lookup per row, in C
    position = pd.Index(catalog["product_group"]).get_indexer(inventory["product_group"])
    group = catalog["product_group"].to_numpy(dtype=object)[position]
    life = np.where(
        inventory["useful_life_years"].isna(),
        catalog["useful_life_years"].to_numpy()[position],
        inventory["useful_life_years"].fillna(0).to_numpy(dtype="int64"),
    ).astype("int64")
    cost = np.where(
        inventory["unit_cost_eur"].isna(),
        catalog["unit_cost_eur"].to_numpy()[position],
        inventory["unit_cost_eur"].to_numpy(dtype="float64"),
    )
    row_cost = inventory["quantity"].to_numpy(dtype="float64") * cost
    acquired = inventory["acquired_year"].to_numpy(dtype="int64")

    # the first k ≥ 1 with acquired + k·life ≥ first, then every life years up to last
    k_first = np.maximum(1, -((acquired - first) // life))  # ceil((first - acquired) / life)
    year = acquired + k_first * life
    years, groups, costs = [], [], []
    for _ in range(last - first + 1):  # at most one replacement per row and year: a few passes, each vectorised
        due = year <= last
        if not due.any():
            break
        years.append(year[due])
        groups.append(group[due])
        costs.append(row_cost[due])
        year = year + life
    return pd.DataFrame(
        {
            "year": np.concatenate(years) if years else np.array([], dtype="int64"),
            "product_group": pd.array(np.concatenate(groups) if groups else [], dtype="str"),
            "base_cost_eur": np.concatenate(costs) if costs else np.array([], dtype="float64"),
        }
    )


def replacement_costs(
    dataset: DataSet, price_increase_pct: float | None = None, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Replacements priced for their year: ``year, product_group, investment_eur``.

    ``price_increase_pct`` replaces plan.toml's for a scenario; ``rows`` reuses
    :func:`replacements` already computed.
    """
    cycle = dataset.plan["cycle"]
    p = (cycle["price_increase_pct"] if price_increase_pct is None else price_increase_pct) / 100
    rows = replacements(dataset) if rows is None else rows
    factor = (1 + p) ** (rows["year"].to_numpy() - cycle["price_base_year"])
    return pd.DataFrame(
        {"year": rows["year"], "product_group": rows["product_group"], "investment_eur": rows["base_cost_eur"] * factor}
    )


def recurring_costs(dataset: DataSet) -> pd.DataFrame:
    """One row per recurring item and horizon year: ``year, product_group, recurring_eur``."""
    first, last = dataset.horizon
    recurring = dataset.table("recurring")
    years = np.arange(first, last + 1)
    if recurring is None or recurring.empty:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "product_group": pd.Series(dtype="str"), "recurring_eur": pd.Series(dtype="float64")})
    start = recurring["from_year"].to_numpy(dtype="int64")
    end = recurring["to_year"].fillna(last).to_numpy(dtype="int64")
    increase = recurring["annual_increase_pct"].fillna(0).to_numpy(dtype="float64") / 100
    cost = recurring["annual_cost_eur"].to_numpy(dtype="float64")
    # rows × years grid; the rows of a data set are few compared to the inventory
    y = years[np.newaxis, :]
    active = (start[:, None] <= y) & (y <= end[:, None])
    amount = cost[:, None] * (1 + increase[:, None]) ** (y - start[:, None])
    row, col = np.nonzero(active)
    return pd.DataFrame(
        {
            "year": years[col],
            "product_group": recurring["product_group"].to_numpy()[row],
            "recurring_eur": amount[row, col],
        }
    )


def forecast(dataset: DataSet, investments: pd.DataFrame | None = None, recurring: pd.DataFrame | None = None) -> pd.DataFrame:
    """The contract's ``finance.forecast``: ``year, investment_eur, recurring_eur, total_eur``."""
    first, last = dataset.horizon
    investments = replacement_costs(dataset) if investments is None else investments
    recurring = recurring_costs(dataset) if recurring is None else recurring
    years = pd.Index(range(first, last + 1), name="year")
    table = pd.DataFrame(
        {
            "investment_eur": investments.groupby("year")["investment_eur"].sum().reindex(years, fill_value=0.0),
            "recurring_eur": recurring.groupby("year")["recurring_eur"].sum().reindex(years, fill_value=0.0),
        }
    )
    table["total_eur"] = table["investment_eur"] + table["recurring_eur"]
    return table.apply(round_half_up, decimals=2).reset_index()


def product_groups(dataset: DataSet, investments: pd.DataFrame | None = None, recurring: pd.DataFrame | None = None) -> pd.DataFrame:
    """The contract's ``finance.product_groups``: ``product_group, label, cost_eur, share_pct``."""
    investments = replacement_costs(dataset) if investments is None else investments
    recurring = recurring_costs(dataset) if recurring is None else recurring
    catalog = dataset.tables["catalog"]
    cost = (
        investments.groupby("product_group")["investment_eur"].sum()
        .add(recurring.dropna(subset=["product_group"]).groupby("product_group")["recurring_eur"].sum(), fill_value=0.0)
        .reindex(catalog["product_group"], fill_value=0.0)
    )
    total = cost.sum()
    table = pd.DataFrame(
        {
            "product_group": catalog["product_group"].to_numpy(),
            "label": catalog["label"].to_numpy(),
            "cost_eur": cost.to_numpy(),
            "share_pct": (cost / total * 100).to_numpy() if total > 0 else np.nan,
        }
    )
    table = table.sort_values(["cost_eur", "product_group"], ascending=[False, True], kind="stable")
    table["cost_eur"] = round_half_up(table["cost_eur"], 2)
    table["share_pct"] = round_half_up(table["share_pct"], 2)
    return table.reset_index(drop=True)


def peak_years(dataset: DataSet, investments: pd.DataFrame) -> pd.DataFrame:
    """The years with the highest investment and the product groups that cause each peak.

    One row per (peak year, product group), largest groups first, until they
    explain :data:`PEAK_DRIVER_SHARE` percent of that year's investment.
    """
    labels = dataset.tables["catalog"].set_index("product_group")["label"]
    by_year = investments.groupby("year")["investment_eur"].sum()
    peaks = by_year[by_year > 0].sort_values(ascending=False, kind="stable").head(PEAK_COUNT)
    by_group = investments[investments["year"].isin(peaks.index)].groupby(["year", "product_group"])["investment_eur"].sum().reset_index()
    by_group["year_investment_eur"] = by_group["year"].map(peaks)
    by_group["share_of_year_pct"] = by_group["investment_eur"] / by_group["year_investment_eur"] * 100
    by_group["rank"] = by_group["year"].map({year: i + 1 for i, year in enumerate(peaks.index)})
    by_group = by_group.sort_values(["rank", "investment_eur", "product_group"], ascending=[True, False, True])
    explained_before = by_group.groupby("year")["share_of_year_pct"].cumsum() - by_group["share_of_year_pct"]
    drivers = by_group[explained_before < PEAK_DRIVER_SHARE].copy()
    drivers["label"] = drivers["product_group"].map(labels)
    table = drivers[["rank", "year", "year_investment_eur", "product_group", "label", "investment_eur", "share_of_year_pct"]]
    table = table.rename(columns={"investment_eur": "group_investment_eur"})
    table["year_investment_eur"] = round_half_up(table["year_investment_eur"], 2)
    table["group_investment_eur"] = round_half_up(table["group_investment_eur"], 2)
    table["share_of_year_pct"] = round_half_up(table["share_of_year_pct"], 1)
    return table.reset_index(drop=True)


def price_scenarios(dataset: DataSet, recurring: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Total cost per year under the configured price increase, without one, and 2 points higher."""
    configured = float(dataset.plan["cycle"]["price_increase_pct"])
    scenarios = {"configured_eur": configured, "no_increase_eur": 0.0, "plus_2_pct_eur": configured + EXTRA_INCREASE_PCT}
    rows = replacements(dataset) if rows is None else rows
    columns = {}
    for column, pct in scenarios.items():
        investments = replacement_costs(dataset, pct, rows)
        columns[column] = forecast(dataset, investments, recurring).set_index("year")["total_eur"]
    table = pd.DataFrame(columns).reset_index()
    return table


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Every finance figure in ``language``; the replacements and recurring costs are computed once and shared."""
    tr = MESSAGES.translator(language)
    rows = replacements(dataset)
    investments = replacement_costs(dataset, rows=rows)
    recurring = recurring_costs(dataset)
    yearly = forecast(dataset, investments, recurring)
    peaks = peak_years(dataset, investments)
    return [
        forecast_figure(dataset, yearly, peaks, tr),
        product_groups_figure(dataset, product_groups(dataset, investments, recurring), tr),
        total_figure(dataset, yearly, tr),
        peak_years_figure(dataset, peaks, tr),
        price_scenarios_figure(dataset, price_scenarios(dataset, recurring, rows), tr),
    ]


def _span(dataset: DataSet) -> str:
    first, last = dataset.horizon
    return f"{first}–{last}"


def forecast_figure(dataset: DataSet, yearly: pd.DataFrame, peaks: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Stacked bars of investment and recurring cost per year; the summary names the peak years."""
    tr = tr or MESSAGES.translator()
    first, last = dataset.horizon
    total = yearly["total_eur"].sum()
    top_years = list(dict.fromkeys(peaks["year"].astype(str)))
    values = {
        "first": first,
        "last": last,
        "total": tr.amount(total),
        "investment": tr.amount(yearly["investment_eur"].sum()),
        "recurring": tr.amount(yearly["recurring_eur"].sum()),
    }
    if top_years:
        summary = tr(
            "In den Jahren %(first)s bis %(last)s werden insgesamt %(total)s benötigt, davon %(investment)s "
            "Investitionen und %(recurring)s laufende Kosten; am höchsten sind die Investitionen %(years)s.",
            years=tr.join(sorted(top_years)),
            **values,
        )
    else:
        summary = tr(
            "In den Jahren %(first)s bis %(last)s werden insgesamt %(total)s benötigt, davon %(investment)s "
            "Investitionen und %(recurring)s laufende Kosten.",
            **values,
        )
    title = f"{tr.title(FORECAST)} {_span(dataset)}"
    scale, unit, decimals = money_axis(yearly["total_eur"], tr=tr)
    svg = bar_chart(
        yearly["year"].astype(str).tolist(),
        {tr("Investitionen"): yearly["investment_eur"], tr("Laufende Kosten"): yearly["recurring_eur"]},
        title=title,
        desc=summary,
        value_label=unit,
        stacked=True,
        scale=scale,
        decimals=decimals,
        tr=tr,
    )
    return Figure.of(FORECAST, summary, yearly, svg, title=title, tr=tr)


def product_groups_figure(dataset: DataSet, groups: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Horizontal bars of each product group's share, largest first; groups without cost are left out."""
    tr = tr or MESSAGES.translator()
    span = _span(dataset)
    shown = groups[groups["cost_eur"] > 0]
    if len(shown):
        lead = shown.iloc[0]
        summary = tr(
            "Den größten Anteil an den Kosten der Produktgruppen %(span)s hat %(label)s mit %(share)s (%(cost)s).",
            span=span,
            label=lead["label"],
            share=tr.pct(lead["share_pct"], 2),
            cost=tr.amount(lead["cost_eur"]),
        )
    else:
        summary = tr("Für %(span)s fallen keine Kosten in Produktgruppen an.", span=span)
    title = f"{tr.title(PRODUCT_GROUPS)} ({span})"
    svg = bar_chart(
        shown["label"].tolist(),
        {tr("Anteil"): shown["share_pct"].fillna(0)},
        title=title,
        desc=summary,
        value_label=tr("Anteil an den Kosten der Produktgruppen in %"),
        horizontal=True,
        decimals=0,
        value_format=lambda v: tr.pct(v, 2),
        tr=tr,
    )
    return Figure.of(PRODUCT_GROUPS, summary, groups, svg, title=title, tr=tr)


def total_figure(dataset: DataSet, yearly: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """One row: the horizon's total, its investment and recurring parts, and the yearly mean."""
    tr = tr or MESSAGES.translator()
    first, last = dataset.horizon
    total = yearly["total_eur"].sum()
    data = pd.DataFrame(
        {
            "first_year": [first],
            "last_year": [last],
            "total_eur": [round_half_up(total, 2)],
            "investment_eur": [round_half_up(yearly["investment_eur"].sum(), 2)],
            "recurring_eur": [round_half_up(yearly["recurring_eur"].sum(), 2)],
            "annual_average_eur": [round_half_up(total / len(yearly), 2)],
        }
    )
    summary = tr(
        "Der Finanzbedarf %(span)s beträgt %(total)s, im Mittel %(average)s pro Jahr.",
        span=_span(dataset),
        total=tr.eur(total),
        average=tr.eur(total / len(yearly)),
    )
    return Figure.of(TOTAL, summary, data, tr=tr)


def peak_years_figure(dataset: DataSet, peaks: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """The table of :func:`peak_years`; the summary names each peak year and its main groups."""
    tr = tr or MESSAGES.translator()
    if len(peaks):
        parts = []
        for _rank, rows in peaks.groupby("rank", sort=True):
            first_row = rows.iloc[0]
            parts.append(
                tr(
                    "%(year)s (%(amount)s, vor allem %(groups)s)",
                    year=first_row["year"],
                    amount=tr.amount(first_row["year_investment_eur"]),
                    groups=tr.join(rows["label"].tolist()),
                )
            )
        summary = tr("Die höchsten Investitionen fallen an in %(years)s.", years=tr.join(parts))
    else:
        summary = tr("Im Zeitraum %(span)s sind keine Investitionen fällig.", span=_span(dataset))
    return Figure.of(PEAK_YEARS, summary, peaks, tr=tr)


def price_scenarios_figure(dataset: DataSet, scenarios: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """One line per price scenario; without a configured increase the 'none' line is left out."""
    tr = tr or MESSAGES.translator()
    span = _span(dataset)
    configured = float(dataset.plan["cycle"]["price_increase_pct"])
    names = {
        "configured_eur": tr("wie geplant (%(pct)s pro Jahr)", pct=tr.pct(configured)),
        "no_increase_eur": tr("ohne Preissteigerung"),
        "plus_2_pct_eur": tr("bei %(pct)s pro Jahr", pct=tr.pct(configured + EXTRA_INCREASE_PCT)),
    }
    sums = scenarios.drop(columns="year").sum()
    summary = tr(
        "Über %(span)s kostet der Plan %(configured)s bei %(pct)s Preissteigerung pro Jahr, %(none)s ohne "
        "Preissteigerung und %(higher)s bei %(higher_pct)s pro Jahr.",
        span=span,
        configured=tr.amount(sums["configured_eur"]),
        pct=tr.pct(configured),
        none=tr.amount(sums["no_increase_eur"]),
        higher=tr.amount(sums["plus_2_pct_eur"]),
        higher_pct=tr.pct(configured + EXTRA_INCREASE_PCT),
    )
    series = {names[c]: scenarios[c] for c in scenarios.columns if c != "year"}
    if configured == 0:
        series.pop(names["no_increase_eur"])  # the same line twice would hide one
    scale, unit, decimals = money_axis(scenarios["plus_2_pct_eur"], tr=tr)
    svg = line_chart(
        scenarios["year"].tolist(),
        series,
        title=f"{tr.title(PRICE_SCENARIOS)} {span}",
        desc=summary,
        value_label=unit,
        scale=scale,
        decimals=decimals,
        tr=tr,
    )
    return Figure.of(PRICE_SCENARIOS, summary, scenarios, svg, tr=tr)
