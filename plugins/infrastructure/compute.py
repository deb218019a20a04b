"""IT-Infrastruktur und technische Ausstattung (MEP 5.1): device ratios and redistribution.

The pupil-device ratio is pupil devices (inventory of product groups with
``pupil_device = true``) per 100 pupils, against the targets in plan.toml.
The redistribution proposal answers the plan's question whether devices
should move between schools: it moves only true surplus (never taking a
donor below its own target) to schools below theirs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.engine.dataset import DataSet, target_pct
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    format_number,
    format_pct,
    german_join,
    round_half_up,
    school_types_present,
)

DEVICE_RATIO = FigureInfo(
    "infrastructure.device_ratio",
    "Ausstattungsquote mit Schüler-Endgeräten nach Schulform",
    "chart",
    {"school_type": "Schulform", "schools": "Schulen", "pupils": "Schülerinnen und Schüler",
     "pupil_devices": "Schüler-Endgeräte", "ratio_pct": "Ausstattungsquote (%)", "target_pct": "Zielquote (%)",
     "missing_devices": "Fehlende Geräte"},
)
OVERALL_RATIO = FigureInfo(
    "infrastructure.overall_ratio",
    "Ausstattungsquote über alle Schulen",
    "key_figure",
    {"schools": "Schulen", "pupils": "Schülerinnen und Schüler", "pupil_devices": "Schüler-Endgeräte",
     "ratio_pct": "Ausstattungsquote (%)"},
)
SCHOOL_RATIOS = FigureInfo(
    "infrastructure.school_ratios",
    "Ausstattungsquote je Schule",
    "table",
    {"school_id": "Schulnummer", "name": "Schule", "school_type": "Schulform", "pupils": "Schülerinnen und Schüler",
     "pupil_devices": "Schüler-Endgeräte", "ratio_pct": "Ausstattungsquote (%)", "target_pct": "Zielquote (%)",
     "devices_vs_target": "Geräte über/unter Ziel"},
)
REDISTRIBUTION = FigureInfo(
    "infrastructure.redistribution",
    "Vorschlag zur Umverteilung von Schüler-Endgeräten",
    "table",
    {"from_school_id": "Von (Schulnummer)", "from_name": "Von Schule", "from_school_type": "Von Schulform",
     "to_school_id": "An (Schulnummer)", "to_name": "An Schule", "to_school_type": "An Schulform",
     "devices": "Geräte"},
)
EQUIPMENT = FigureInfo(
    "infrastructure.equipment",
    "Ausstattung nach Kategorie",
    "table",
    {"category": "Kategorie (Schlüssel)", "category_label": "Kategorie", "product_group": "Produktgruppe (Schlüssel)",
     "label": "Produktgruppe", "quantity": "Anzahl", "schools": "Schulen", "value_eur": "Wert (€)"},
)
CATALOG = (DEVICE_RATIO, OVERALL_RATIO, SCHOOL_RATIOS, REDISTRIBUTION, EQUIPMENT)

CATEGORY_LABELS = {
    "infrastructure": "Infrastruktur",
    "hardware": "Hardware",
    "software": "Software",
    "service": "Dienstleistung",
}


def pupil_devices_per_school(dataset: DataSet) -> pd.Series:
    """Pupil devices held by each school (0 where none), indexed by school_id."""
    catalog = dataset.tables["catalog"]
    inventory = dataset.tables["inventory"]
    pupil_groups = catalog.loc[catalog["pupil_device"], "product_group"]
    devices = inventory[inventory["product_group"].isin(pupil_groups)].groupby("school_id")["quantity"].sum()
    return devices.reindex(dataset.tables["schools"]["school_id"], fill_value=0).astype("int64")


def _targets(dataset: DataSet, school_types: pd.Series) -> pd.Series:
    return school_types.map({t: target_pct(dataset.plan, t) for t in school_types.unique()}).astype("float64")


def _needed(target: pd.Series, pupils: pd.Series) -> pd.Series:
    """Devices a target asks for: ⌈target · pupils / 100⌉, robust against 25 · 120 / 100 = 30.000000000000004."""
    return np.ceil(target * pupils / 100 - 1e-9).astype("int64")


def device_ratio(dataset: DataSet) -> pd.DataFrame:
    """The contract's ``infrastructure.device_ratio``: one row per school type present."""
    schools = dataset.tables["schools"]
    per_school = schools.assign(pupil_devices=pupil_devices_per_school(dataset).to_numpy())
    totals = per_school.groupby("school_type", sort=False).agg(
        schools=("school_id", "size"), pupils=("pupils", "sum"), pupil_devices=("pupil_devices", "sum")
    )
    order = [t for t in school_types_present(schools) if t in totals.index]
    totals = totals.loc[order].reset_index()
    totals["target_pct"] = _targets(dataset, totals["school_type"])
    has_pupils = totals["pupils"] > 0
    totals["ratio_pct"] = (totals["pupil_devices"] / totals["pupils"] * 100).where(has_pupils)
    missing = (_needed(totals["target_pct"], totals["pupils"]) - totals["pupil_devices"]).clip(lower=0)
    totals["missing_devices"] = missing.where(has_pupils, 0).astype("int64")
    totals["ratio_pct"] = round_half_up(totals["ratio_pct"], 1)
    totals["target_pct"] = round_half_up(totals["target_pct"], 1)
    return totals[["school_type", "schools", "pupils", "pupil_devices", "ratio_pct", "target_pct", "missing_devices"]]


def school_ratios(dataset: DataSet) -> pd.DataFrame:
    """One row per school: its ratio, its target and devices above (+) or below (−) the target."""
    schools = dataset.tables["schools"]
    table = schools[["school_id", "name", "school_type", "pupils"]].reset_index(drop=True)
    table["pupil_devices"] = pupil_devices_per_school(dataset).to_numpy()
    target = _targets(dataset, table["school_type"])
    table["ratio_pct"] = round_half_up((table["pupil_devices"] / table["pupils"] * 100).where(table["pupils"] > 0), 1)
    table["target_pct"] = round_half_up(target, 1)
    table["devices_vs_target"] = table["pupil_devices"] - _needed(target, table["pupils"])
    return table


def redistribution(ratios: pd.DataFrame) -> pd.DataFrame:
    """Which school gives how many pupil devices to which.

    Donors give only what they hold above their own target; the largest
    surplus fills the largest deficit first, so the proposal covers
    min(total surplus, total deficit) with few transfers. Vectorised: the
    donors' and the recipients' amounts are laid end to end on one axis and
    every overlap of a donor's stretch with a recipient's is one transfer.
    """
    ordered = ratios.sort_values(["devices_vs_target", "school_id"], ascending=[False, True], kind="stable")
    donors = ordered[ordered["devices_vs_target"] > 0]
    recipients = ordered[ordered["devices_vs_target"] < 0].sort_values(
        ["devices_vs_target", "school_id"], ascending=[True, True], kind="stable"
    )
    give = donors["devices_vs_target"].to_numpy()
    take = -recipients["devices_vs_target"].to_numpy()
    moved = min(give.sum(), take.sum())
    columns = [
        "from_school_id", "from_name", "from_school_type",
        "to_school_id", "to_name", "to_school_type", "devices",
    ]
    if moved == 0:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "devices" else "str") for c in columns})
    give_end, take_end = np.cumsum(give), np.cumsum(take)
    cuts = np.union1d(give_end[give_end <= moved], take_end[take_end <= moved])
    cuts = np.union1d(cuts, [moved])
    starts = np.concatenate([[0], cuts[:-1]])
    amounts = cuts - starts
    keep = amounts > 0
    donor = np.searchsorted(give_end, starts[keep], side="right")
    recipient = np.searchsorted(take_end, starts[keep], side="right")
    d, r = donors.iloc[donor], recipients.iloc[recipient]
    table = pd.DataFrame(
        {
            "from_school_id": d["school_id"].to_numpy(),
            "from_name": d["name"].to_numpy(),
            "from_school_type": d["school_type"].to_numpy(),
            "to_school_id": r["school_id"].to_numpy(),
            "to_name": r["name"].to_numpy(),
            "to_school_type": r["school_type"].to_numpy(),
            "devices": amounts[keep].astype("int64"),
        }
    )
    return table


def equipment(dataset: DataSet) -> pd.DataFrame:
    """Stock per product group, grouped by category, valued at catalog prices."""
    catalog = dataset.tables["catalog"]
    inventory = dataset.tables["inventory"]
    price = inventory["unit_cost_eur"].fillna(inventory["product_group"].map(catalog.set_index("product_group")["unit_cost_eur"]))
    stock = inventory.assign(value_eur=inventory["quantity"] * price).groupby("product_group").agg(
        quantity=("quantity", "sum"), schools=("school_id", "nunique"), value_eur=("value_eur", "sum")
    )
    table = catalog[["category", "product_group", "label"]].merge(stock, left_on="product_group", right_index=True, how="left")
    table = table.fillna({"quantity": 0, "schools": 0, "value_eur": 0.0})
    table["category_label"] = table["category"].map(CATEGORY_LABELS)
    table["category"] = pd.Categorical(table["category"], categories=list(CATEGORY_LABELS), ordered=True)
    table = table.sort_values(["category", "value_eur", "product_group"], ascending=[True, False, True], kind="stable")
    table["category"] = table["category"].astype("str")
    table["quantity"] = table["quantity"].astype("int64")
    table["schools"] = table["schools"].astype("int64")
    table["value_eur"] = round_half_up(table["value_eur"], 2)
    return table[["category", "category_label", "product_group", "label", "quantity", "schools", "value_eur"]].reset_index(drop=True)


def figures(dataset: DataSet) -> list[Figure]:
    """Every infrastructure figure; the per-type and per-school ratios are computed once and shared."""
    by_type = device_ratio(dataset)
    ratios = school_ratios(dataset)
    return [
        device_ratio_figure(by_type),
        overall_ratio_figure(by_type, ratios),
        school_ratios_figure(ratios),
        redistribution_figure(ratios, redistribution(ratios)),
        equipment_figure(equipment(dataset)),
    ]


NO_PUPILS = "Der Datensatz enthält keine Schülerinnen und Schüler, also auch keine Ausstattungsquote."


def _overall(by_type: pd.DataFrame) -> tuple[int, int, float]:
    """Pupils, pupil devices and the ratio over all schools (NaN without pupils)."""
    pupils, devices = int(by_type["pupils"].sum()), int(by_type["pupil_devices"].sum())
    return pupils, devices, round_half_up(devices / pupils * 100, 1) if pupils else np.nan


def device_ratio_figure(by_type: pd.DataFrame) -> Figure:
    """Horizontal bars of each school type's ratio with its target as a marker."""
    pupils, _devices, overall = _overall(by_type)
    below = by_type[by_type["missing_devices"] > 0]
    summary = NO_PUPILS if not pupils else (
        f"Über alle Schulen kommen {format_pct(overall)} Schüler-Endgeräte auf 100 Schülerinnen und Schüler"
        + (
            f"; unter ihrem Ziel liegen {german_join(below['school_type'].tolist())} "
            f"mit zusammen {format_number(below['missing_devices'].sum())} fehlenden Geräten."
            if len(below)
            else "; jede Schulform erreicht ihr Ziel."
        )
    )
    svg = bar_chart(
        by_type["school_type"].tolist(),
        {"Quote": by_type["ratio_pct"].fillna(0)},
        markers={"Ziel": by_type["target_pct"]},
        title=DEVICE_RATIO.title,
        desc=summary,
        value_label="Endgeräte je 100 Schülerinnen und Schüler",
        horizontal=True,
        value_format=lambda v: format_pct(v),
    )
    return Figure.of(DEVICE_RATIO, summary, by_type, svg)


def overall_ratio_figure(by_type: pd.DataFrame, ratios: pd.DataFrame) -> Figure:
    """One row: schools, pupils, pupil devices and the ratio over all schools."""
    pupils, devices, overall = _overall(by_type)
    data = pd.DataFrame({"schools": [len(ratios)], "pupils": [pupils], "pupil_devices": [devices], "ratio_pct": [overall]})
    summary = NO_PUPILS if not pupils else (
        f"{format_number(devices)} Schüler-Endgeräte für {format_number(pupils)} Schülerinnen und Schüler "
        f"an {format_number(len(ratios))} Schulen: {format_pct(overall)}."
    )
    return Figure.of(OVERALL_RATIO, summary, data)


def school_ratios_figure(ratios: pd.DataFrame) -> Figure:
    """The table of :func:`school_ratios`; the summary counts the schools below their target."""
    below_target = int((ratios["devices_vs_target"] < 0).sum())
    summary = (
        f"{format_number(below_target)} von {format_number(len(ratios))} Schulen liegen unter dem Ziel ihrer Schulform."
    )
    return Figure.of(SCHOOL_RATIOS, summary, ratios)


def redistribution_figure(ratios: pd.DataFrame, transfers: pd.DataFrame) -> Figure:
    """The table of :func:`redistribution`; the summary says how much of the deficit it covers."""
    surplus = int(ratios["devices_vs_target"].clip(lower=0).sum())
    deficit = int((-ratios["devices_vs_target"]).clip(lower=0).sum())
    moved = int(transfers["devices"].sum())
    if moved:
        flows = transfers.groupby(["from_school_type", "to_school_type"])["devices"].sum().sort_values(ascending=False)
        (main_from, main_to), main_devices = flows.index[0], int(flows.iloc[0])
        summary = (
            f"Aus dem Überhang von {format_number(surplus)} Geräten ließen sich {format_number(moved)} der "
            f"{format_number(deficit)} fehlenden Geräte decken, in {format_number(len(transfers))} Abgaben, "
            f"die meisten von {main_from} an {main_to} ({format_number(main_devices)})."
        )
    elif deficit:
        summary = f"Es fehlen {format_number(deficit)} Geräte, aber keine Schule hat Geräte über ihrem Ziel abzugeben."
    else:
        summary = "Keine Schule liegt unter ihrem Ziel; eine Umverteilung ist nicht nötig."
    return Figure.of(REDISTRIBUTION, summary, transfers)


def equipment_figure(stock: pd.DataFrame) -> Figure:
    """The table of :func:`equipment`; the summary names the category of the highest value."""
    by_category = stock.groupby("category_label", sort=False)["value_eur"].sum()
    summary = "Der Bestand ist leer." if not stock["quantity"].sum() else (
        f"Der Bestand umfasst {format_number(stock['quantity'].sum())} Geräte und Posten in "
        f"{format_number((stock['quantity'] > 0).sum())} Produktgruppen; den größten Wert hat die Kategorie "
        f"{by_category.idxmax() if len(by_category) else '–'}."
    )
    return Figure.of(EQUIPMENT, summary, stock)
