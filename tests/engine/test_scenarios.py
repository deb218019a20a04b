"""Scenarios ("what if …?") on tiny data, every number checked by hand; refusals located; ``mep compare``."""

from __future__ import annotations

import csv
import json

import pytest

from plugins.finance import compute as finance
from plugins.infrastructure import compute as infrastructure
from portal.engine import rendering
from portal.engine.cli import EXIT_OK, EXIT_PROBLEMS, main
from portal.engine.comparison import assumptions, compare, sides, summary_sentence
from portal.engine.i18n import engine_translator
from portal.engine.numbers import format_eur, format_pct
from portal.engine.scenario import apply_scenario, read_scenario
from portal.engine.specs import DataSetError
from portal.engine.testing import load_tiny, write_dataset

# ipad: life 2, 100 € (catalog); the second row overrides both: 200 €, life 1 · net: life 10, 1000 €
INVENTORY = """\
school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years
S1,ipad,40,2023,,
S2,ipad,20,2024,200,1
S1,net,1,2016,,
"""
# base: ipad 2023 → 2025, 2027 (4000 each) · ipad 2024 → 2025, 2026, 2027 (20·200 = 4000 each) · net 2016 → 2026 (1000)
BASE_INVESTMENT = {2025: 8000.0, 2026: 5000.0, 2027: 8000.0}


def scenario_text(body: str, name: str = "Test") -> str:
    return f'[scenario]\nname = "{name}"\n\n{body}'


@pytest.fixture
def dataset(tmp_path):
    return load_tiny(tmp_path / "data", inventory=INVENTORY)


def scenario_of(dataset, body: str):
    return read_scenario("s.toml", dataset, text=scenario_text(body), file="s.toml")


def investment(dataset) -> dict[int, float]:
    return finance.forecast(dataset).set_index("year")["investment_eur"].to_dict()


def missing_devices(dataset) -> dict[str, int]:
    table = infrastructure.device_ratio(dataset)
    return table.set_index("school_type")["missing_devices"].to_dict()


def test_base_as_computed_by_hand(dataset):
    assert investment(dataset) == BASE_INVESTMENT


def test_useful_life_replaces_catalog_and_every_row_override(dataset):
    changed = apply_scenario(dataset, scenario_of(dataset, "[useful_life_years]\nipad = 3\n"))
    # ipad 2023 → 2026 (4000) · ipad 2024, its own life 1 replaced by 3 but its price kept → 2027 (4000) · net 2026
    assert investment(changed) == {2025: 0.0, 2026: 5000.0, 2027: 4000.0}
    assert investment(dataset) == BASE_INVESTMENT  # the data set itself is untouched


def test_unit_cost_replaces_catalog_and_every_row_override(dataset):
    changed = apply_scenario(dataset, scenario_of(dataset, "[unit_cost_eur]\nipad = 150.0\n"))
    # ipad 2023: 40·150 = 6000 in 2025, 2027 · ipad 2024: 20·150 = 3000 every year (life 1 kept) · net 1000 in 2026
    assert investment(changed) == {2025: 9000.0, 2026: 4000.0, 2027: 9000.0}


def test_price_increase_is_compounded_from_the_base_year(dataset):
    changed = apply_scenario(dataset, scenario_of(dataset, "[plan]\nprice_increase_pct = 10.0\n"))
    assert investment(changed) == {2025: 8000.0, 2026: 5500.0, 2027: 9680.0}


def test_price_base_year_moves_the_compounding(dataset):
    changed = apply_scenario(dataset, scenario_of(dataset, "[plan]\nprice_increase_pct = 10.0\nprice_base_year = 2026\n"))
    assert investment(changed) == {2025: pytest.approx(8000 / 1.1, abs=0.005), 2026: 5000.0, 2027: 8800.0}


def test_target_replaces_only_its_school_type(dataset):
    assert missing_devices(dataset) == {"Grundschule": 0, "Gymnasium": 30}
    changed = apply_scenario(dataset, scenario_of(dataset, '[targets.device_ratio_pct]\nGrundschule = 50\n'))
    # Grundschule: ⌈50 · 100 / 100⌉ − 40 = 10 · Gymnasium keeps default 100: 50 − 20 = 30
    assert missing_devices(changed) == {"Grundschule": 10, "Gymnasium": 30}


def test_all_changes_together(dataset):
    body = (
        "[plan]\nprice_increase_pct = 10.0\n\n[useful_life_years]\nipad = 3\n\n[unit_cost_eur]\nipad = 150\n\n"
        "[targets.device_ratio_pct]\nGrundschule = 50\ndefault = 0\n"
    )
    changed = apply_scenario(dataset, scenario_of(dataset, body))
    # ipad 2023 → 2026: 40·150 · ipad 2024 → 2027: 20·150 · net 2026: 1000; prices +10 % a year from 2025
    assert investment(changed) == {2025: 0.0, 2026: 7700.0, 2027: 3630.0}
    assert missing_devices(changed) == {"Grundschule": 10, "Gymnasium": 0}


REFUSALS = [
    ('[scenario]\nname = ""\n', ["s.toml:2: key scenario.name: muss ein nicht leerer Text sein"]),
    ("[plan]\nprice_increase_pct = 1\n", ["s.toml:1: key scenario: Abschnitt [scenario] fehlt"]),
    ('[scenario]\ndescription = "x"\n', ["s.toml:1: key scenario: Angabe name fehlt"]),
    ('[scenario]\nname = "x"\nauthor = "y"\n', ["s.toml:3: key scenario.author: unbekannter Schlüssel (erlaubt: name, description)"]),
    ('[scenario]\nname = "x"\n[schools]\nS1 = 3\n', [
        "s.toml:3: key schools: unbekannter Abschnitt (erlaubt: scenario, plan, useful_life_years, unit_cost_eur, targets)"]),
    ('[scenario]\nname = "x"\n[plan]\nhorizon = [2025, 2030]\n', [
        "s.toml:4: key plan.horizon: unbekannter Schlüssel (erlaubt: price_increase_pct, price_base_year)"]),
    ('[scenario]\nname = "x"\n[plan]\nprice_increase_pct = -100\n', ["s.toml:4: key plan.price_increase_pct: muss größer als -100 sein"]),
    ('[scenario]\nname = "x"\n[plan]\nprice_increase_pct = "3 %"\n', ["s.toml:4: key plan.price_increase_pct: muss eine Zahl sein"]),
    ('[scenario]\nname = "x"\n[plan]\nprice_base_year = 25\n', ["s.toml:4: key plan.price_base_year: muss eine Jahreszahl sein"]),
    ('[scenario]\nname = "x"\n[useful_life_years]\nipad = 0\n', ["s.toml:4: key useful_life_years.ipad: muss eine ganze Zahl ≥ 1 sein"]),
    ('[scenario]\nname = "x"\n[useful_life_years]\nipad = 2.5\n', ["s.toml:4: key useful_life_years.ipad: muss eine ganze Zahl ≥ 1 sein"]),
    ('[scenario]\nname = "x"\n[useful_life_years]\ntoaster = 4\n', [
        "s.toml:4: key useful_life_years.toaster: unbekannte Produktgruppe (nicht in catalog.csv)"]),
    ('[scenario]\nname = "x"\n[unit_cost_eur]\nipad = -1\n', ["s.toml:4: key unit_cost_eur.ipad: muss eine Zahl ≥ 0 sein"]),
    ('[scenario]\nname = "x"\n[unit_cost_eur]\ntoaster = 4\n', [
        "s.toml:4: key unit_cost_eur.toaster: unbekannte Produktgruppe (nicht in catalog.csv)"]),
    ('[scenario]\nname = "x"\n[targets.device_ratio_pct]\nKita = 20\n', [
        "s.toml:4: key targets.device_ratio_pct.Kita: unbekannte Schulform (erlaubt: Grundschule, Hauptschule, Realschule, "
        "Sekundarschule, Gesamtschule, Gymnasium, Förderschule, Berufskolleg, Weiterbildungskolleg, Klinikschule, default)"]),
    ('[scenario]\nname = "x"\n[targets.device_ratio_pct]\nGrundschule = -5\n', [
        "s.toml:4: key targets.device_ratio_pct.Grundschule: muss eine Zahl ≥ 0 sein"]),
    ('[scenario]\nname = "x"\n[targets.other]\nGrundschule = 5\n', [
        "s.toml:3: key targets.other: unbekannter Abschnitt (erlaubt: targets.device_ratio_pct)"]),
    ('plan = 3\n[scenario]\nname = "x"\n', ["s.toml:1: key plan: muss ein Abschnitt sein"]),
    ('[scenario]\nname = "x"\n[plan\n', ["s.toml:3: kein gültiges TOML (Expected ']' at the end of a table declaration)"]),
]


@pytest.mark.parametrize(("text", "expected"), REFUSALS)
def test_every_refusal_is_located(dataset, text, expected):
    with pytest.raises(DataSetError) as refused:
        read_scenario("s.toml", dataset, text=text, file="s.toml")
    assert [str(problem) for problem in refused.value.problems] == expected


def test_every_problem_is_reported_not_just_the_first(dataset):
    text = '[scenario]\nname = "x"\n[useful_life_years]\nipad = 0\ntoaster = 3\n[unit_cost_eur]\nnet = "viel"\n'
    with pytest.raises(DataSetError) as refused:
        read_scenario("s.toml", dataset, text=text, file="s.toml")
    assert [p.line for p in refused.value.problems] == [4, 5, 7]


# --- the command line ---------------------------------------------------------


@pytest.fixture
def data(tmp_path):
    return write_dataset(tmp_path / "data", inventory=INVENTORY)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_compute_with_a_scenario_writes_what_compute_writes_and_names_it(data, cli_plugins, tmp_path):
    scenario = write(tmp_path, "longer.toml", scenario_text("[useful_life_years]\nipad = 3\n", "iPads länger"))
    base, out = tmp_path / "base", tmp_path / "out"
    assert main(["compute", str(data), "--out", str(base), "--jobs", "0"]) == EXIT_OK
    assert main(["compute", str(data), "--scenario", str(scenario), "--out", str(out), "--jobs", "0"]) == EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in base.iterdir())
    manifest = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert manifest["scenario"] == {
        "name": "iPads länger", "description": "", "file": "longer.toml", "changes": {"useful_life_years.ipad": 3}}
    with (out / "finance.forecast.csv").open(encoding="utf-8") as fh:
        rows = {int(r["year"]): float(r["investment_eur"]) for r in csv.DictReader(fh)}
    assert rows == {2025: 0.0, 2026: 5000.0, 2027: 4000.0}


def test_a_bad_scenario_is_refused_and_nothing_is_written(data, cli_plugins, tmp_path, capsys):
    scenario = write(tmp_path, "bad.toml", scenario_text("[useful_life_years]\nipad = 0\ntoaster = 4\n"))
    out = tmp_path / "out"
    assert main(["compute", str(data), "--scenario", str(scenario), "--out", str(out)]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "bad.toml:5: key useful_life_years.ipad: muss eine ganze Zahl ≥ 1 sein",
        "bad.toml:6: key useful_life_years.toaster: unbekannte Produktgruppe (nicht in catalog.csv)",
    ]
    assert not out.exists()
    assert main(["compare", str(data), "--scenario", str(scenario), "--out", str(out)]) == EXIT_PROBLEMS
    assert not out.exists()


def test_a_missing_scenario_file_is_refused(data, cli_plugins, tmp_path, capsys):
    assert main(["compute", str(data), "--scenario", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")]) == EXIT_PROBLEMS
    assert "nope.toml: Datei nicht gefunden" in capsys.readouterr().out


def read_compare(out):
    with (out / "compare.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_compare_puts_base_and_scenarios_side_by_side(data, cli_plugins, tmp_path, capsys):
    longer = write(tmp_path, "longer.toml", scenario_text("[useful_life_years]\nipad = 3\n"))
    dearer = write(tmp_path, "dearer.toml", scenario_text("[plan]\nprice_increase_pct = 10.0\n"))
    out = tmp_path / "cmp"
    assert main(["compare", str(data), "--scenario", str(longer), "--scenario", str(dearer), "--out", str(out)]) == EXIT_OK
    rows = read_compare(out)
    assert list(rows[0]) == [
        "key", "title", "row", "column", "base",
        "longer", "longer_diff", "longer_diff_pct", "dearer", "dearer_diff", "dearer_diff_pct",
    ]
    by = {(r["key"], r["row"], r["column"]): r for r in rows}
    investment_2025 = by[("finance.forecast", "2025", "investment_eur")]
    assert float(investment_2025["base"]) == 8000.0
    assert float(investment_2025["longer"]) == 0.0
    assert float(investment_2025["longer_diff"]) == -8000.0
    assert float(investment_2025["longer_diff_pct"]) == -100.0
    total = by[("finance.total", "2025 / 2027", "total_eur")]
    # base 21000 + 300 recurring; longer: 9000 + 300; dearer: 8000 + 5500 + 9680 + 300
    assert [float(total[c]) for c in ("base", "longer", "dearer")] == [21300.0, 9300.0, 23480.0]
    assert float(total["dearer_diff_pct"]) == pytest.approx(10.23, abs=0.005)
    ratio = by[("infrastructure.device_ratio", "Grundschule", "missing_devices")]
    assert float(ratio["longer_diff"]) == 0.0
    manifest = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in manifest["scenarios"]] == ["Test", "Test"]
    sentences = (out / "summary.txt").read_text(encoding="utf-8").splitlines()
    assert len(sentences) == 2
    assert capsys.readouterr().out.splitlines() == sentences


def test_failure_while_writing_a_comparison_keeps_the_previous_one(data, cli_plugins, tmp_path, monkeypatch):
    longer = write(tmp_path, "longer.toml", scenario_text("[useful_life_years]\nipad = 3\n"))
    out = tmp_path / "cmp"
    assert main(["compare", str(data), "--scenario", str(longer), "--out", str(out)]) == EXIT_OK
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    siblings = sorted(p.name for p in tmp_path.iterdir())

    def full_disk(*args, **kwargs):
        raise OSError(28, "Kein Platz mehr auf dem Gerät")

    monkeypatch.setattr("pathlib.Path.write_text", full_disk)
    assert main(["compare", str(data), "--scenario", str(longer), "--out", str(out)]) != EXIT_OK
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_summary_sentence_numbers_match_the_table(data, cli_plugins, tmp_path):
    longer = write(tmp_path, "longer.toml", scenario_text("[useful_life_years]\nipad = 3\n"))
    out = tmp_path / "cmp"
    assert main(["compare", str(data), "--scenario", str(longer), "--out", str(out)]) == EXIT_OK
    by = {(r["key"], r["column"]): r for r in read_compare(out) if r["key"] == "finance.total"}
    total = by[("finance.total", "total_eur")]
    sentence = (out / "summary.txt").read_text(encoding="utf-8").strip()
    diff, pct = float(total["longer_diff"]), float(total["longer_diff_pct"])
    assert sentence == (
        f"Wenn „iPads“ drei statt zwei Jahre genutzt werden, sinkt der Finanzbedarf 2025–2027 um {format_eur(-diff)} "
        f"oder {format_pct(-pct, 2)} (von {format_eur(float(total['base']))} auf {format_eur(float(total['longer']))}), "
        "der Spitzenwert verschiebt sich von 2025 nach 2026."
    )
    forecast = {
        int(r["row"]): (float(r["base"]), float(r["longer"]))
        for r in read_compare(out) if r["key"] == "finance.forecast" and r["column"] == "total_eur"
    }
    assert max(forecast, key=lambda y: forecast[y][0]) == 2025  # the first of the peak years, as the sentence says
    assert max(forecast, key=lambda y: forecast[y][1]) == 2026


def test_compare_writes_the_sentence_in_the_language_asked_for(data, cli_plugins, tmp_path):
    longer = write(tmp_path, "longer.toml", scenario_text("[useful_life_years]\nipad = 3\n"))
    out = tmp_path / "cmp"
    assert main(["compare", str(data), "--scenario", str(longer), "--out", str(out), "--language", "en"]) == EXIT_OK
    sentence = (out / "summary.txt").read_text(encoding="utf-8").strip()
    assert sentence.startswith("If “iPads” are used for three instead of two years, the funding need for 2025–2027 falls by €")
    assert main(["compare", str(data), "--scenario", str(longer), "--out", str(out), "--language", "fr"]) != EXIT_OK


def test_summary_sentence_of_an_unchanged_total_and_peak(dataset):
    scenario = scenario_of(dataset, "[targets.device_ratio_pct]\nGrundschule = 50\n")
    base, [side] = sides(dataset, [scenario])
    sentence = summary_sentence(base, side, compare(base, [side]))
    assert sentence == (
        "Wenn das Ziel für Grundschule 50 statt 25 Schülergeräte je 100 Schülerinnen und Schüler ist, "
        "bleibt der Finanzbedarf 2025–2027 bei 21.300,00 €, der Spitzenwert bleibt im Jahr 2025."
    )


def test_summary_sentence_and_assumptions_in_english(dataset):
    scenario = scenario_of(
        dataset,
        "[useful_life_years]\nipad = 3\n[targets.device_ratio_pct]\nGrundschule = 50\ndefault = 80\n[plan]\nprice_increase_pct = 2\n",
    )
    base, [side] = sides(dataset, [scenario])
    table = compare(base, [side])
    en = engine_translator("en")
    assert assumptions(dataset, scenario, en) == [
        "“iPads” are used for three instead of two years",
        "prices rise by 2.0% instead of 0.0% a year",
        "the target for Primary school is 50 instead of 25 pupil devices per 100 pupils",
        "the target for the other school types is 80 instead of 100 pupil devices per 100 pupils",
    ]
    english = summary_sentence(base, side, table, en)
    assert english.startswith("If “iPads” are used for three instead of two years, prices rise by 2.0% instead of 0.0% a year, ")
    assert "the funding need for 2025–2027 " in english and english.endswith(".")
    assert not set(english.split()) & {"Wenn", "der", "statt", "und", "Finanzbedarf"}
    # the German sentence is the one the German tests above pin, word for word
    assert summary_sentence(base, side, table).startswith("Wenn „iPads“ drei statt zwei Jahre genutzt werden, die Preise jährlich um 2,0 % statt 0,0 % steigen,")
    assert "das Ziel für die übrigen Schulformen 80 statt 100 Schülergeräte" in summary_sentence(base, side, table)


def test_compare_draws_no_chart(dataset, monkeypatch):
    def refuse(kind, arguments):
        raise AssertionError("a comparison draws no chart")

    monkeypatch.setattr(rendering, "_draw", refuse)
    monkeypatch.setattr(rendering, "_drawn", type(rendering._drawn)())
    base, [side] = sides(dataset, [scenario_of(dataset, "[plan]\nprice_increase_pct = 2\n")])
    assert compare(base, [side]).shape[0] > 0


def test_a_chart_drawn_before_is_not_drawn_again(dataset, monkeypatch):
    drawn = []
    real = rendering._draw
    monkeypatch.setattr(rendering, "_draw", lambda kind, arguments: drawn.append(kind) or real(kind, arguments))
    monkeypatch.setattr(rendering, "_drawn", type(rendering._drawn)())
    first = finance.figures(dataset)
    count = len(drawn)
    assert count == 3  # forecast, product groups, price scenarios
    # a target changes no finance chart: none is drawn again, and the same SVG comes back
    changed = apply_scenario(dataset, scenario_of(dataset, "[targets.device_ratio_pct]\nGrundschule = 50\n"))
    again = finance.figures(changed)
    assert len(drawn) == count
    assert [f.svg for f in again] == [f.svg for f in first]
    finance.figures(apply_scenario(dataset, scenario_of(dataset, "[plan]\nprice_increase_pct = 5\n")))
    assert len(drawn) == 2 * count  # a price increase changes all three
