"""KI pilots at schools and the teachers they trained (MEP chapter 6.3 Künstliche Intelligenz).

One row of ``ki_pilots`` is one pilot at one school; a pilot run at three
schools has three rows, and counts as three pilots at schools.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.engine.dataset import Column, DataSet, Problem, TableSpec
from portal.engine.figures import (
    Figure,
    FigureInfo,
    bar_chart,
    per_hundred,
    school_types_present,
)
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Messages, Translator

#: this plugin's translations: locale/<language>/LC_MESSAGES/mep.po
MESSAGES = Messages(Path(__file__).resolve().parent / "locale")

STATUSES = ("geplant", "laufend", "abgeschlossen", "abgebrochen")
#: a status as a chart's legend writes it, and "3 laufend" in a sentence; the data keeps the values above
STATUS_LABELS = {"geplant": N_("geplant"), "laufend": N_("laufend"), "abgeschlossen": N_("abgeschlossen"),
                 "abgebrochen": N_("abgebrochen")}
STATUS_COUNTS = {"geplant": N_("%(count)s geplant"), "laufend": N_("%(count)s laufend"),
                 "abgeschlossen": N_("%(count)s abgeschlossen"), "abgebrochen": N_("%(count)s abgebrochen")}

PILOTS = TableSpec(
    name="ki_pilots",
    description="Ein KI-Pilotprojekt an einer Schule.",
    columns=(
        Column("pilot", "text", description="Name des Pilotprojekts; je Schule höchstens einmal"),
        Column(
            "school_id",
            "text",
            references=("schools", "school_id"),
            description="Schule, an der das Projekt läuft",
        ),
        Column("tool", "text", description="Erprobte KI-Anwendung"),
        Column("start", "date", description="Beginn (bei geplanten Projekten: vorgesehener Beginn)"),
        Column(
            "status",
            "text",
            choices=STATUSES,
            description="geplant, laufend, abgeschlossen (regulär beendet) oder abgebrochen (vorzeitig beendet)",
        ),
        Column(
            "teachers_trained",
            "int",
            min=0,
            description="Lehrkräfte der Schule, die für das Projekt geschult wurden",
        ),
    ),
)

PILOTS_BY_STATUS = FigureInfo(
    "ki.pilots_by_status",
    N_("KI-Pilotprojekte nach Status und Schulform"),
    "chart",
    {"school_type": N_("Schulform"), "geplant": N_("Geplant"), "laufend": N_("Laufend"), "abgeschlossen": N_("Abgeschlossen"),
     "abgebrochen": N_("Abgebrochen"), "pilots": N_("Pilotprojekte")},
    headline="pilots",
)
TRAINING_REACH = FigureInfo(
    "ki.training_reach",
    N_("Geschulte Lehrkräfte an KI-Pilotschulen"),
    "chart",
    {"school_type": N_("Schulform"), "pilot_schools": N_("Pilotschulen"), "teachers": N_("Lehrkräfte"),
     "teachers_trained": N_("Geschulte Lehrkräfte"), "reach_pct": N_("Anteil geschult (%)")},
    headline="reach_pct",
)
CATALOG = (PILOTS_BY_STATUS, TRAINING_REACH)


def problems(dataset: DataSet) -> list[Problem]:
    """A pilot listed twice for one school, or more teachers trained than the school has."""
    pilots = dataset.table(PILOTS.name)
    if pilots is None:
        return []
    file = dataset.file_name(PILOTS.name)
    found = []
    keys = pd.DataFrame({"pilot": pilots["pilot"], "school_id": pilots["school_id"]})
    first_line = pd.Series(keys.index, index=keys.index).groupby([keys["pilot"], keys["school_id"]]).transform("min")
    for line in keys.index[keys.duplicated().to_numpy()]:
        pilot, school = keys.loc[line]
        found.append(
            Problem(
                file,
                int(line),
                "pilot",
                f"Projekt „{pilot}“ für die Schule {school} doppelt (zuerst in Zeile {first_line[line]})",
            )
        )
    teachers = pilots["school_id"].map(dataset.tables["schools"].set_index("school_id")["teachers"])
    trained = pilots["teachers_trained"]
    for line in pilots.index[(trained > teachers).to_numpy()]:
        found.append(
            Problem(
                file,
                int(line),
                "teachers_trained",
                f"{trained[line]} geschulte Lehrkräfte, aber die Schule {pilots.at[line, 'school_id']} "
                f"hat nur {int(teachers[line])}",
            )
        )
    return sorted(found, key=lambda problem: problem.line)


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Both KI figures in ``language``, or none when the data set has no ki_pilots table."""
    pilots = dataset.table(PILOTS.name)
    if pilots is None:
        return []
    schools = dataset.tables["schools"]
    tr = MESSAGES.translator(language)
    return [pilots_by_status_figure(pilots, schools, tr), training_reach_figure(pilots, schools, tr)]


def pilots_by_status_figure(pilots: pd.DataFrame, schools: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Pilots at schools per status and school type.

    Columns: ``school_type``, one per status (``geplant, laufend, abgeschlossen,
    abgebrochen``) and ``pilots``; one row per school type in schools.csv.
    """
    tr = tr or MESSAGES.translator()
    school_type = pilots["school_id"].map(schools.set_index("school_id")["school_type"])
    counts = pd.crosstab(school_type, pilots["status"]) if len(pilots) else pd.DataFrame()
    data = _school_types(schools)
    for status in STATUSES:
        column = counts[status] if status in counts else pd.Series(dtype="int64")
        data[status] = data["school_type"].map(column).fillna(0).astype("int64")
    data["pilots"] = data[list(STATUSES)].sum(axis=1)

    total = int(data["pilots"].sum())
    if total == 0:
        summary = tr("Es sind keine KI-Pilotprojekte erfasst.")
    else:
        per_status = [tr(STATUS_COUNTS[s], count=tr.number(int(data[s].sum()))) for s in STATUSES if data[s].sum()]
        summary = tr.ngettext(
            "An %(schools)s ist %(count)s KI-Pilotprojekt erfasst: %(statuses)s.",
            "An %(schools)s sind %(count)s KI-Pilotprojekte erfasst: %(statuses)s.",
            total,
            schools=tr.plural(pilots["school_id"].nunique(), "%(count)s Schule", "%(count)s Schulen"),
            statuses=tr.join(per_status),
        )
    svg = bar_chart(
        tr.labels(data["school_type"].tolist()),
        {tr(STATUS_LABELS[status]): data[status].tolist() for status in STATUSES},
        title=tr.title(PILOTS_BY_STATUS),
        desc=summary,
        value_label=tr("Pilotprojekte an Schulen"),
        stacked=True,
        horizontal=True,
        value_format=tr.number,
        tr=tr,
    )
    return Figure.of(PILOTS_BY_STATUS, summary, data, svg, tr=tr)


def training_reach_figure(pilots: pd.DataFrame, schools: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Teachers trained against the teachers at pilot schools, per school type.

    Columns: ``school_type, pilot_schools, teachers, teachers_trained, reach_pct``;
    one row per school type with a pilot school. Per school the trained
    teachers of all its pilots are added and capped at its teachers, since one
    teacher may be trained for two pilots.
    """
    tr = tr or MESSAGES.translator()
    trained = pilots.groupby("school_id")["teachers_trained"].sum()
    per_school = schools[schools["school_id"].isin(trained.index)]
    per_school = pd.DataFrame(
        {
            "school_type": per_school["school_type"].to_numpy(),
            "teachers": per_school["teachers"].astype("int64").to_numpy(),
            "trained": per_school["school_id"].map(trained).astype("int64").to_numpy(),
        }
    )
    per_school["trained"] = per_school[["trained", "teachers"]].min(axis=1)
    grouped = per_school.groupby("school_type").agg(
        pilot_schools=("teachers", "size"),
        teachers=("teachers", "sum"),
        teachers_trained=("trained", "sum"),
    )
    data = _school_types(schools)
    data = data[data["school_type"].isin(grouped.index)].reset_index(drop=True)
    for column in ("pilot_schools", "teachers", "teachers_trained"):
        data[column] = data["school_type"].map(grouped[column]).astype("int64")
    data["reach_pct"] = per_hundred(data["teachers_trained"], data["teachers"])

    teachers, reached = int(data["teachers"].sum()), int(data["teachers_trained"].sum())
    if data.empty:
        summary = tr("Es sind keine KI-Pilotschulen erfasst.")
    else:
        values = {
            "schools": tr.plural(int(data["pilot_schools"].sum()), "%(count)s KI-Pilotschule", "%(count)s KI-Pilotschulen"),
            "teachers": tr.number(teachers),
        }
        if teachers:
            summary = tr.ngettext(
                "An %(schools)s wurde %(count)s von %(teachers)s Lehrkräften (%(pct)s) geschult.",
                "An %(schools)s wurden %(count)s von %(teachers)s Lehrkräften (%(pct)s) geschult.",
                reached,
                pct=tr.pct(100 * reached / teachers),
                **values,
            )
        else:
            summary = tr.ngettext(
                "An %(schools)s wurde %(count)s von %(teachers)s Lehrkräften geschult.",
                "An %(schools)s wurden %(count)s von %(teachers)s Lehrkräften geschult.",
                reached,
                **values,
            )
    svg = bar_chart(
        tr.labels(data["school_type"].tolist()),
        {tr("geschulte Lehrkräfte"): data["reach_pct"].tolist()},
        title=tr.title(TRAINING_REACH),
        desc=summary,
        value_label=tr("geschulte Lehrkräfte an Pilotschulen in %"),
        horizontal=True,
        value_format=tr.pct,
        tr=tr,
    )
    return Figure.of(TRAINING_REACH, summary, data, svg, tr=tr)


def _school_types(schools: pd.DataFrame) -> pd.DataFrame:
    """The school types of schools.csv in the contract's order, as a ``school_type`` column."""
    return pd.DataFrame({"school_type": pd.Series(school_types_present(schools), dtype=object)})
