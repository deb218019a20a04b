"""Controlling figures on four hand-checked schools and four licences."""

import math

import pandas as pd

import plugins.controlling as plugin
from portal.engine.dataset import DataSet
from portal.engine.testing import dates, figures_by_key, with_lines


def make_dataset(reviews=True, licences=True):
    schools = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S3", "S4"],
            "name": ["Schule 1", "Schule 2", "Schule 3", "Schule 4"],
            "school_type": ["Grundschule", "Grundschule", "Gymnasium", "Gymnasium"],
            "pupils": [200, 100, 800, 700],
            "teachers": [15, 8, 60, 50],
        }
    )
    tables = {"schools": schools}
    if reviews:
        # S4 has no row for 2023 and no talk in 2024: it counts as not held in both years.
        tables["annual_reviews"] = with_lines(pd.DataFrame(
            {
                "school_id": ["S1", "S2", "S3", "S1", "S2", "S3", "S4"],
                "year": [2023, 2023, 2023, 2024, 2024, 2024, 2024],
                "held_on": dates(
                    ["2023-05-10", None, "2023-06-01", "2024-04-01", "2024-04-02", "2024-05-01", None]
                ),
                "media_concept_submitted": [False, False, True, True, False, True, False],
            }
        ))
    if licences:
        tables["licences"] = with_lines(pd.DataFrame(
            {
                "licence": ["A", "B", "C", "D"],
                "seats": [100, 200, 50, 0],
                "active_users": [80, 60, 60, 0],
            }
        ))
    return DataSet(plan={"cycle": {"name": "Test"}}, tables=tables)


def test_tables_are_optional_and_reviews_reference_schools():
    reviews, licences = plugin.mep_tables()
    assert (reviews.name, licences.name) == ("annual_reviews", "licences")
    assert not reviews.required and not licences.required
    columns = {column.name: column for column in reviews.columns}
    assert columns["school_id"].references == ("schools", "school_id")
    assert columns["held_on"].required is False
    assert columns["media_concept_submitted"].type == "bool"


def test_review_coverage_counts_every_school_of_the_type():
    figure = figures_by_key(plugin, make_dataset())["controlling.review_coverage"]
    assert figure.data.to_dict("list") == {
        "year": [2023, 2023, 2024, 2024],
        "school_type": ["Grundschule", "Gymnasium", "Grundschule", "Gymnasium"],
        "schools": [2, 2, 2, 2],
        "reviews_held": [1, 1, 2, 1],
        "coverage_pct": [50.0, 50.0, 100.0, 50.0],
    }
    assert figure.summary == (
        "2024 fanden an 3 von 4 Schulen (75,0 %) Jahresbilanzgespräche statt (2023: 50,0 %)."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_media_concepts_of_the_latest_year():
    figure = figures_by_key(plugin, make_dataset())["controlling.media_concepts"]
    assert figure.data.to_dict("list") == {
        "year": [2024, 2024],
        "school_type": ["Grundschule", "Gymnasium"],
        "schools": [2, 2],
        "submitted": [1, 1],
        "missing": [1, 1],
        "submitted_pct": [50.0, 50.0],
    }
    assert figure.summary == "2024 lag an 2 von 4 Schulen (50,0 %) ein Medienkonzept vor; es fehlen noch 2."


def test_licence_utilisation_names_low_and_excess_use():
    figure = figures_by_key(plugin, make_dataset())["controlling.licence_utilisation"]
    data = figure.data
    assert data["licence"].tolist() == ["C", "A", "B", "D"]
    assert data["seats"].tolist() == [50, 100, 200, 0]
    assert data["active_users"].tolist() == [60, 80, 60, 0]
    assert data["utilisation_pct"].tolist()[:3] == [120.0, 80.0, 30.0]
    assert math.isnan(data["utilisation_pct"].iloc[3])
    assert figure.summary == (
        "Von 350 Plätzen in 4 Lizenzen werden 200 aktiv genutzt (57,1 %); "
        "unter 50 % genutzt: B; mehr aktive Nutzende als Plätze: C."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_more_users_than_seats_is_not_a_problem():
    assert plugin.mep_validate(make_dataset()) == []


def test_absent_tables_give_no_figures():
    assert plugin.mep_figures(make_dataset(reviews=False, licences=False)) == []
    assert list(figures_by_key(plugin, make_dataset(reviews=False))) == ["controlling.licence_utilisation"]
    assert plugin.mep_validate(make_dataset(reviews=False)) == []


def test_second_row_for_a_school_and_year_is_a_problem():
    dataset = make_dataset()
    reviews = dataset.tables["annual_reviews"]
    duplicate = reviews.iloc[[3]].assign(held_on=float("nan"))
    dataset.tables["annual_reviews"] = with_lines(pd.concat([reviews, duplicate]))
    assert [str(problem) for problem in plugin.mep_validate(dataset)] == [
        "annual_reviews.csv:9: column year: Jahr 2024 für die Schule S1 doppelt (zuerst in Zeile 5)"
    ]


def test_empty_tables_say_so():
    dataset = make_dataset()
    dataset.tables = {name: table.iloc[0:0] if name != "schools" else table for name, table in dataset.tables.items()}
    summaries = {figure.key: figure.summary for figure in plugin.mep_figures(dataset)}
    assert summaries == {
        "controlling.review_coverage": "Es wurden keine Jahresbilanzgespräche erfasst.",
        "controlling.media_concepts": "Es wurden keine Medienkonzepte erfasst.",
        "controlling.licence_utilisation": "Es wurden keine Lizenzen erfasst.",
    }
