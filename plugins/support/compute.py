"""Support tickets and second-level staffing (MEP chapter 5.2 Betrieb, Support und Wartung).

The plan splits support into three levels: the school (1st level), the
Schulträger (2nd level) and the manufacturers (3rd level). Devices are the
inventory quantities of product groups whose catalog category is
``hardware``: cabling, licences and services are not devices a ticket is
raised for.
"""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

from portal.engine.dataset import Column, DataSet, Problem, TableSpec
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    format_count,
    format_number,
    german_join,
    per_hundred,
    round_half_up,
    school_types_present,
)

TICKETS = TableSpec(
    name="support_tickets",
    description="Ein Support-Ticket einer Schule.",
    columns=(
        Column("ticket_id", "text", unique=True, description="Kennung des Tickets"),
        Column(
            "school_id",
            "text",
            references=("schools", "school_id"),
            description="Schule, für die das Ticket eröffnet wurde",
        ),
        Column(
            "level",
            "int",
            min=1,
            max=3,
            description="Supportebene: 1 = Schule, 2 = Schulträger, 3 = Hersteller",
        ),
        Column("topic", "text", description="Thema, z. B. „WLAN“ oder „iPads“"),
        Column("opened", "date", description="Tag der Eröffnung"),
        Column(
            "closed",
            "date",
            required=False,
            description="Tag des Abschlusses; leer = noch offen",
        ),
    ),
)

LEVELS = (1, 2, 3)
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
LEVEL_LABELS = {
    1: "1st Level (Schule)",
    2: "2nd Level (Schulträger)",
    3: "3rd Level (Hersteller)",
}
SETTINGS = "support"
DEVICES_PER_STAFF = "devices_per_staff_2nd_level"
STAFF_IN_POST = "staff_2nd_level_in_post"

TICKETS_BY_TOPIC = FigureInfo(
    "support.tickets_by_topic",
    "Support-Tickets nach Ebene und Thema",
    "chart",
    {"topic": "Thema", "level_1": "1st Level", "level_2": "2nd Level", "level_3": "3rd Level", "tickets": "Tickets"},
)
TIME_TO_CLOSE = FigureInfo(
    "support.time_to_close",
    "Bearbeitungsdauer nach Supportebene",
    "table",
    {"level": "Ebene", "level_label": "Supportebene", "tickets": "Tickets", "closed": "Geschlossen", "open": "Offen",
     "median_days": "Median (Tage)"},
)
TICKETS_PER_DEVICES = FigureInfo(
    "support.tickets_per_devices",
    "Support-Tickets je 100 Geräte nach Schulform",
    "chart",
    {"school_type": "Schulform", "schools": "Schulen", "devices": "Geräte", "tickets": "Tickets",
     "tickets_per_100_devices": "Tickets je 100 Geräte"},
)
STAFF_2ND_LEVEL = FigureInfo(
    "support.staff_2nd_level",
    "Personalbedarf im 2nd-Level-Support",
    "key_figure",
    {"devices": "Geräte", "devices_per_staff": "Geräte je Stelle", "staff_needed": "Stellen benötigt",
     "staff_in_post": "Stellen besetzt", "staff_gap": "Fehlende Stellen"},
)
CATALOG = (TICKETS_BY_TOPIC, TIME_TO_CLOSE, TICKETS_PER_DEVICES, STAFF_2ND_LEVEL)


def problems(dataset: DataSet) -> list[Problem]:
    """Tickets closed before they were opened, and unusable ``[support]`` settings."""
    found = _settings_problems(dataset.plan.get(SETTINGS))
    tickets = dataset.table(TICKETS.name)
    if tickets is not None and len(tickets):
        opened = pd.to_datetime(tickets["opened"])
        closed = pd.to_datetime(tickets["closed"])
        for line in tickets.index[(closed < opened).to_numpy()]:
            found.append(
                Problem(
                    dataset.file_name(TICKETS.name),
                    int(line),
                    "closed",
                    f"Abschluss {closed[line]:%Y-%m-%d} liegt vor der Eröffnung {opened[line]:%Y-%m-%d}",
                )
            )
    return found


def _settings_problems(settings: object) -> list[Problem]:
    if settings is None:
        return []
    if not isinstance(settings, dict):
        return [Problem("plan.toml", None, SETTINGS, "muss ein Abschnitt [support] sein")]
    found = []
    for key, positive in ((DEVICES_PER_STAFF, True), (STAFF_IN_POST, False)):
        value, where = settings.get(key), f"{SETTINGS}.{key}"
        if value is None:
            found.append(Problem("plan.toml", None, where, "fehlt"))
        elif isinstance(value, bool) or not isinstance(value, Real) or value < 0 or (positive and value == 0):
            rule = "größer als 0" if positive else "ab 0"
            found.append(Problem("plan.toml", None, where, f"muss eine Zahl {rule} sein"))
    return found


def figures(dataset: DataSet) -> list[Figure]:
    """Every support figure the data set allows; a figure whose input is absent is left out."""
    schools, catalog, inventory = (dataset.tables[name] for name in ("schools", "catalog", "inventory"))
    result = []
    tickets = dataset.table(TICKETS.name)
    if tickets is not None:
        result.append(tickets_by_topic_figure(tickets))
        result.append(time_to_close_figure(tickets))
        result.append(tickets_per_devices_figure(tickets, schools, catalog, inventory))
    settings = dataset.plan.get(SETTINGS)
    if isinstance(settings, dict) and {DEVICES_PER_STAFF, STAFF_IN_POST} <= settings.keys():
        result.append(
            staff_2nd_level_figure(catalog, inventory, settings[DEVICES_PER_STAFF], settings[STAFF_IN_POST])
        )
    return result


def devices_per_school(catalog: pd.DataFrame, inventory: pd.DataFrame) -> pd.Series:
    """Hardware units per school_id (inventory quantities of ``hardware`` product groups)."""
    hardware = catalog.loc[catalog["category"] == "hardware", "product_group"]
    rows = inventory[inventory["product_group"].isin(hardware)]
    return rows.groupby("school_id")["quantity"].sum().astype("int64")


def tickets_by_topic_figure(tickets: pd.DataFrame) -> Figure:
    """Tickets per topic, split by level: ``topic, level_1, level_2, level_3, tickets``."""
    counts = pd.crosstab(tickets["topic"], tickets["level"].astype("int64"))
    counts = counts.reindex(columns=list(LEVELS), fill_value=0)
    data = pd.DataFrame(
        {
            "topic": counts.index.astype(str),
            **{f"level_{level}": counts[level].to_numpy(dtype="int64") for level in LEVELS},
        }
    )
    data["tickets"] = data[[f"level_{level}" for level in LEVELS]].sum(axis=1)
    data = data.sort_values(["tickets", "topic"], ascending=[False, True], ignore_index=True)
    total = int(data["tickets"].sum())
    if total == 0:
        summary = "Es wurden keine Support-Tickets erfasst."
    else:
        per_level = [int(data[f"level_{level}"].sum()) for level in LEVELS]
        top = data.iloc[0]
        summary = (
            f"Von {format_number(total)} Support-Tickets entfielen {format_number(per_level[0])} auf den 1st-Level-, "
            f"{format_number(per_level[1])} auf den 2nd-Level- und {format_number(per_level[2])} auf den "
            f"3rd-Level-Support; häufigstes Thema war „{top['topic']}“ mit "
            f"{_tickets(int(top['tickets']))}."
        )
    svg = bar_chart(
        data["topic"].tolist(),
        {f"{ORDINALS[level]} Level": data[f"level_{level}"].tolist() for level in LEVELS},
        title=TICKETS_BY_TOPIC.title,
        desc=summary,
        value_label="Tickets",
        stacked=True,
        horizontal=True,
        value_format=format_number,
    )
    return Figure.of(TICKETS_BY_TOPIC, summary, data, svg)


def time_to_close_figure(tickets: pd.DataFrame) -> Figure:
    """Median days from opened to closed per level, closed tickets only.

    Columns: ``level, level_label, tickets, closed, open, median_days``
    (``median_days`` empty where a level has no closed ticket).
    """
    opened = pd.to_datetime(tickets["opened"])
    closed = pd.to_datetime(tickets["closed"])
    frame = pd.DataFrame(
        {
            "level": tickets["level"].astype("int64").to_numpy(),
            "days": (closed - opened).dt.days.to_numpy(),
        }
    )
    grouped = frame.groupby("level")["days"]
    data = pd.DataFrame({"level": list(LEVELS)})
    data["level_label"] = data["level"].map(LEVEL_LABELS)
    data["tickets"] = data["level"].map(grouped.size()).fillna(0).astype("int64")
    data["closed"] = data["level"].map(grouped.count()).fillna(0).astype("int64")
    data["open"] = data["tickets"] - data["closed"]
    data["median_days"] = round_half_up(data["level"].map(grouped.median()).astype("float64"), 1)

    parts = [
        f"{format_number(row.median_days, 1)} Tagen im {ORDINALS[row.level]} Level"
        for row in data.itertuples()
        if not math.isnan(row.median_days)
    ]
    still_open = int(data["open"].sum())
    if not len(tickets):
        summary = "Es wurden keine Support-Tickets erfasst."
    elif not parts:
        summary = f"Von {_tickets(still_open)} ist noch keines abgeschlossen."
    else:
        summary = f"Abgeschlossene Tickets wurden im Median nach {german_join(parts)} erledigt"
        summary += f"; {_tickets(still_open)} {'ist' if still_open == 1 else 'sind'} noch offen."
    return Figure.of(TIME_TO_CLOSE, summary, data)


def tickets_per_devices_figure(
    tickets: pd.DataFrame,
    schools: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
) -> Figure:
    """Tickets per 100 devices by school type.

    Columns: ``school_type, schools, devices, tickets, tickets_per_100_devices``
    (one row per school type in schools.csv; the rate is empty without devices).
    """
    per_school = pd.DataFrame(
        {
            "school_id": schools["school_id"].to_numpy(),
            "school_type": schools["school_type"].to_numpy(),
        }
    )
    per_school["devices"] = (
        per_school["school_id"].map(devices_per_school(catalog, inventory)).fillna(0).astype("int64")
    )
    per_school["tickets"] = (
        per_school["school_id"].map(tickets["school_id"].value_counts()).fillna(0).astype("int64")
    )
    data = (
        per_school.groupby("school_type", sort=False)
        .agg(schools=("school_id", "size"), devices=("devices", "sum"), tickets=("tickets", "sum"))
        .reset_index()
    )
    data = data.set_index("school_type").loc[school_types_present(schools)].reset_index()
    data["tickets_per_100_devices"] = per_hundred(data["tickets"], data["devices"])

    devices, count = int(data["devices"].sum()), int(data["tickets"].sum())
    if devices == 0:
        summary = f"Im Bestand sind keine Geräte erfasst; {_tickets(count)} {'liegt' if count == 1 else 'liegen'} vor."
    elif count == 0:
        summary = f"Für die {format_number(devices)} Geräte im Bestand wurde kein Ticket erfasst."
    else:
        top = data.loc[data["tickets_per_100_devices"].idxmax()]
        summary = (
            f"Auf 100 Geräte kamen über alle Schulen {format_number(100 * count / devices, 1)} Tickets; "
            f"am höchsten war der Wert bei der Schulform {top['school_type']} "
            f"({format_number(top['tickets_per_100_devices'], 1)})."
        )
    svg = bar_chart(
        data["school_type"].tolist(),
        {"Tickets je 100 Geräte": data["tickets_per_100_devices"].tolist()},
        title=TICKETS_PER_DEVICES.title,
        desc=summary,
        value_label="Tickets je 100 Geräte",
        horizontal=True,
        value_format=lambda value: format_number(value, 1),
        decimals=1,
    )
    return Figure.of(TICKETS_PER_DEVICES, summary, data, svg)


def staff_2nd_level_figure(
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    devices_per_staff: float,
    staff_in_post: float,
) -> Figure:
    """Full-time 2nd-level posts needed for the devices, against the posts filled.

    One row: ``devices, devices_per_staff, staff_needed, staff_in_post, staff_gap``;
    ``staff_needed`` = devices / devices_per_staff and ``staff_gap`` = needed −
    in post (negative: more posts than needed), both to one decimal.
    """
    devices = int(devices_per_school(catalog, inventory).sum())
    needed = round_half_up(devices / devices_per_staff, 1)
    gap = round_half_up(needed - staff_in_post, 1)
    data = pd.DataFrame(
        {
            "devices": [devices],
            "devices_per_staff": [float(devices_per_staff)],
            "staff_needed": [needed],
            "staff_in_post": [float(staff_in_post)],
            "staff_gap": [gap],
        }
    )
    summary = (
        f"Für {format_number(devices)} Geräte werden bei {format_number(devices_per_staff)} Geräten je Vollzeitstelle "
        f"{format_number(needed, 1)} Stellen im 2nd-Level-Support benötigt; "
    )
    if gap > 0:
        summary += f"mit {format_number(staff_in_post, 1)} besetzten Stellen fehlen {format_number(gap, 1)}."
    else:
        summary += f"mit {format_number(staff_in_post, 1)} besetzten Stellen ist der Bedarf gedeckt."
    return Figure.of(STAFF_2ND_LEVEL, summary, data)


def _tickets(count: int) -> str:
    return format_count(count, "Ticket", "Tickets")
