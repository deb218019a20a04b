"""IT-Infrastruktur und technische Ausstattung (MEP 5.1): device ratios and redistribution.

The pupil-device ratio is pupil devices (inventory of product groups with
``pupil_device = true``) per 100 pupils, against the targets in plan.toml.
The redistribution proposal answers the plan's question whether devices
should move between schools: it moves only true surplus (never taking a
donor below its own target) to schools below theirs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from portal.engine.dataset import DataSet, target_pct
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    round_half_up,
    school_types_present,
)
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Messages, Translator

#: this plugin's translations: locale/<language>/LC_MESSAGES/mep.po
MESSAGES = Messages(Path(__file__).resolve().parent / "locale")

DEVICE_RATIO = FigureInfo(
    "infrastructure.device_ratio",
    N_("Ausstattungsquote mit Schüler-Endgeräten nach Schulform"),
    "chart",
    {"school_type": N_("Schulform"), "schools": N_("Schulen"), "pupils": N_("Schülerinnen und Schüler"),
     "pupil_devices": N_("Schüler-Endgeräte"), "ratio_pct": N_("Ausstattungsquote (%)"), "target_pct": N_("Zielquote (%)"),
     "missing_devices": N_("Fehlende Geräte")},
    headline="ratio_pct",
)
OVERALL_RATIO = FigureInfo(
    "infrastructure.overall_ratio",
    N_("Ausstattungsquote über alle Schulen"),
    "key_figure",
    {"schools": N_("Schulen"), "pupils": N_("Schülerinnen und Schüler"), "pupil_devices": N_("Schüler-Endgeräte"),
     "ratio_pct": N_("Ausstattungsquote (%)")},
    headline="ratio_pct",
)
SCHOOL_RATIOS = FigureInfo(
    "infrastructure.school_ratios",
    N_("Ausstattungsquote je Schule"),
    "table",
    {"school_id": N_("Schulnummer"), "name": N_("Schule"), "school_type": N_("Schulform"), "pupils": N_("Schülerinnen und Schüler"),
     "pupil_devices": N_("Schüler-Endgeräte"), "ratio_pct": N_("Ausstattungsquote (%)"), "target_pct": N_("Zielquote (%)"),
     "devices_vs_target": N_("Geräte über/unter Ziel")},
    headline="ratio_pct",
)
REDISTRIBUTION = FigureInfo(
    "infrastructure.redistribution",
    N_("Vorschlag zur Umverteilung von Schüler-Endgeräten"),
    "table",
    {"from_school_id": N_("Von (Schulnummer)"), "from_name": N_("Von Schule"), "from_school_type": N_("Von Schulform"),
     "to_school_id": N_("An (Schulnummer)"), "to_name": N_("An Schule"), "to_school_type": N_("An Schulform"),
     "devices": N_("Geräte")},
    headline="devices",
)
EQUIPMENT = FigureInfo(
    "infrastructure.equipment",
    N_("Ausstattung nach Kategorie"),
    "table",
    {"category": N_("Kategorie (Schlüssel)"), "category_label": N_("Kategorie"), "product_group": N_("Produktgruppe (Schlüssel)"),
     "label": N_("Produktgruppe"), "quantity": N_("Anzahl"), "schools": N_("Schulen"), "value_eur": N_("Wert (€)")},
    headline="quantity",
)
CATALOG = (DEVICE_RATIO, OVERALL_RATIO, SCHOOL_RATIOS, REDISTRIBUTION, EQUIPMENT)

#: the data keeps these German labels in every language; sentences translate them
CATEGORY_LABELS = {
    "infrastructure": N_("Infrastruktur"),
    "hardware": N_("Hardware"),
    "software": N_("Software"),
    "service": N_("Dienstleistung"),
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


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Every infrastructure figure in ``language``; the per-type and per-school ratios are computed once and shared."""
    tr = MESSAGES.translator(language)
    by_type = device_ratio(dataset)
    ratios = school_ratios(dataset)
    return [
        device_ratio_figure(by_type, tr),
        overall_ratio_figure(by_type, ratios, tr),
        school_ratios_figure(ratios, tr),
        redistribution_figure(ratios, redistribution(ratios), tr),
        equipment_figure(equipment(dataset), tr),
    ]


NO_PUPILS = N_("Der Datensatz enthält keine Schülerinnen und Schüler, also auch keine Ausstattungsquote.")


def _overall(by_type: pd.DataFrame) -> tuple[int, int, float]:
    """Pupils, pupil devices and the ratio over all schools (NaN without pupils)."""
    pupils, devices = int(by_type["pupils"].sum()), int(by_type["pupil_devices"].sum())
    return pupils, devices, round_half_up(devices / pupils * 100, 1) if pupils else np.nan


def device_ratio_figure(by_type: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Horizontal bars of each school type's ratio with its target as a marker."""
    tr = tr or MESSAGES.translator()
    pupils, _devices, overall = _overall(by_type)
    below = by_type[by_type["missing_devices"] > 0]
    if not pupils:
        summary = tr(NO_PUPILS)
    elif len(below):
        summary = tr(
            "Über alle Schulen kommen %(ratio)s Schüler-Endgeräte auf 100 Schülerinnen und Schüler; unter ihrem Ziel "
            "liegen %(school_types)s mit zusammen %(missing)s fehlenden Geräten.",
            ratio=tr.pct(overall),
            school_types=tr.join(tr.labels(below["school_type"].tolist())),
            missing=tr.number(below["missing_devices"].sum()),
        )
    else:
        summary = tr(
            "Über alle Schulen kommen %(ratio)s Schüler-Endgeräte auf 100 Schülerinnen und Schüler; jede Schulform "
            "erreicht ihr Ziel.",
            ratio=tr.pct(overall),
        )
    svg = bar_chart(
        tr.labels(by_type["school_type"].tolist()),
        {tr("Quote"): by_type["ratio_pct"].fillna(0)},
        markers={tr("Ziel"): by_type["target_pct"]},
        title=tr.title(DEVICE_RATIO),
        desc=summary,
        value_label=tr("Endgeräte je 100 Schülerinnen und Schüler"),
        horizontal=True,
        value_format=lambda v: tr.pct(v),
        tr=tr,
    )
    return Figure.of(DEVICE_RATIO, summary, by_type, svg, tr=tr)


def overall_ratio_figure(by_type: pd.DataFrame, ratios: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """One row: schools, pupils, pupil devices and the ratio over all schools."""
    tr = tr or MESSAGES.translator()
    pupils, devices, overall = _overall(by_type)
    data = pd.DataFrame({"schools": [len(ratios)], "pupils": [pupils], "pupil_devices": [devices], "ratio_pct": [overall]})
    summary = tr(NO_PUPILS) if not pupils else tr(
        "%(devices)s Schüler-Endgeräte für %(pupils)s Schülerinnen und Schüler an %(schools)s Schulen: %(ratio)s.",
        devices=tr.number(devices),
        pupils=tr.number(pupils),
        schools=tr.number(len(ratios)),
        ratio=tr.pct(overall),
    )
    return Figure.of(OVERALL_RATIO, summary, data, tr=tr)


def school_ratios_figure(ratios: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """The table of :func:`school_ratios`; the summary counts the schools below their target."""
    tr = tr or MESSAGES.translator()
    below_target = int((ratios["devices_vs_target"] < 0).sum())
    summary = tr(
        "%(below)s von %(schools)s Schulen liegen unter dem Ziel ihrer Schulform.",
        below=tr.number(below_target),
        schools=tr.number(len(ratios)),
    )
    return Figure.of(SCHOOL_RATIOS, summary, ratios, tr=tr)


def redistribution_figure(ratios: pd.DataFrame, transfers: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """The table of :func:`redistribution`; the summary says how much of the deficit it covers."""
    tr = tr or MESSAGES.translator()
    surplus = int(ratios["devices_vs_target"].clip(lower=0).sum())
    deficit = int((-ratios["devices_vs_target"]).clip(lower=0).sum())
    moved = int(transfers["devices"].sum())
    if moved:
        flows = transfers.groupby(["from_school_type", "to_school_type"])["devices"].sum().sort_values(ascending=False)
        (main_from, main_to), main_devices = flows.index[0], int(flows.iloc[0])
        summary = tr(
            "Aus dem Überhang von %(surplus)s Geräten ließen sich %(moved)s der %(deficit)s fehlenden Geräte decken, "
            "in %(transfers)s Abgaben, die meisten von %(main_from)s an %(main_to)s (%(main_devices)s).",
            surplus=tr.number(surplus),
            moved=tr.number(moved),
            deficit=tr.number(deficit),
            transfers=tr.number(len(transfers)),
            main_from=tr.labels([main_from])[0],
            main_to=tr.labels([main_to])[0],
            main_devices=tr.number(main_devices),
        )
    elif deficit:
        summary = tr(
            "Es fehlen %(deficit)s Geräte, aber keine Schule hat Geräte über ihrem Ziel abzugeben.",
            deficit=tr.number(deficit),
        )
    else:
        summary = tr("Keine Schule liegt unter ihrem Ziel; eine Umverteilung ist nicht nötig.")
    return Figure.of(REDISTRIBUTION, summary, transfers, tr=tr)


def equipment_figure(stock: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """The table of :func:`equipment`; the summary names the category of the highest value."""
    tr = tr or MESSAGES.translator()
    by_category = stock.groupby("category_label", sort=False)["value_eur"].sum()
    summary = tr("Der Bestand ist leer.") if not stock["quantity"].sum() else tr(
        "Der Bestand umfasst %(quantity)s Geräte und Posten in %(groups)s Produktgruppen; den größten Wert hat "
        "die Kategorie %(category)s.",
        quantity=tr.number(stock["quantity"].sum()),
        groups=tr.number((stock["quantity"] > 0).sum()),
        category=tr(by_category.idxmax()) if len(by_category) else "–",
    )
    return Figure.of(EQUIPMENT, summary, stock, tr=tr)
