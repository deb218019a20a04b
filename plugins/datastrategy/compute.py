"""The processing register against the data strategy's six principles (MEP chapter 6.4).

Retention: an entry's retention starts on ``recorded_on`` and ends
``retention_months`` calendar months later, on the same day of the month or,
where that month is shorter, on its last day (31 January + 1 month = the last
day of February). An entry is past its retention when that end lies before
the reference date; on the end day itself it is not yet. The reference date is
``[datastrategy] reference_date`` in plan.toml, else the cycle's ``baseline``,
so the figure is the same however often it is computed.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from portal.engine.dataset import Column, DataSet, Problem, TableSpec
from portal.engine.figures import Figure, FigureInfo, bar_chart
from portal.engine.i18n import N_, SOURCE_LANGUAGE, Messages, Translator

#: this plugin's translations: locale/<language>/LC_MESSAGES/mep.po
MESSAGES = Messages(Path(__file__).resolve().parent / "locale")

# The six principles of chapter 6.4, in the plan's order; the data keeps the German labels in every language.
PRINCIPLES = {
    "transparency": N_("Transparenz und Verantwortlichkeit"),
    "privacy": N_("Schutz der Privatsphäre"),
    "data_quality": N_("Datenqualität und Integrität"),
    "security": N_("Datensicherheit"),
    "interoperability": N_("Interoperabilität"),
    "pedagogical_value": N_("Pädagogischer Nutzen"),
}

REGISTER = TableSpec(
    name="processing_register",
    description="Ein Eintrag im Verzeichnis der Verarbeitungstätigkeiten.",
    columns=(
        Column("data_category", "text", description="Kategorie der Daten, z. B. „Notenlisten“"),
        Column("purpose", "text", description="Zweck der Verarbeitung"),
        Column("legal_basis", "text", description="Rechtsgrundlage, z. B. „§ 120 SchulG NRW“"),
        Column("retention_months", "int", min=0, description="Aufbewahrungsfrist in Kalendermonaten ab recorded_on"),
        Column("system", "text", description="System, in dem die Daten verarbeitet werden"),
        Column(
            "principle",
            "text",
            choices=tuple(PRINCIPLES),
            description="Grundprinzip der Datenstrategie: " + ", ".join(f"{k} = {v}" for k, v in PRINCIPLES.items()),
        ),
        Column("recorded_on", "date", description="Tag der Erhebung; ab ihm läuft die Aufbewahrungsfrist"),
    ),
)
SETTINGS = "datastrategy"
REFERENCE_DATE = "reference_date"

PRINCIPLE_COVERAGE = FigureInfo(
    "datastrategy.principle_coverage",
    N_("Verarbeitungsverzeichnis nach Grundprinzipien"),
    "chart",
    {"principle": N_("Grundprinzip (Schlüssel)"), "label": N_("Grundprinzip"), "entries": N_("Einträge"), "systems": N_("Systeme")},
    headline="entries",
)
PAST_RETENTION = FigureInfo(
    "datastrategy.past_retention",
    N_("Einträge mit überschrittener Aufbewahrungsfrist"),
    "table",
    {"data_category": N_("Datenkategorie"), "purpose": N_("Zweck"), "system": N_("System"), "principle": N_("Grundprinzip"),
     "recorded_on": N_("Erfasst am"), "retention_months": N_("Aufbewahrung (Monate)"), "retention_end": N_("Frist endete am"),
     "days_overdue": N_("Tage überschritten")},
    headline="days_overdue",
)
CATALOG = (PRINCIPLE_COVERAGE, PAST_RETENTION)


def problems(dataset: DataSet) -> list[Problem]:
    """A ``[datastrategy] reference_date`` that is not a date."""
    settings = dataset.plan.get(SETTINGS)
    if settings is None:
        return []
    if not isinstance(settings, dict):
        return [Problem("plan.toml", None, SETTINGS, "muss ein Abschnitt [datastrategy] sein")]
    value = settings.get(REFERENCE_DATE)
    if value is not None and not isinstance(value, datetime.date):
        return [
            Problem(
                "plan.toml",
                None,
                f"{SETTINGS}.{REFERENCE_DATE}",
                "kein Datum (JJJJ-MM-TT, ohne Anführungszeichen)",
            )
        ]
    return []


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Both figures in ``language``, or none when the data set has no processing register."""
    register = dataset.table(REGISTER.name)
    if register is None:
        return []
    tr = MESSAGES.translator(language)
    result = [principle_coverage_figure(register, tr)]
    reference = reference_date(dataset.plan)
    if reference is not None:
        result.append(past_retention_figure(register, reference, tr))
    return result


def reference_date(plan: dict) -> pd.Timestamp | None:
    """``[datastrategy] reference_date``, else ``[cycle] baseline``; None if neither is a date."""
    value = plan.get(SETTINGS, {}).get(REFERENCE_DATE) or plan.get("cycle", {}).get("baseline")
    try:
        return None if value is None else pd.Timestamp(value).normalize()
    except (TypeError, ValueError):
        return None


def principle_coverage_figure(register: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Register entries and distinct systems per principle.

    Columns: ``principle, label, entries, systems``; always the six principles
    in the plan's order, with 0 where a principle has no entry.
    """
    tr = tr or MESSAGES.translator()
    grouped = register.groupby("principle")
    data = pd.DataFrame({"principle": list(PRINCIPLES), "label": list(PRINCIPLES.values())})
    data["entries"] = data["principle"].map(grouped.size()).fillna(0).astype("int64")
    data["systems"] = data["principle"].map(grouped["system"].nunique()).fillna(0).astype("int64")

    covered = int((data["entries"] > 0).sum())
    missing = [tr("„%(label)s“", label=tr(label)) for label in data.loc[data["entries"] == 0, "label"]]
    if not len(register):
        summary = tr(EMPTY_REGISTER)
    elif not missing:
        summary = tr(
            "Alle %(principles)s Grundprinzipien der Datenstrategie sind mit Einträgen im Verarbeitungsverzeichnis belegt.",
            principles=len(PRINCIPLES),
        )
    else:
        summary = tr(
            "%(covered)s von %(principles)s Grundprinzipien der Datenstrategie sind im Verarbeitungsverzeichnis belegt; "
            "ohne Eintrag: %(missing)s.",
            covered=covered,
            principles=len(PRINCIPLES),
            missing=tr.join(missing),
        )
    svg = bar_chart(
        tr.labels(data["label"].tolist()),
        {tr("Einträge"): data["entries"].tolist()},
        title=tr.title(PRINCIPLE_COVERAGE),
        desc=summary,
        value_label=tr("Einträge im Verarbeitungsverzeichnis"),
        horizontal=True,
        value_format=tr.number,
        tr=tr,
    )
    return Figure.of(PRINCIPLE_COVERAGE, summary, data, svg, tr=tr)


EMPTY_REGISTER = N_("Das Verarbeitungsverzeichnis enthält keine Einträge.")


def retention_end(recorded_on: pd.Series, months: pd.Series) -> pd.Series:
    """``recorded_on`` plus ``months`` calendar months, clamped to the month's last day."""
    recorded_on = pd.to_datetime(recorded_on)
    index = (recorded_on.dt.year * 12 + recorded_on.dt.month - 1 + months.astype("int64")).to_numpy()
    first = pd.to_datetime(pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1}))
    day = np.minimum(recorded_on.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    return pd.Series((first + pd.to_timedelta(day - 1, unit="D")).to_numpy(), index=recorded_on.index)


def past_retention_figure(register: pd.DataFrame, reference: pd.Timestamp, tr: Translator | None = None) -> Figure:
    """Entries whose retention ended before the reference date, longest overdue first.

    Columns: ``data_category, purpose, system, principle, recorded_on,
    retention_months, retention_end, days_overdue`` (dates ISO); ``principle``
    is the German label.
    """
    tr = tr or MESSAGES.translator()
    end = retention_end(register["recorded_on"], register["retention_months"])
    overdue = (end < reference).to_numpy()
    rows = register[overdue]
    data = pd.DataFrame(
        {
            "data_category": rows["data_category"].astype(str).to_numpy(),
            "purpose": rows["purpose"].astype(str).to_numpy(),
            "system": rows["system"].astype(str).to_numpy(),
            "principle": rows["principle"].map(PRINCIPLES).to_numpy(),
            "recorded_on": pd.to_datetime(rows["recorded_on"]).dt.strftime("%Y-%m-%d").to_numpy(),
            "retention_months": rows["retention_months"].astype("int64").to_numpy(),
            "retention_end": end[overdue].dt.strftime("%Y-%m-%d").to_numpy(),
            "days_overdue": (reference - end[overdue]).dt.days.astype("int64").to_numpy(),
        }
    )
    data = data.sort_values(["days_overdue", "data_category"], ascending=[False, True], ignore_index=True)

    count, total, day = len(data), len(register), tr.date(reference.date())
    if total == 0:
        summary = tr(EMPTY_REGISTER)
    elif count == 0:
        summary = tr.ngettext(
            "Zum Stichtag %(day)s hat keiner der %(count)s Eintrag im Verarbeitungsverzeichnis seine "
            "Aufbewahrungsfrist überschritten.",
            "Zum Stichtag %(day)s hat keiner der %(count)s Einträge im Verarbeitungsverzeichnis seine "
            "Aufbewahrungsfrist überschritten.",
            total,
            day=day,
        )
    else:
        first = data.iloc[0]
        since = tr(
            "„%(category)s“ (seit %(days)s)",
            category=first["data_category"],
            days=tr.plural(int(first["days_overdue"]), "%(count)s Tag", "%(count)s Tagen"),
        )
        summary = tr.ngettext(
            "Zum Stichtag %(day)s hat %(count)s von %(total)s Einträgen im Verarbeitungsverzeichnis seine "
            "Aufbewahrungsfrist überschritten: %(since)s.",
            "Zum Stichtag %(day)s haben %(count)s von %(total)s Einträgen im Verarbeitungsverzeichnis ihre "
            "Aufbewahrungsfrist überschritten, am längsten %(since)s.",
            count,
            day=day,
            total=tr.number(total),
            since=since,
        )
    return Figure.of(PAST_RETENTION, summary, data, tr=tr)
