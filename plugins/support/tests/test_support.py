"""Support figures on six hand-checked tickets at three schools."""

import datetime
import math

import pandas as pd
import pytest

import plugins.support as plugin
from portal.engine.dataset import DataSet
from portal.engine.testing import dates, figures_by_key, with_lines


def make_dataset(tickets=True, support=None):
    schools = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S3"],
            "name": ["Schule 1", "Schule 2", "Schule 3"],
            "school_type": ["Grundschule", "Grundschule", "Gymnasium"],
            "pupils": [200, 100, 800],
            "teachers": [15, 8, 60],
        }
    )
    catalog = pd.DataFrame(
        {
            "product_group": ["ipad", "wlan", "mdm"],
            "category": ["hardware", "infrastructure", "software"],
        }
    )
    # Devices: Grundschule 100 + 50 = 150, Gymnasium 200 (WLAN and MDM are no devices).
    inventory = pd.DataFrame(
        {
            "school_id": ["S1", "S1", "S2", "S3", "S3"],
            "product_group": ["ipad", "wlan", "ipad", "ipad", "mdm"],
            "quantity": [100, 10, 50, 200, 200],
        }
    )
    tables = {"schools": schools, "catalog": catalog, "inventory": inventory}
    if tickets:
        tables["support_tickets"] = with_lines(pd.DataFrame(
            {
                "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
                "school_id": ["S1", "S1", "S2", "S3", "S3", "S1"],
                "level": [1, 1, 2, 2, 3, 1],
                "topic": ["WLAN", "iPads", "WLAN", "WLAN", "iPads", "WLAN"],
                "opened": dates(
                    ["2025-01-01", "2025-01-02", "2025-01-10", "2025-02-01", "2025-02-01", "2025-03-01"]
                ),
                # Days to close: 2, 4, 10, open, 30 (February 2025 has 28 days), 1.
                "closed": dates(
                    ["2025-01-03", "2025-01-06", "2025-01-20", None, "2025-03-03", "2025-03-02"]
                ),
            }
        ))
    plan = {"cycle": {"name": "Test"}}
    if support is not None:
        plan["support"] = support
    return DataSet(plan=plan, tables=tables)


def test_tickets_table_is_optional_and_references_schools():
    (spec,) = plugin.mep_tables()
    assert spec.name == "support_tickets"
    assert spec.required is False
    columns = {column.name: column for column in spec.columns}
    assert columns["school_id"].references == ("schools", "school_id")
    assert columns["closed"].required is False
    assert (columns["level"].min, columns["level"].max) == (1, 3)


def test_tickets_by_topic_splits_levels():
    figure = figures_by_key(plugin, make_dataset())["support.tickets_by_topic"]
    assert figure.data.to_dict("list") == {
        "topic": ["WLAN", "iPads"],
        "level_1": [2, 1],
        "level_2": [2, 0],
        "level_3": [0, 1],
        "tickets": [4, 2],
    }
    assert figure.summary == (
        "Von 6 Support-Tickets entfielen 3 auf den 1st-Level-, 2 auf den 2nd-Level- und "
        "1 auf den 3rd-Level-Support; häufigstes Thema war „WLAN“ mit 4 Tickets."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_median_time_to_close_counts_closed_tickets_only():
    figure = figures_by_key(plugin, make_dataset())["support.time_to_close"]
    assert figure.data.to_dict("list") == {
        "level": [1, 2, 3],
        "level_label": ["1st Level (Schule)", "2nd Level (Schulträger)", "3rd Level (Hersteller)"],
        "tickets": [3, 2, 1],
        "closed": [3, 1, 1],
        "open": [0, 1, 0],
        "median_days": [2.0, 10.0, 30.0],
    }
    assert figure.summary == (
        "Abgeschlossene Tickets wurden im Median nach 2,0 Tagen im 1st Level, "
        "10,0 Tagen im 2nd Level und 30,0 Tagen im 3rd Level erledigt; 1 Ticket ist noch offen."
    )


def test_level_without_tickets_has_empty_median():
    dataset = make_dataset()
    tickets = dataset.tables["support_tickets"]
    dataset.tables["support_tickets"] = with_lines(tickets[tickets["level"] != 3])
    data = figures_by_key(plugin, dataset)["support.time_to_close"].data
    assert data["tickets"].tolist() == [3, 2, 0]
    assert math.isnan(data["median_days"].iloc[2])


def test_tickets_per_100_devices_by_school_type_counts_hardware_only():
    figure = figures_by_key(plugin, make_dataset())["support.tickets_per_devices"]
    assert figure.data.to_dict("list") == {
        "school_type": ["Grundschule", "Gymnasium"],
        "schools": [2, 1],
        "devices": [150, 200],
        "tickets": [4, 2],
        "tickets_per_100_devices": [2.7, 1.0],  # 4/150·100 = 2.67, 2/200·100 = 1
    }
    assert figure.summary == (
        "Auf 100 Geräte kamen über alle Schulen 1,7 Tickets; "
        "am höchsten war der Wert bei der Schulform Grundschule (2,7)."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_staff_needed_from_devices_per_staff():
    dataset = make_dataset(support={"devices_per_staff_2nd_level": 100, "staff_2nd_level_in_post": 2})
    figure = figures_by_key(plugin, dataset)["support.staff_2nd_level"]
    assert figure.kind == "key_figure"
    assert figure.data.to_dict("records") == [
        {
            "devices": 350,
            "devices_per_staff": 100.0,
            "staff_needed": 3.5,
            "staff_in_post": 2.0,
            "staff_gap": 1.5,
        }
    ]
    assert figure.summary == (
        "Für 350 Geräte werden bei 100 Geräten je Vollzeitstelle 3,5 Stellen im "
        "2nd-Level-Support benötigt; mit 2,0 besetzten Stellen fehlen 1,5."
    )


def test_staff_in_post_above_need_is_covered():
    dataset = make_dataset(support={"devices_per_staff_2nd_level": 700, "staff_2nd_level_in_post": 1})
    figure = figures_by_key(plugin, dataset)["support.staff_2nd_level"]
    assert figure.data["staff_needed"].tolist() == [0.5]
    assert figure.data["staff_gap"].tolist() == [-0.5]
    assert figure.summary.endswith("mit 1,0 besetzten Stellen ist der Bedarf gedeckt.")


def test_absent_tables_and_settings_give_no_figures():
    assert plugin.mep_figures(make_dataset(tickets=False)) == []
    assert list(figures_by_key(plugin, make_dataset(support=None))) == [
        "support.tickets_by_topic",
        "support.time_to_close",
        "support.tickets_per_devices",
    ]


def test_ticket_closed_before_opened_is_a_problem():
    dataset = make_dataset()
    dataset.tables["support_tickets"].loc[4, "closed"] = datetime.date(2025, 1, 9)
    (problem,) = plugin.mep_validate(dataset)
    assert str(problem) == (
        "support_tickets.csv:4: column closed: Abschluss 2025-01-09 liegt vor der Eröffnung 2025-01-10"
    )


def test_valid_data_has_no_problems():
    dataset = make_dataset(support={"devices_per_staff_2nd_level": 600, "staff_2nd_level_in_post": 12.5})
    assert plugin.mep_validate(dataset) == []
    assert plugin.mep_validate(make_dataset(tickets=False)) == []


@pytest.mark.parametrize(
    ("support", "expected"),
    [
        (
            {"staff_2nd_level_in_post": 3},
            ["plan.toml: column support.devices_per_staff_2nd_level: fehlt"],
        ),
        (
            {"devices_per_staff_2nd_level": 0, "staff_2nd_level_in_post": -1},
            [
                "plan.toml: column support.devices_per_staff_2nd_level: muss eine Zahl größer als 0 sein",
                "plan.toml: column support.staff_2nd_level_in_post: muss eine Zahl ab 0 sein",
            ],
        ),
        (
            {"devices_per_staff_2nd_level": "600", "staff_2nd_level_in_post": True},
            [
                "plan.toml: column support.devices_per_staff_2nd_level: muss eine Zahl größer als 0 sein",
                "plan.toml: column support.staff_2nd_level_in_post: muss eine Zahl ab 0 sein",
            ],
        ),
    ],
)
def test_unusable_support_settings_are_problems(support, expected):
    problems = plugin.mep_validate(make_dataset(tickets=False, support=support))
    assert [str(problem) for problem in problems] == expected


def test_empty_tickets_table_says_so():
    dataset = make_dataset()
    dataset.tables["support_tickets"] = dataset.tables["support_tickets"].iloc[0:0]
    by_key = figures_by_key(plugin, dataset)
    assert by_key["support.tickets_by_topic"].summary == "Es wurden keine Support-Tickets erfasst."
    assert by_key["support.time_to_close"].summary == "Es wurden keine Support-Tickets erfasst."
    assert by_key["support.time_to_close"].data["tickets"].tolist() == [0, 0, 0]
    assert by_key["support.tickets_per_devices"].data["tickets"].tolist() == [0, 0]
    assert by_key["support.tickets_per_devices"].summary == (
        "Für die 350 Geräte im Bestand wurde kein Ticket erfasst."
    )


def test_only_open_tickets_have_no_median():
    dataset = make_dataset()
    dataset.tables["support_tickets"]["closed"] = float("nan")
    figure = figures_by_key(plugin, dataset)["support.time_to_close"]
    assert figure.data["open"].tolist() == [3, 2, 1]
    assert figure.summary == "Von 6 Tickets ist noch keines abgeschlossen."
