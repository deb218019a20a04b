"""plan.toml's rules (contract: "plan.toml"): each broken key reported once, at its own line, in German.

The expected problems were taken from the engine before ``_read_plan`` became
the rule table in :mod:`portal.engine.plan_toml`; they must not change.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portal.engine.dataset import DataSetError
from portal.engine.plan_toml import PLAN_SECTIONS, read_plan
from portal.engine.reading import Source, read_tables
from portal.engine.specs import Column, TableSpec
from portal.engine.testing import PLAN, load_tiny, write_dataset


def sub(old: str, new: str) -> str:
    assert old in PLAN
    return PLAN.replace(old, new)


CASES = [
    pytest.param(
        PLAN.replace("[cycle]", "[cyclo]"),
        ["plan.toml: column cycle: Abschnitt [cycle] fehlt"],
        id="no_cycle",
    ),
    pytest.param(
        "cycle = 5\n" + PLAN.replace("[cycle]", "[other]"),
        ["plan.toml: column cycle: Abschnitt [cycle] fehlt"],
        id="cycle_int",
    ),
    pytest.param(
        "[cycle]\nname = \"x\"\n\n[targets.device_ratio_pct]\ndefault = 5\n",
        ["plan.toml:1: column cycle.baseline: Angabe fehlt", "plan.toml:1: column cycle.horizon: Angabe fehlt", "plan.toml:1: column cycle.price_base_year: Angabe fehlt", "plan.toml:1: column cycle.price_increase_pct: Angabe fehlt"],
        id="missing_keys",
    ),
    pytest.param(
        sub('name = "Testzyklus"', 'name = "  "'),
        ["plan.toml:2: column cycle.name: muss ein nicht leerer Text sein"],
        id="name_empty",
    ),
    pytest.param(
        sub('baseline = 2024-12-31', 'baseline = "2024-13-45"'),
        ["plan.toml:3: column cycle.baseline: muss ein Datum sein, z. B. 2024-12-31"],
        id="baseline_badstr",
    ),
    pytest.param(
        sub('baseline = 2024-12-31', 'baseline = 2024-12-31T10:00:00'),
        ["plan.toml:3: column cycle.baseline: muss ein Datum sein, z. B. 2024-12-31"],
        id="baseline_dt",
    ),
    pytest.param(
        sub('horizon = [2025, 2027]', 'horizon = [2030, 2025]'),
        ["plan.toml:4: column cycle.horizon: das erste Jahr liegt nach dem letzten"],
        id="horizon_rev",
    ),
    pytest.param(
        sub('horizon = [2025, 2027]', 'horizon = [true, 2027]'),
        ["plan.toml:4: column cycle.horizon: muss aus zwei Jahreszahlen bestehen, z. B. [2025, 2034]"],
        id="horizon_bool",
    ),
    pytest.param(
        sub('price_base_year = 2025', 'price_base_year = 3000'),
        ["plan.toml:5: column cycle.price_base_year: muss eine Jahreszahl sein"],
        id="pby_far",
    ),
    pytest.param(
        sub('price_increase_pct = 0.0', 'price_increase_pct = -100'),
        ["plan.toml:6: column cycle.price_increase_pct: muss größer als -100 sein"],
        id='pct_m100',
    ),
    pytest.param(
        sub('price_increase_pct = 0.0', 'price_increase_pct = nan'),
        ["plan.toml:6: column cycle.price_increase_pct: muss eine Zahl sein"],
        id="pct_nan",
    ),
    pytest.param(
        sub('price_increase_pct = 0.0', 'price_increase_pct = 0.0\nsynthetic = "yes"'),
        ["plan.toml:7: column cycle.synthetic: muss true oder false sein"],
        id="synth_str",
    ),
    pytest.param(
        PLAN.split("[targets")[0],
        ["plan.toml: column targets.device_ratio_pct: Abschnitt [targets.device_ratio_pct] fehlt"],
        id="targets_missing",
    ),
    pytest.param(
        PLAN.split("[targets")[0] + "targets = 5\n",
        ["plan.toml: column targets.device_ratio_pct: Abschnitt [targets.device_ratio_pct] fehlt"],
        id="targets_int",
    ),
    pytest.param(
        PLAN.split("[targets")[0] + "[targets]\n# c\n\"device_ratio_pct\" = [1]\n",
        ["plan.toml:10: column targets.device_ratio_pct: muss ein Abschnitt mit Zielwerten je Schulform sein"],
        id="targets_dr_list",
    ),
    pytest.param(
        PLAN + "Waldorfschule = 3\n",
        ["plan.toml:13: column targets.device_ratio_pct.Waldorfschule: unbekannte Schulform (erlaubt: Grundschule, Hauptschule, Realschule, Sekundarschule, Gesamtschule, Gymnasium, Förderschule, Berufskolleg, Weiterbildungskolleg, Klinikschule, default)"],
        id="targets_unknown",
    ),
    pytest.param(
        PLAN + "Gymnasium = true\n",
        ["plan.toml:13: column targets.device_ratio_pct.Gymnasium: muss eine Zahl ≥ 0 sein"],
        id="targets_bool",
    ),
    pytest.param(
        PLAN.split("[targets")[0] + "[targets]\ndevice_ratio_pct = { Grundschule = 1 }\n",
        ["plan.toml: column targets.device_ratio_pct: kein Zielwert für Gymnasium und kein default"],
        id="no_default_inline",
    ),
    pytest.param(
        sub("[targets.device_ratio_pct]", '[ targets . "device_ratio_pct" ] # x') + '"Gymnasium" = -1\n',
        ["plan.toml:13: column targets.device_ratio_pct.Gymnasium: muss eine Zahl ≥ 0 sein"],
        id="dotted_headers",
    ),
    pytest.param(
        "[cycle]\nname = 3\nbaseline = \"x\"\nhorizon = [1,2]\nprice_base_year = \"a\"\nprice_increase_pct = -200\nsynthetic = 1\n\n[targets.device_ratio_pct]\nFoo = 1\nGymnasium = -3\ndefault = \"x\"\n",
        ["plan.toml:2: column cycle.name: muss ein nicht leerer Text sein", "plan.toml:3: column cycle.baseline: muss ein Datum sein, z. B. 2024-12-31", "plan.toml:4: column cycle.horizon: muss aus zwei Jahreszahlen bestehen, z. B. [2025, 2034]", "plan.toml:5: column cycle.price_base_year: muss eine Jahreszahl sein", "plan.toml:6: column cycle.price_increase_pct: muss größer als -100 sein", "plan.toml:7: column cycle.synthetic: muss true oder false sein", "plan.toml:10: column targets.device_ratio_pct.Foo: unbekannte Schulform (erlaubt: Grundschule, Hauptschule, Realschule, Sekundarschule, Gesamtschule, Gymnasium, Förderschule, Berufskolleg, Weiterbildungskolleg, Klinikschule, default)", "plan.toml:11: column targets.device_ratio_pct.Gymnasium: muss eine Zahl ≥ 0 sein", "plan.toml:12: column targets.device_ratio_pct.default: muss eine Zahl ≥ 0 sein"],
        id="all_bad",
    ),
]


@pytest.mark.parametrize(("plan", "expected"), CASES)
def test_plan_problems_and_their_lines(tmp_path, plan, expected):
    with pytest.raises(DataSetError) as refused:
        load_tiny(tmp_path / "data", plan=plan)
    assert [str(p) for p in refused.value.problems] == expected


def test_a_baseline_written_as_text_is_read_as_a_date():
    problems = []
    plan = read_plan(sub("baseline = 2024-12-31", 'baseline = "2024-12-31"'), problems)
    assert problems == []
    assert plan["cycle"]["baseline"] == dt.date(2024, 12, 31)


def test_the_rule_table_names_every_key_of_cycle():
    cycle = next(section for section in PLAN_SECTIONS if section.path == "cycle")
    assert [key.name for key in cycle.keys if key.required] == [
        "name",
        "baseline",
        "horizon",
        "price_base_year",
        "price_increase_pct",
    ]


def test_reading_takes_the_table_specs_it_is_given(tmp_path):
    folder = write_dataset(tmp_path / "data", extra="a,b,c\n1,2,3\n")
    only = TableSpec("extra", columns=(Column("a"), Column("c")), required=True)
    problems = []
    with Source.open(folder) as source:
        frames = read_tables(source, [only, TableSpec("absent", columns=(Column("x"),))], problems)
    assert problems == []
    assert list(frames) == ["extra"]
    assert frames["extra"].columns.tolist() == ["a", "c"]
    assert frames["extra"].to_dict("index") == {2: {"a": "1", "c": "3"}}
