"""Figures in German and English: the words and number formats follow the language, the data does not (issue 11, point 3)."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import plugins
from portal.engine import i18n
from portal.engine.cli import main
from portal.engine.compute import compute_figures
from portal.engine.dataset import load_dataset
from portal.engine.figures import format_amount, format_eur, format_number, format_pct, german_join
from portal.engine.i18n import EXTRACT_KEYWORDS, engine_translator, placeholders
from portal.engine.plugins import get_plugin_manager
from portal.engine.testing import install_plugin

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("infrastructure", "support", "finance", "controlling", "ki", "datastrategy")
#: every catalogue of the project: the engine's own words and each field's
CATALOGUES = {"engine": ROOT / "portal" / "engine", **{field: Path(plugins.__file__).parent / field for field in FIELDS}}


def declared_messages(folder: Path) -> dict[str | tuple[str, str], str]:
    """Every message the code of ``folder`` marks for translation (as ``pybabel extract`` finds it) -> where."""
    found = {}
    keywords = {**DEFAULT_KEYWORDS, **EXTRACT_KEYWORDS}
    method_map = [("**/tests/**", "ignore"), ("**/locale/**", "ignore"), ("**.py", "python")]
    for filename, line, message, _comments, _context in extract_from_dir(folder, method_map, keywords=keywords):
        found.setdefault(message, f"{filename}:{line}")
    return found


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_every_declared_string_has_an_english_translation(name):
    folder = CATALOGUES[name]
    declared = declared_messages(folder)
    assert len(declared) >= 9, f"{name}: no strings marked for translation?"
    with (folder / "locale" / "en" / "LC_MESSAGES" / "mep.po").open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    for message, where in declared.items():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        assert entry is not None and not entry.fuzzy, f"{where}: no English for {msgid!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        sources = message if isinstance(message, tuple) else (message,)
        assert len(strings) == (2 if isinstance(message, tuple) else 1) and all(s.strip() for s in strings), where
        for text in strings:  # a translation keeps every placeholder, and adds none
            assert placeholders(text) == placeholders(sources[-1]), f"{where}: {text!r}"
    unused = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id} - {
        m[0] if isinstance(m, tuple) else m for m in declared
    }
    assert not unused, f"{name}: translations of strings the code no longer has: {sorted(unused)}"


def test_numbers_follow_the_language():
    de, en = engine_translator("de"), engine_translator("en")
    assert (de.number(1234.5, 1), en.number(1234.5, 1)) == ("1.234,5", "1,234.5")
    assert (de.number(-1234567.125, 2), en.number(-1234567.125, 2)) == ("-1.234.567,13", "-1,234,567.13")
    assert (de.eur(1234), en.eur(1234)) == ("1.234,00 €", "€1,234.00")
    assert (de.eur(1234, 0), en.eur(1234, 0)) == ("1.234 €", "€1,234")
    assert (de.pct(48.25), en.pct(48.25)) == ("48,3 %", "48.3%")
    assert (de.amount(12_345_678), en.amount(12_345_678)) == ("12,3 Mio. €", "€12.3 million")
    assert (de.join(["a", "b", "c"]), en.join(["a", "b", "c"])) == ("a, b und c", "a, b and c")
    assert (de.yes_no(True), en.yes_no(False)) == ("ja", "no")
    day = datetime.date(2024, 12, 31)
    assert (de.date(day), en.date(day)) == ("31.12.2024", "31 Dec 2024")
    assert de.money_unit(2e6)[1:] == ("Mio. €", 1) and en.money_unit(2e6)[1:] == ("€ million", 1)
    assert en.number(float("nan")) == "–"


@pytest.mark.parametrize("value", [0, 0.125, 2.675, 999.5, 1234.5, -9876543.21, 1e9 + 0.5])
def test_german_formats_are_the_engine_functions_unchanged(value):
    de = engine_translator("de")
    for decimals in (0, 1, 2):
        assert de.number(value, decimals) == format_number(value, decimals)
    assert de.eur(value) == format_eur(value)
    assert de.pct(value) == format_pct(value)
    assert de.amount(value) == format_amount(value)
    assert de.join(["x", "y"]) == german_join(["x", "y"])


def test_an_unknown_language_is_german():
    assert i18n.normalize_language("en-GB") == "en"
    assert i18n.normalize_language("tr") == "de"
    assert i18n.normalize_language(None) == "de"


def test_english_figures_have_english_words_and_numbers_and_the_same_data(demo_cache):
    pm = get_plugin_manager()
    dataset = load_dataset(demo_cache.folder("2025"), pm=pm)
    german = {figure.key: figure for _plugin, figure in demo_cache.figures("2025")[0]}
    english = {figure.key: figure for _plugin, figure in compute_figures(dataset, pm, language="en")}
    assert english.keys() == german.keys()
    for key, figure in english.items():
        assert figure.language == "en"
        assert figure.data.equals(german[key].data), key
        assert figure.title != german[key].title and figure.summary != german[key].summary, key
        assert set(figure.columns) == set(german[key].columns), key
    forecast = english["finance.forecast"]
    assert forecast.title == "Forecast of financial and investment volume 2025–2034"
    assert re.fullmatch(r"From 2025 to 2034 a total of €\d+\.\d million is needed: .*", forecast.summary)
    assert forecast.columns["investment_eur"] == "Investment (€)"
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", forecast.svg)
    assert {"€ million", "Investment", "Running costs"} <= set(svg_text)  # axis label and legend
    ticks = [text for text in svg_text if re.fullmatch(r"[\d.,]+", text) and not re.fullmatch(r"20\d\d", text)]
    assert ticks and all(re.fullmatch(r"\d+\.\d", tick) for tick in ticks), ticks  # 3.0, not 3,0
    assert re.search(rf'<title id="[^"]+">{re.escape(forecast.title)}</title>', forecast.svg)
    assert re.search(rf'<desc id="[^"]+">{re.escape(forecast.summary)}</desc>', forecast.svg)  # the text alternative
    overall = english["infrastructure.overall_ratio"].summary
    assert re.search(r"\d{1,3},\d{3} pupil devices for \d{1,3},\d{3} pupils at \d+ schools: \d+\.\d%\.", overall), overall
    # the German figures stay as they were
    assert german["finance.forecast"].columns["investment_eur"] == "Investitionen (€)"
    assert "Mio. €" in german["finance.forecast"].svg


def test_translations_are_attached_to_the_german_figure(tmp_path, core_pm, data):
    dataset = load_dataset(data, pm=core_pm)
    seen = []
    results = compute_figures(dataset, core_pm, progress=lambda name, figures, s: seen.append(name), translations=("en",))
    assert [figure.language for _p, figure in results] == ["de"] * len(results)
    assert {"finance (en)", "infrastructure (en)", "finance", "infrastructure"} == set(seen)
    for _plugin, figure in results:
        assert set(figure.translations) == {"en"}
        assert figure.translations["en"].key == figure.key
        assert figure.translations["en"].data.equals(figure.data)


def test_a_plugin_without_translations_writes_german_in_every_language(tmp_path, core_pm, data, monkeypatch):
    site = install_plugin(
        tmp_path / "site",
        "hello",
        """
        import pandas as pd
        from portal.engine.figures import Figure
        from portal.engine.hookspecs import hookimpl

        @hookimpl
        def mep_figures(dataset):
            return [Figure("hello.count", "Hallo", "key_figure", "Ein Satz.", pd.DataFrame({"n": [1]}))]
        """,
    )
    monkeypatch.syspath_prepend(str(site))
    import mep_hello

    core_pm.register(mep_hello, name="hello")
    results = {f.key: f for _p, f in compute_figures(load_dataset(data, pm=core_pm), core_pm, translations=("en",))}
    assert results["hello.count"].translations["en"].title == "Hallo"
    assert results["finance.forecast"].translations["en"].title.startswith("Forecast")


def test_mep_compute_writes_english_with_the_contract_columns(data, cli_plugins, tmp_path):
    assert main(["compute", str(data), "--out", str(tmp_path / "de")]) == 0
    assert main(["compute", str(data), "--out", str(tmp_path / "en"), "--language", "en"]) == 0
    german = json.loads((tmp_path / "de" / "figures.json").read_text(encoding="utf-8"))
    english = json.loads((tmp_path / "en" / "figures.json").read_text(encoding="utf-8"))
    entries = {entry["key"]: entry for entry in english["figures"]}
    assert entries["infrastructure.device_ratio"]["title"] == "Pupil device ratio by school type"
    assert entries["infrastructure.device_ratio"]["columns"]["ratio_pct"] == "Device ratio (%)"
    assert [e["key"] for e in english["figures"]] == [e["key"] for e in german["figures"]]
    for entry in german["figures"]:
        for file in entry["files"]:
            if file.endswith(".csv"):  # the data, with the contract's column names, is the same in every language
                assert (tmp_path / "en" / file).read_bytes() == (tmp_path / "de" / file).read_bytes(), file
    assert "Endgeräte je 100 Schülerinnen und Schüler" in (tmp_path / "de" / "infrastructure.device_ratio.svg").read_text()
    assert "Devices per 100 pupils" in (tmp_path / "en" / "infrastructure.device_ratio.svg").read_text()


def test_mep_compute_refuses_an_unknown_language(data, cli_plugins, tmp_path, capsys):
    assert main(["compute", str(data), "--out", str(tmp_path / "x"), "--language", "fr"]) == 64
    assert "--language: unbekannter Wert 'fr'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_english_is_rendered_in_a_process_without_django(data, tmp_path):
    script = textwrap.dedent(
        f"""
        import json, sys
        from portal.engine.cli import main
        code = main(["compute", {str(data)!r}, "--out", {str(tmp_path / "out")!r}, "--language", "en"])
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "wagtail"))
        print(json.dumps({{"code": code, "loaded": loaded}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "loaded": []}
    manifest = json.loads((tmp_path / "out" / "figures.json").read_text(encoding="utf-8"))
    titles = {entry["key"]: entry["title"] for entry in manifest["figures"]}
    assert titles["finance.total"] == "Funding needed over the planning horizon"


def test_english_figures_translate_the_text_values_their_catalogues_know(demo_cache):
    for _plugin, figure in demo_cache.figures("2025")[0]:
        english = figure.translations["en"]
        assert figure.value_labels == {}, figure.key  # German needs none
        if "school_type" in figure.data.columns:
            types = set(figure.data["school_type"])
            assert types <= set(english.value_labels), figure.key
            assert english.value_labels["Grundschule"] == "Primary school"
        assert english.data.equals(figure.data), figure.key  # the data keeps the contract's values
    tr = engine_translator("en")
    assert tr.knows("Gymnasium") and not tr.knows("Beispielschule Gymnasium 01")
    assert engine_translator("de").knows("irgendetwas")
