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
from pathlib import Path

import pandas as pd

from portal.engine.dataset import Column, DataSet, Problem, TableSpec
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    per_hundred,
    round_half_up,
    school_types_present,
)
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Messages, Translator

#: this plugin's translations: locale/<language>/LC_MESSAGES/mep.po
MESSAGES = Messages(Path(__file__).resolve().parent / "locale")

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
#: the data keeps these German labels in every language
LEVEL_LABELS = {
    1: N_("1st Level (Schule)"),
    2: N_("2nd Level (Schulträger)"),
    3: N_("3rd Level (Hersteller)"),
}
SETTINGS = "support"
DEVICES_PER_STAFF = "devices_per_staff_2nd_level"
STAFF_IN_POST = "staff_2nd_level_in_post"

TICKETS_BY_TOPIC = FigureInfo(
    "support.tickets_by_topic",
    N_("Support-Tickets nach Ebene und Thema"),
    "chart",
    {"topic": N_("Thema"), "level_1": N_("1st Level"), "level_2": N_("2nd Level"), "level_3": N_("3rd Level"), "tickets": N_("Tickets")},
    headline="tickets",
)
TIME_TO_CLOSE = FigureInfo(
    "support.time_to_close",
    N_("Bearbeitungsdauer nach Supportebene"),
    "table",
    {"level": N_("Ebene"), "level_label": N_("Supportebene"), "tickets": N_("Tickets"), "closed": N_("Geschlossen"), "open": N_("Offen"),
     "median_days": N_("Median (Tage)")},
    headline="median_days",
)
TICKETS_PER_DEVICES = FigureInfo(
    "support.tickets_per_devices",
    N_("Support-Tickets je 100 Geräte nach Schulform"),
    "chart",
    {"school_type": N_("Schulform"), "schools": N_("Schulen"), "devices": N_("Geräte"), "tickets": N_("Tickets"),
     "tickets_per_100_devices": N_("Tickets je 100 Geräte")},
    headline="tickets_per_100_devices",
)
STAFF_2ND_LEVEL = FigureInfo(
    "support.staff_2nd_level",
    N_("Personalbedarf im 2nd-Level-Support"),
    "key_figure",
    {"devices": N_("Geräte"), "devices_per_staff": N_("Geräte je Stelle"), "staff_needed": N_("Stellen benötigt"),
     "staff_in_post": N_("Stellen besetzt"), "staff_gap": N_("Fehlende Stellen")},
    headline="staff_gap",
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


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Every support figure the data set allows, in ``language``; a figure whose input is absent is left out."""
    tr = MESSAGES.translator(language)
    schools, catalog, inventory = (dataset.tables[name] for name in ("schools", "catalog", "inventory"))
    result = []
    tickets = dataset.table(TICKETS.name)
    if tickets is not None:
        result.append(tickets_by_topic_figure(tickets, tr))
        result.append(time_to_close_figure(tickets, tr))
        result.append(tickets_per_devices_figure(tickets, schools, catalog, inventory, tr))
    settings = dataset.plan.get(SETTINGS)
    if isinstance(settings, dict) and {DEVICES_PER_STAFF, STAFF_IN_POST} <= settings.keys():
        result.append(
            staff_2nd_level_figure(catalog, inventory, settings[DEVICES_PER_STAFF], settings[STAFF_IN_POST], tr)
        )
    return result


def devices_per_school(catalog: pd.DataFrame, inventory: pd.DataFrame) -> pd.Series:
    """Hardware units per school_id (inventory quantities of ``hardware`` product groups)."""
    hardware = catalog.loc[catalog["category"] == "hardware", "product_group"]
    rows = inventory[inventory["product_group"].isin(hardware)]
    return rows.groupby("school_id")["quantity"].sum().astype("int64")


def tickets_by_topic_figure(tickets: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Tickets per topic, split by level: ``topic, level_1, level_2, level_3, tickets``."""
    tr = tr or MESSAGES.translator()
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
        summary = tr(NO_TICKETS)
    else:
        per_level = [int(data[f"level_{level}"].sum()) for level in LEVELS]
        top = data.iloc[0]
        summary = tr(
            "Von %(total)s Support-Tickets entfielen %(first)s auf den 1st-Level-, %(second)s auf den 2nd-Level- und "
            "%(third)s auf den 3rd-Level-Support; häufigstes Thema war „%(topic)s“ mit %(tickets)s.",
            total=tr.number(total),
            first=tr.number(per_level[0]),
            second=tr.number(per_level[1]),
            third=tr.number(per_level[2]),
            topic=top["topic"],
            tickets=_tickets(int(top["tickets"]), tr),
        )
    svg = bar_chart(
        data["topic"].tolist(),
        {f"{ORDINALS[level]} Level": data[f"level_{level}"].tolist() for level in LEVELS},
        title=tr.title(TICKETS_BY_TOPIC),
        desc=summary,
        value_label=tr("Tickets"),
        stacked=True,
        horizontal=True,
        value_format=tr.number,
        tr=tr,
    )
    return Figure.of(TICKETS_BY_TOPIC, summary, data, svg, tr=tr)


def time_to_close_figure(tickets: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Median days from opened to closed per level, closed tickets only.

    Columns: ``level, level_label, tickets, closed, open, median_days``
    (``median_days`` empty where a level has no closed ticket).
    """
    tr = tr or MESSAGES.translator()
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
        tr("%(days)s Tagen im %(level)s Level", days=tr.number(row.median_days, 1), level=ORDINALS[row.level])
        for row in data.itertuples()
        if not math.isnan(row.median_days)
    ]
    still_open = int(data["open"].sum())
    if not len(tickets):
        summary = tr(NO_TICKETS)
    elif not parts:
        summary = tr("Von %(tickets)s ist noch keines abgeschlossen.", tickets=_tickets(still_open, tr))
    else:
        summary = tr.ngettext(
            "Abgeschlossene Tickets wurden im Median nach %(medians)s erledigt; %(count)s Ticket ist noch offen.",
            "Abgeschlossene Tickets wurden im Median nach %(medians)s erledigt; %(count)s Tickets sind noch offen.",
            still_open,
            medians=tr.join(parts),
        )
    return Figure.of(TIME_TO_CLOSE, summary, data, tr=tr)


def tickets_per_devices_figure(
    tickets: pd.DataFrame,
    schools: pd.DataFrame,
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    tr: Translator | None = None,
) -> Figure:
    """Tickets per 100 devices by school type.

    Columns: ``school_type, schools, devices, tickets, tickets_per_100_devices``
    (one row per school type in schools.csv; the rate is empty without devices).
    """
    tr = tr or MESSAGES.translator()
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
        summary = tr.ngettext(
            "Im Bestand sind keine Geräte erfasst; %(count)s Ticket liegt vor.",
            "Im Bestand sind keine Geräte erfasst; %(count)s Tickets liegen vor.",
            count,
        )
    elif count == 0:
        summary = tr("Für die %(devices)s Geräte im Bestand wurde kein Ticket erfasst.", devices=tr.number(devices))
    else:
        top = data.loc[data["tickets_per_100_devices"].idxmax()]
        summary = tr(
            "Auf 100 Geräte kamen über alle Schulen %(rate)s Tickets; am höchsten war der Wert bei der Schulform "
            "%(school_type)s (%(top_rate)s).",
            rate=tr.number(100 * count / devices, 1),
            school_type=tr.labels([top["school_type"]])[0],
            top_rate=tr.number(top["tickets_per_100_devices"], 1),
        )
    svg = bar_chart(
        tr.labels(data["school_type"].tolist()),
        {tr("Tickets je 100 Geräte"): data["tickets_per_100_devices"].tolist()},
        title=tr.title(TICKETS_PER_DEVICES),
        desc=summary,
        value_label=tr("Tickets je 100 Geräte"),
        horizontal=True,
        value_format=lambda value: tr.number(value, 1),
        decimals=1,
        tr=tr,
    )
    return Figure.of(TICKETS_PER_DEVICES, summary, data, svg, tr=tr)


def staff_2nd_level_figure(
    catalog: pd.DataFrame,
    inventory: pd.DataFrame,
    devices_per_staff: float,
    staff_in_post: float,
    tr: Translator | None = None,
) -> Figure:
    """Full-time 2nd-level posts needed for the devices, against the posts filled.

    One row: ``devices, devices_per_staff, staff_needed, staff_in_post, staff_gap``;
    ``staff_needed`` = devices / devices_per_staff and ``staff_gap`` = needed −
    in post (negative: more posts than needed), both to one decimal.
    """
    tr = tr or MESSAGES.translator()
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
    values = {
        "devices": tr.number(devices),
        "per_staff": tr.number(devices_per_staff),
        "needed": tr.number(needed, 1),
        "in_post": tr.number(staff_in_post, 1),
    }
    if gap > 0:
        summary = tr(
            "Für %(devices)s Geräte werden bei %(per_staff)s Geräten je Vollzeitstelle %(needed)s Stellen im "
            "2nd-Level-Support benötigt; mit %(in_post)s besetzten Stellen fehlen %(gap)s.",
            gap=tr.number(gap, 1),
            **values,
        )
    else:
        summary = tr(
            "Für %(devices)s Geräte werden bei %(per_staff)s Geräten je Vollzeitstelle %(needed)s Stellen im "
            "2nd-Level-Support benötigt; mit %(in_post)s besetzten Stellen ist der Bedarf gedeckt.",
            **values,
        )
    return Figure.of(STAFF_2ND_LEVEL, summary, data, tr=tr)


NO_TICKETS = N_("Es wurden keine Support-Tickets erfasst.")


def _tickets(count: int, tr: Translator) -> str:
    return tr.plural(count, "%(count)s Ticket", "%(count)s Tickets")
