"""Data-strategy figures on five hand-checked register entries."""

import datetime

import pandas as pd
import pytest

import plugins.datastrategy as plugin
from plugins.datastrategy.compute import retention_end
from portal.engine.dataset import DataSet
from portal.engine.testing import figures_by_key, with_lines


def make_dataset(register=True, datastrategy=None):
    plan = {"cycle": {"name": "Test", "baseline": datetime.date(2024, 12, 31)}}
    if datastrategy is not None:
        plan["datastrategy"] = datastrategy
    tables = {}
    if register:
        tables["processing_register"] = with_lines(pd.DataFrame(
            {
                "data_category": ["Notenlisten", "Schülerstammdaten", "Zugangsdaten", "Lernstandsdaten", "Protokolle"],
                "purpose": ["Leistungsbewertung", "Schulverwaltung", "Anmeldung", "Förderung", "Sicherheit"],
                "legal_basis": ["§ 120 SchulG NRW"] * 5,
                "retention_months": [12, 59, 13, 0, 0],
                "system": ["SchILD", "SchILD", "IServ", "Lernplattform", "Firewall"],
                "principle": ["privacy", "transparency", "security", "pedagogical_value", "security"],
                # Retention ends: 2024-06-30, 2024-12-31, 2024-02-29 (leap year, clamped), 2024-12-31, 2024-11-30.
                "recorded_on": [
                    datetime.date(2023, 6, 30),
                    datetime.date(2020, 1, 31),
                    datetime.date(2023, 1, 31),
                    datetime.date(2024, 12, 31),
                    datetime.date(2024, 11, 30),
                ],
            }
        ))
    return DataSet(plan=plan, tables=tables)


def test_register_is_optional_and_principles_are_the_plans_six():
    (spec,) = plugin.mep_tables()
    assert (spec.name, spec.required) == ("processing_register", False)
    columns = {column.name: column for column in spec.columns}
    assert columns["principle"].choices == (
        "transparency", "privacy", "data_quality", "security", "interoperability", "pedagogical_value"
    )


def test_retention_end_keeps_the_day_or_takes_the_months_last():
    ends = retention_end(
        pd.Series(pd.to_datetime(["2023-01-31", "2024-01-31", "2024-05-15", "2024-12-31"])),
        pd.Series([13, 1, 0, 2]),
    )
    assert ends.dt.strftime("%Y-%m-%d").tolist() == ["2024-02-29", "2024-02-29", "2024-05-15", "2025-02-28"]


def test_coverage_lists_all_six_principles():
    figure = figures_by_key(plugin, make_dataset())["datastrategy.principle_coverage"]
    assert figure.data.to_dict("list") == {
        "principle": ["transparency", "privacy", "data_quality", "security", "interoperability", "pedagogical_value"],
        "label": [
            "Transparenz und Verantwortlichkeit",
            "Schutz der Privatsphäre",
            "Datenqualität und Integrität",
            "Datensicherheit",
            "Interoperabilität",
            "Pädagogischer Nutzen",
        ],
        "entries": [1, 1, 0, 2, 0, 1],
        "systems": [1, 1, 0, 2, 0, 1],
    }
    assert figure.summary == (
        "4 von 6 Grundprinzipien der Datenstrategie sind im Verarbeitungsverzeichnis belegt; "
        "ohne Eintrag: „Datenqualität und Integrität“ und „Interoperabilität“."
    )
    assert f">{figure.summary}</desc>" in figure.svg


def test_past_retention_at_the_baseline_excludes_the_end_day():
    figure = figures_by_key(plugin, make_dataset())["datastrategy.past_retention"]
    assert figure.data.to_dict("list") == {
        "data_category": ["Zugangsdaten", "Notenlisten", "Protokolle"],
        "purpose": ["Anmeldung", "Leistungsbewertung", "Sicherheit"],
        "system": ["IServ", "SchILD", "Firewall"],
        "principle": ["Datensicherheit", "Schutz der Privatsphäre", "Datensicherheit"],
        "recorded_on": ["2023-01-31", "2023-06-30", "2024-11-30"],
        "retention_months": [13, 12, 0],
        "retention_end": ["2024-02-29", "2024-06-30", "2024-11-30"],
        "days_overdue": [306, 184, 31],
    }
    assert figure.summary == (
        "Zum Stichtag 31.12.2024 haben 3 von 5 Einträgen im Verarbeitungsverzeichnis ihre "
        "Aufbewahrungsfrist überschritten, am längsten „Zugangsdaten“ (seit 306 Tagen)."
    )


@pytest.mark.parametrize(
    ("reference", "overdue", "summary"),
    [
        (
            datetime.date(2024, 7, 1),
            {"Zugangsdaten": 123, "Notenlisten": 1},
            "Zum Stichtag 01.07.2024 haben 2 von 5 Einträgen im Verarbeitungsverzeichnis ihre "
            "Aufbewahrungsfrist überschritten, am längsten „Zugangsdaten“ (seit 123 Tagen).",
        ),
        (
            datetime.date(2024, 3, 1),
            {"Zugangsdaten": 1},
            "Zum Stichtag 01.03.2024 hat 1 von 5 Einträgen im Verarbeitungsverzeichnis seine "
            "Aufbewahrungsfrist überschritten: „Zugangsdaten“ (seit 1 Tag).",
        ),
        (
            datetime.date(2024, 2, 29),
            {},
            "Zum Stichtag 29.02.2024 hat keiner der 5 Einträge im Verarbeitungsverzeichnis "
            "seine Aufbewahrungsfrist überschritten.",
        ),
    ],
)
def test_reference_date_setting_overrides_the_baseline(reference, overdue, summary):
    figure = figures_by_key(plugin, make_dataset(datastrategy={"reference_date": reference}))["datastrategy.past_retention"]
    assert dict(zip(figure.data["data_category"], figure.data["days_overdue"], strict=True)) == overdue
    assert figure.summary == summary


def test_absent_register_gives_no_figures():
    assert plugin.mep_figures(make_dataset(register=False)) == []


def test_reference_date_must_be_a_date():
    assert plugin.mep_validate(make_dataset()) == []
    assert plugin.mep_validate(make_dataset(datastrategy={"reference_date": datetime.date(2025, 6, 30)})) == []
    (problem,) = plugin.mep_validate(make_dataset(datastrategy={"reference_date": "30.06.2025"}))
    assert str(problem) == (
        "plan.toml: column datastrategy.reference_date: kein Datum (JJJJ-MM-TT, ohne Anführungszeichen)"
    )
