"""KI figures on five hand-checked pilots at three of five schools."""

import pandas as pd

import plugins.ki as plugin
from portal.engine.dataset import DataSet
from portal.engine.testing import dates, figures_by_key, with_lines


def make_dataset(pilots=True):
    schools = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S3", "S4", "S5"],
            "name": ["Schule 1", "Schule 2", "Schule 3", "Schule 4", "Schule 5"],
            "school_type": ["Grundschule", "Grundschule", "Gymnasium", "Gesamtschule", "Gymnasium"],
            "pupils": [200, 100, 800, 1000, 600],
            "teachers": [20, 10, 60, 80, 40],
        }
    )
    tables = {"schools": schools}
    if pilots:
        # S3 reports 25 + 40 = 65 trained for two pilots but has 60 teachers: reach counts 60.
        tables["ki_pilots"] = with_lines(pd.DataFrame(
            {
                "pilot": ["P-A", "P-B", "P-A", "P-C", "P-C"],
                "school_id": ["S1", "S1", "S3", "S3", "S2"],
                "tool": ["fobizz", "telli", "fobizz", "ChatGPT Edu", "ChatGPT Edu"],
                "start": dates(["2024-09-01", "2025-02-01", "2024-09-01", "2024-03-01", "2024-03-01"]),
                "status": ["laufend", "geplant", "abgeschlossen", "abgebrochen", "laufend"],
                "teachers_trained": [8, 0, 25, 40, 10],
            }
        ))
    return DataSet(plan={"cycle": {"name": "Test"}}, tables=tables)


def test_pilots_table_is_optional_with_german_statuses():
    (spec,) = plugin.mep_tables()
    assert (spec.name, spec.required) == ("ki_pilots", False)
    columns = {column.name: column for column in spec.columns}
    assert columns["status"].choices == ("geplant", "laufend", "abgeschlossen", "abgebrochen")
    assert columns["school_id"].references == ("schools", "school_id")


def test_pilots_by_status_and_school_type():
    figure = figures_by_key(plugin, make_dataset())["ki.pilots_by_status"]
    assert figure.data.to_dict("list") == {
        "school_type": ["Grundschule", "Gesamtschule", "Gymnasium"],
        "geplant": [1, 0, 0],
        "laufend": [2, 0, 0],
        "abgeschlossen": [0, 0, 1],
        "abgebrochen": [0, 0, 1],
        "pilots": [3, 0, 2],
    }
    assert figure.summary == (
        "An 3 Schulen sind 5 KI-Pilotprojekte erfasst: "
        "1 geplant, 2 laufend, 1 abgeschlossen und 1 abgebrochen."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_training_reach_caps_each_school_at_its_teachers():
    figure = figures_by_key(plugin, make_dataset())["ki.training_reach"]
    assert figure.data.to_dict("list") == {
        "school_type": ["Grundschule", "Gymnasium"],
        "pilot_schools": [2, 1],
        "teachers": [30, 60],
        "teachers_trained": [18, 60],
        "reach_pct": [60.0, 100.0],
    }
    assert figure.summary == "An 3 KI-Pilotschulen wurden 78 von 90 Lehrkräften (86,7 %) geschult."
    assert f">{figure.summary}</desc>" in figure.svg


def test_empty_pilots_table_says_so():
    dataset = make_dataset()
    dataset.tables["ki_pilots"] = dataset.tables["ki_pilots"].iloc[0:0]
    by_key = figures_by_key(plugin, dataset)
    assert by_key["ki.pilots_by_status"].summary == "Es sind keine KI-Pilotprojekte erfasst."
    assert by_key["ki.pilots_by_status"].data["pilots"].tolist() == [0, 0, 0]
    assert by_key["ki.training_reach"].summary == "Es sind keine KI-Pilotschulen erfasst."
    assert by_key["ki.training_reach"].data.empty


def test_absent_pilots_table_gives_no_figures_and_no_problems():
    assert plugin.mep_figures(make_dataset(pilots=False)) == []
    assert plugin.mep_validate(make_dataset(pilots=False)) == []


def test_valid_pilots_have_no_problems():
    assert plugin.mep_validate(make_dataset()) == []


def test_more_trained_than_teachers_in_one_row_is_a_problem():
    dataset = make_dataset()
    dataset.tables["ki_pilots"].loc[6, "teachers_trained"] = 11
    assert [str(problem) for problem in plugin.mep_validate(dataset)] == [
        "ki_pilots.csv:6: column teachers_trained: 11 geschulte Lehrkräfte, aber die Schule S2 hat nur 10"
    ]


def test_pilot_listed_twice_for_a_school_is_a_problem():
    dataset = make_dataset()
    pilots = dataset.tables["ki_pilots"]
    dataset.tables["ki_pilots"] = with_lines(pd.concat([pilots, pilots.iloc[[0]]]))
    assert [str(problem) for problem in plugin.mep_validate(dataset)] == [
        "ki_pilots.csv:7: column pilot: Projekt „P-A“ für die Schule S1 doppelt (zuerst in Zeile 2)"
    ]
