"""Every figure of every installed plugin says how it is computed, and carries its provenance (issue 14, point 3).

The contract part is parametrised over the ``mep`` entry points, so a seventh
plugin is checked the moment it is installed: a recipe for every catalogue
entry, a rule in words, tables and columns it has declared, and plan.toml
settings that exist.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import pytest

from portal.engine import __version__ as ENGINE_VERSION
from portal.engine.cli import EXIT_OK, main
from portal.engine.compute import figure_recipes
from portal.engine.dataset import CORE_TABLES, load_dataset, merge_specs
from portal.engine.plan_toml import PLAN_SECTIONS
from portal.engine.plugins import ENTRY_POINT_GROUP, get_plugin_manager
from portal.engine.provenance import FigureRecipe, setting_value
from tests.engine.test_plugin_contract import _call

NAMES = sorted({ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)})
CONTRACT_FIGURES = ("finance.forecast", "finance.product_groups", "infrastructure.device_ratio")


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


def _recipes(pm, name: str, language: str) -> list:
    """One plugin's own ``mep_figure_recipes`` in ``language`` (``_call`` leaves out arguments with a default)."""
    impl = next(impl for impl in pm.hook.mep_figure_recipes.get_hookimpls() if impl.plugin_name == name)
    return list(impl.function(language=language))


def _tables(pm, name: str) -> dict:
    """The tables a plugin may read: the core tables and its own ``mep_tables``."""
    return merge_specs([*CORE_TABLES, *(_call(pm, "mep_tables", name) or ())])


def _plan_setting_exists(path: str, plugin: str, plugin_module) -> bool:
    """A dotted key of plan.toml's rules (:data:`PLAN_SECTIONS`), or of the plugin's own section, documented in its README."""
    for section in PLAN_SECTIONS:
        if path == section.path and section.names is not None:
            return True  # a section of free names (the targets): the figure uses all of it
        if path.startswith(section.path + ".") and path.removeprefix(section.path + ".") in {k.name for k in section.keys}:
            return True
    own, _, key = path.partition(".")
    readme = Path(plugin_module.__file__).parent / "README.md"
    return own == plugin and bool(key) and readme.is_file() and f"{key}" in readme.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_of_the_plugin_declares_its_provenance(pm, name):
    catalog = [info.key for info in _call(pm, "mep_figure_catalog", name)]
    recipes = _recipes(pm, name, "de")
    assert all(isinstance(recipe, FigureRecipe) for recipe in recipes)
    assert [recipe.key for recipe in recipes] == catalog, f"{name}: one recipe per catalogue entry, in its order"
    tables = _tables(pm, name)
    module = pm.get_plugin(name)
    for recipe in recipes:
        assert len(recipe.rule.split()) >= 8, f"{recipe.key}: the rule is not a description"
        assert recipe.reads, f"{recipe.key}: reads no table"
        for table, columns in recipe.reads.items():
            assert table in tables, f"{recipe.key}: table {table} is not declared"
            declared = {column.name for column in tables[table].columns}
            assert columns and set(columns) <= declared, f"{recipe.key}: {table} has no {set(columns) - declared}"
        for setting in recipe.settings:
            assert _plan_setting_exists(setting, name, module), f"{recipe.key}: plan.toml has no {setting}"


@pytest.mark.parametrize("name", NAMES)
def test_every_rule_has_an_english_translation(pm, name):
    german = {r.key: r.rule for r in _recipes(pm, name, "de")}
    english = {r.key: r.rule for r in _recipes(pm, name, "en")}
    assert german.keys() == english.keys()
    for key, rule in english.items():
        assert rule != german[key], f"{key}: the English rule is the German one"


def test_contract_figures_state_the_spec_formula_in_words(pm):
    recipes = figure_recipes(pm)
    forecast = recipes["finance.forecast"]
    assert "Nutzungsdauer" in forecast.rule and "(1 + jährliche Preissteigerung) hoch (Jahr minus Preisbasisjahr)" in forecast.rule
    assert "(1 + eigene Steigerung) hoch (Jahr minus erstes Jahr)" in forecast.rule
    assert set(forecast.settings) == {"cycle.horizon", "cycle.price_base_year", "cycle.price_increase_pct"}
    shares = recipes["finance.product_groups"]
    assert "ohne Produktgruppe" in shares.rule and "geteilt durch die Summe aller Produktgruppen" in shares.rule
    ratio = recipes["infrastructure.device_ratio"]
    assert "je 100 Schülerinnen und Schüler" in ratio.rule and "aufgerundet" in ratio.rule and "mindestens 0" in ratio.rule
    assert ratio.settings == ("targets.device_ratio_pct",)
    assert ratio.reads["catalog"] == ("product_group", "pupil_device")


def test_every_computed_figure_carries_its_provenance(demo_cache):
    folder = demo_cache.folder("2025")
    results, versions = demo_cache.figures("2025")
    dataset = load_dataset(folder)
    assert {key for key in CONTRACT_FIGURES} <= {figure.key for _plugin, figure in results}
    for plugin, figure in results:
        provenance = figure.provenance
        assert provenance["rule"] and provenance["plugin"] == plugin
        assert provenance["plugin_version"] == versions[plugin] and provenance["engine_version"] == ENGINE_VERSION
        assert provenance["dataset_fingerprint"] == dataset.fingerprint
        for table in provenance["tables"]:
            frame = dataset.table(table["table"])
            assert table["rows"] == len(frame), figure.key
            assert table["sha256"] == hashlib.sha256((folder / table["file"]).read_bytes()).hexdigest()
        for setting in provenance["settings"]:
            assert setting["value"] == setting_value(dataset.plan, setting["key"])
        english = figure.translations["en"].provenance
        assert english["tables"] == provenance["tables"] and english["rule"] != provenance["rule"]
    forecast = next(figure for _p, figure in results if figure.key == "finance.forecast").provenance
    assert {s["key"]: s["value"] for s in forecast["settings"]}["cycle.horizon"] == list(dataset.horizon)
    assert [t["table"] for t in forecast["tables"]] == ["inventory", "catalog", "recurring"]


def test_figures_json_carries_the_provenance(data, tmp_path, cli_plugins):
    (data / "plan.toml").write_text((data / "plan.toml").read_text(encoding="utf-8").replace(
        "price_increase_pct = 0.0", "price_increase_pct = 2.5"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    entries = {entry["key"]: entry for entry in json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]}
    forecast = entries["finance.forecast"]["provenance"]
    assert forecast["rule"].startswith("Für jedes Jahr des Planungshorizonts")
    assert {s["key"]: s["value"] for s in forecast["settings"]}["cycle.price_increase_pct"] == 2.5
    inventory = next(t for t in forecast["tables"] if t["table"] == "inventory")
    assert inventory["file"] == "inventory.csv" and inventory["rows"] == len(load_dataset(data, pm=cli_plugins).tables["inventory"])
    assert inventory["sha256"] == hashlib.sha256((data / "inventory.csv").read_bytes()).hexdigest()
    assert "quantity" in inventory["columns"]
    ratio = entries["infrastructure.device_ratio"]["provenance"]
    assert ratio["settings"][0]["key"] == "targets.device_ratio_pct" and isinstance(ratio["settings"][0]["value"], dict)


def test_an_absent_optional_table_has_no_rows(tmp_path, cli_plugins):
    from portal.engine.testing import write_dataset

    data = write_dataset(tmp_path / "data", recurring=None)
    out = tmp_path / "out"
    assert main(["compute", str(data), "--out", str(out)]) == EXIT_OK
    entries = {entry["key"]: entry for entry in json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]}
    recurring = next(t for t in entries["finance.forecast"]["provenance"]["tables"] if t["table"] == "recurring")
    assert recurring["rows"] is None and recurring["sha256"] == ""
