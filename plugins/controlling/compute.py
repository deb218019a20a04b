"""Annual review talks, media concepts and licence use (MEP chapter 5.4 Controlling und Evaluation).

The plan names the annual review talks (Jahresbilanzgespräche) as its
strategic parameter, the schools' media concepts as its pedagogical one and
the use of licences as a technical one.
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

ANNUAL_REVIEWS = TableSpec(
    name="annual_reviews",
    description="Das Jahresbilanzgespräch einer Schule in einem Jahr.",
    columns=(
        Column(
            "school_id",
            "text",
            references=("schools", "school_id"),
            description="Schule; je Schule und Jahr höchstens eine Zeile",
        ),
        Column("year", "year", description="Jahr, für das das Gespräch vorgesehen ist"),
        Column(
            "held_on",
            "date",
            required=False,
            description="Tag des Gesprächs; leer = nicht geführt",
        ),
        Column(
            "media_concept_submitted",
            "bool",
            description="true, wenn das schulische Medienkonzept in diesem Jahr vorliegt",
        ),
    ),
)

LICENCES = TableSpec(
    name="licences",
    description="Eine Lizenz und ihre Nutzung.",
    columns=(
        Column("licence", "text", unique=True, description="Name der Lizenz"),
        Column("seats", "int", min=0, description="Erworbene Lizenzplätze"),
        Column("active_users", "int", min=0, description="Aktive Nutzende im Erhebungszeitraum"),
    ),
)

# A licence used by fewer active users than this share of its seats is named in the summary.
LOW_UTILISATION_PCT = 50.0

REVIEW_COVERAGE = FigureInfo(
    "controlling.review_coverage",
    N_("Jahresbilanzgespräche nach Schulform und Jahr"),
    "chart",
    {"year": N_("Jahr"), "school_type": N_("Schulform"), "schools": N_("Schulen"), "reviews_held": N_("Gespräche geführt"),
     "coverage_pct": N_("Abdeckung (%)")},
    headline="coverage_pct",
)
MEDIA_CONCEPTS = FigureInfo(
    "controlling.media_concepts",
    N_("Stand der schulischen Medienkonzepte"),
    "table",
    {"year": N_("Jahr"), "school_type": N_("Schulform"), "schools": N_("Schulen"), "submitted": N_("Eingereicht"),
     "missing": N_("Fehlend"), "submitted_pct": N_("Eingereicht (%)")},
    headline="submitted_pct",
)
LICENCE_UTILISATION = FigureInfo(
    "controlling.licence_utilisation",
    N_("Auslastung der Lizenzen"),
    "chart",
    {"licence": N_("Lizenz"), "seats": N_("Lizenzen"), "active_users": N_("Aktive Nutzende"), "utilisation_pct": N_("Auslastung (%)")},
    headline="utilisation_pct",
)
CATALOG = (REVIEW_COVERAGE, MEDIA_CONCEPTS, LICENCE_UTILISATION)


def problems(dataset: DataSet) -> list[Problem]:
    """A school with two rows for the same year."""
    reviews = dataset.table(ANNUAL_REVIEWS.name)
    if reviews is None:
        return []
    keys = pd.DataFrame({"school_id": reviews["school_id"], "year": reviews["year"].astype("int64")})
    first_line = pd.Series(keys.index, index=keys.index).groupby([keys["school_id"], keys["year"]]).transform("min")
    found = []
    for line in keys.index[keys.duplicated().to_numpy()]:
        school, year = keys.loc[line]
        found.append(
            Problem(
                dataset.file_name(ANNUAL_REVIEWS.name),
                int(line),
                "year",
                f"Jahr {year} für die Schule {school} doppelt (zuerst in Zeile {first_line[line]})",
            )
        )
    return found


def figures(dataset: DataSet, language: str = SOURCE_LANGUAGE) -> list[Figure]:
    """Every controlling figure whose table is in the data set, in ``language``."""
    tr = MESSAGES.translator(language)
    result = []
    reviews = dataset.table(ANNUAL_REVIEWS.name)
    if reviews is not None:
        schools = dataset.tables["schools"]
        result.append(review_coverage_figure(reviews, schools, tr))
        result.append(media_concepts_figure(reviews, schools, tr))
    licences = dataset.table(LICENCES.name)
    if licences is not None:
        result.append(licence_utilisation_figure(licences, tr))
    return result


def review_coverage_figure(reviews: pd.DataFrame, schools: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Share of schools whose annual review was held, per year and school type.

    Columns: ``year, school_type, schools, reviews_held, coverage_pct``; one row
    per year of annual_reviews and school type of schools.csv. The base is every
    school of the type, so a school without a row counts as not held.
    """
    tr = tr or MESSAGES.translator()
    data = _per_school_type(reviews, schools, reviews["held_on"].notna(), "reviews_held")
    data["coverage_pct"] = per_hundred(data["reviews_held"], data["schools"])

    totals = data.groupby("year")[["schools", "reviews_held"]].sum()
    if totals.empty:
        summary = tr("Es wurden keine Jahresbilanzgespräche erfasst.")
    else:
        year = int(totals.index[-1])
        count, base = int(totals.iloc[-1]["reviews_held"]), int(totals.iloc[-1]["schools"])
        values = {"year": year, "count": tr.number(count), "base": tr.number(base), "pct": tr.pct(_pct_value(count, base))}
        if len(totals) > 1:
            before = totals.iloc[-2]
            share = _pct_value(int(before["reviews_held"]), int(before["schools"]))
            summary = tr(
                "%(year)s fanden an %(count)s von %(base)s Schulen (%(pct)s) Jahresbilanzgespräche statt "
                "(%(year_before)s: %(pct_before)s).",
                year_before=int(totals.index[-2]),
                pct_before=tr.pct(share),
                **values,
            )
        else:
            summary = tr("%(year)s fanden an %(count)s von %(base)s Schulen (%(pct)s) Jahresbilanzgespräche statt.", **values)
    school_types = list(dict.fromkeys(data["school_type"]))
    by_year = data.pivot(index="school_type", columns="year", values="coverage_pct").reindex(school_types)
    svg = bar_chart(
        tr.labels(school_types),
        {str(year): by_year[year].tolist() for year in by_year.columns} or {"": []},
        title=tr.title(REVIEW_COVERAGE),
        desc=summary,
        value_label=tr("Schulen mit Gespräch in %"),
        horizontal=True,
        tr=tr,
    )
    return Figure.of(REVIEW_COVERAGE, summary, data, svg, tr=tr)


def media_concepts_figure(reviews: pd.DataFrame, schools: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Media concepts submitted in the latest year of annual_reviews, per school type.

    Columns: ``year, school_type, schools, submitted, missing, submitted_pct``;
    a school without a row for that year counts as missing.
    """
    tr = tr or MESSAGES.translator()
    years = reviews["year"].astype("int64")
    latest = reviews[years == years.max()] if len(reviews) else reviews
    submitted = latest["media_concept_submitted"].astype(bool)
    data = _per_school_type(latest, schools, submitted, "submitted")
    data["missing"] = data["schools"] - data["submitted"]
    data["submitted_pct"] = per_hundred(data["submitted"], data["schools"])

    if data.empty:
        summary = tr("Es wurden keine Medienkonzepte erfasst.")
    else:
        year = int(data["year"].iloc[0])
        count, base = int(data["submitted"].sum()), int(data["schools"].sum())
        values = {"year": year, "count": tr.number(count), "base": tr.number(base), "pct": tr.pct(_pct_value(count, base))}
        if count < base:
            summary = tr(
                "%(year)s lag an %(count)s von %(base)s Schulen (%(pct)s) ein Medienkonzept vor; es fehlen noch %(missing)s.",
                missing=tr.number(base - count),
                **values,
            )
        else:
            summary = tr("%(year)s lag an %(count)s von %(base)s Schulen (%(pct)s) ein Medienkonzept vor.", **values)
    return Figure.of(MEDIA_CONCEPTS, summary, data, tr=tr)


def licence_utilisation_figure(licences: pd.DataFrame, tr: Translator | None = None) -> Figure:
    """Active users per seat for each licence, highest use first.

    Columns: ``licence, seats, active_users, utilisation_pct`` (empty where a
    licence has no seats). Use above 100 % is shown as it is, not refused.
    """
    tr = tr or MESSAGES.translator()
    data = pd.DataFrame(
        {
            "licence": licences["licence"].astype(str).to_numpy(),
            "seats": licences["seats"].astype("int64").to_numpy(),
            "active_users": licences["active_users"].astype("int64").to_numpy(),
        }
    )
    data["utilisation_pct"] = per_hundred(data["active_users"], data["seats"])
    data = data.sort_values(
        ["utilisation_pct", "licence"], ascending=[False, True], na_position="last", ignore_index=True
    )

    seats, users = int(data["seats"].sum()), int(data["active_users"].sum())
    if data.empty:
        summary = tr("Es wurden keine Lizenzen erfasst.")
    else:
        values = {
            "seats": tr.number(seats),
            "licences": tr.plural(len(data), "%(count)s Lizenz", "%(count)s Lizenzen"),
            "users": tr.number(users),
        }
        if seats:
            summary = tr(
                "Von %(seats)s Plätzen in %(licences)s werden %(users)s aktiv genutzt (%(pct)s)",
                pct=tr.pct(_pct_value(users, seats)),
                **values,
            )
        else:
            summary = tr("Von %(seats)s Plätzen in %(licences)s werden %(users)s aktiv genutzt", **values)
        low = data.loc[data["utilisation_pct"] < LOW_UTILISATION_PCT, "licence"].tolist()
        over = data.loc[data["utilisation_pct"] > 100, "licence"].tolist()
        if low:
            summary += tr(
                "; unter %(pct)s genutzt: %(licences)s", pct=tr.pct(LOW_UTILISATION_PCT, 0), licences=tr.join(low)
            )
        if over:
            summary += tr("; mehr aktive Nutzende als Plätze: %(licences)s", licences=tr.join(over))
        summary += "."
    svg = bar_chart(
        data["licence"].tolist(),
        {tr("Auslastung"): data["utilisation_pct"].tolist()},
        title=tr.title(LICENCE_UTILISATION),
        desc=summary,
        value_label=tr("aktive Nutzende je Lizenzplatz in %"),
        horizontal=True,
        value_format=tr.pct,
        tr=tr,
    )
    return Figure.of(LICENCE_UTILISATION, summary, data, svg, tr=tr)


def _per_school_type(
    rows: pd.DataFrame, schools: pd.DataFrame, flag: pd.Series, name: str
) -> pd.DataFrame:
    """Schools per type and, per year of ``rows``, the distinct schools where ``flag`` holds."""
    school_types = school_types_present(schools)
    base = schools.groupby("school_type").size()
    years = sorted(rows["year"].astype("int64").unique().tolist())
    data = pd.DataFrame(
        [(year, school_type) for year in years for school_type in school_types],
        columns=["year", "school_type"],
    ).astype({"year": "int64", "school_type": object})
    data["schools"] = data["school_type"].map(base).astype("int64")

    marked = pd.DataFrame(
        {"school_id": rows["school_id"].to_numpy(), "year": rows["year"].astype("int64").to_numpy()}
    )[flag.to_numpy()].drop_duplicates()
    marked["school_type"] = marked["school_id"].map(schools.set_index("school_id")["school_type"])
    counts = marked.groupby(["year", "school_type"]).size()
    keys = pd.MultiIndex.from_frame(data[["year", "school_type"]])
    data[name] = counts.reindex(keys, fill_value=0).to_numpy().astype("int64")
    return data


def _pct_value(count: int, base: int) -> float:
    return 100 * count / base if base else 0.0
