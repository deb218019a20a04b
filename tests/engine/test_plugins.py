"""Discovery: plugins arrive through the ``mep`` entry-point group or are registered at run time."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from portal.engine.compute import compute_figures, figure_catalog
from portal.engine.dataset import DataSetError, Problem, load_dataset
from portal.engine.figures import Figure, FigureInfo, bar_chart
from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import PluginError, get_plugin_manager
from portal.engine.testing import install_plugin

FIELDS = {"infrastructure", "support", "finance", "controlling", "ki", "datastrategy"}


class SchoolCount:
    """A stranger's plugin: one key figure and one chart, knowing nothing of the engine's insides."""

    @hookimpl
    def mep_figure_catalog(self):
        return [FigureInfo("extra.schools", "Zahl der Schulen", "key_figure"), FigureInfo("extra.pupils", "Schülerzahl", "chart")]

    @hookimpl
    def mep_figures(self, dataset):
        schools = dataset.tables["schools"]
        summary = f"Der Datensatz umfasst {len(schools)} Schulen."
        chart = bar_chart(schools["name"].tolist(), {"Schüler": schools["pupils"]}, title="Schülerzahl", desc="Schüler je Schule.")
        return [
            Figure("extra.schools", "Zahl der Schulen", "key_figure", summary, pd.DataFrame({"schools": [len(schools)]})),
            Figure("extra.pupils", "Schülerzahl", "chart", "Schüler je Schule.", schools[["name", "pupils"]], chart),
        ]


class Exploding:
    @hookimpl
    def mep_figures(self, dataset):
        return [1 / 0]


def test_the_six_fields_come_through_the_entry_point_group():
    pm = get_plugin_manager()
    assert FIELDS <= set(pm.plugin_names())
    assert all(pm.versions[name] for name in FIELDS)


def test_plugin_registered_at_run_time_shows_its_figures(data, core_pm):
    core_pm.register(SchoolCount(), name="extra")
    figures = dict((f.key, (plugin, f)) for plugin, f in compute_figures(load_dataset(data, pm=core_pm), core_pm))
    assert figures["extra.schools"][0] == "extra"
    assert figures["extra.schools"][1].data["schools"].tolist() == [2]
    assert "<title" in figures["extra.pupils"][1].svg
    assert ("extra", [FigureInfo("extra.schools", "Zahl der Schulen", "key_figure"), FigureInfo("extra.pupils", "Schülerzahl", "chart")]) in figure_catalog(core_pm)


def test_pip_installed_plugin_is_found_through_its_entry_point(tmp_path, monkeypatch, data):
    site = install_plugin(
        tmp_path / "site",
        "stranger",
            """
            import pandas as pd
            from portal.engine.figures import Figure, FigureInfo
            from portal.engine.hookspecs import hookimpl

            @hookimpl
            def mep_figure_catalog():
                return [FigureInfo("stranger.count", "Anzahl", "key_figure")]

            @hookimpl
            def mep_figures(dataset):
                return [Figure("stranger.count", "Anzahl", "key_figure", "Zwei Schulen.", pd.DataFrame({"n": [2]}))]
            """,
        version="1.2.3",
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()

    pm = get_plugin_manager(only={"finance", "stranger"})
    assert pm.versions["stranger"] == "1.2.3"
    keys = [f.key for _, f in compute_figures(load_dataset(data, pm=pm), pm)]
    assert "stranger.count" in keys and "finance.forecast" in keys


def test_plugin_that_raises_is_named_with_its_error(data, core_pm):
    core_pm.register(Exploding(), name="explodiert")
    dataset = load_dataset(data, pm=core_pm)
    with pytest.raises(PluginError) as failed:
        compute_figures(dataset, core_pm)
    assert failed.value.plugin_name == "explodiert"
    assert str(failed.value) == "Plugin „explodiert“ ist fehlgeschlagen: ZeroDivisionError: division by zero"


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ("kein Figure", "mep_figures lieferte str statt Figure"),
        (Figure("Falsch Key", "T", "table", "S.", pd.DataFrame()), "ungültiger Schlüssel 'Falsch Key'"),
        (Figure("bad.chart", "T", "chart", "S.", pd.DataFrame()), "bad.chart: ein Diagramm braucht ein SVG"),
        (Figure("bad.kind", "T", "pie", "S.", pd.DataFrame()), "bad.kind: unbekannte Art 'pie'"),
        (Figure("finance.forecast", "T", "table", "S.", pd.DataFrame()), "Schlüssel finance.forecast gibt es schon"),
    ],
)
def test_plugin_returning_a_broken_figure_is_named(data, core_pm, figure, message):
    class Broken:
        @hookimpl
        def mep_figures(self, dataset):
            return [figure]

    core_pm.register(Broken(), name="kaputt")
    with pytest.raises(PluginError) as failed:
        compute_figures(load_dataset(data, pm=core_pm), core_pm)
    assert failed.value.plugin_name == "kaputt"
    assert message in str(failed.value)


def test_plugin_with_a_misspelt_hook_is_named(monkeypatch, tmp_path):
    site = install_plugin(
        tmp_path / "site", "typo",
        "from portal.engine.hookspecs import hookimpl\n\n@hookimpl\ndef mep_figurs(dataset):\n    return []\n",
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    with pytest.raises(PluginError) as failed:
        get_plugin_manager(only={"typo"})
    assert failed.value.plugin_name == "typo"
    assert "mep_figurs" in str(failed.value)


def test_plugin_validation_problems_refuse_the_data_set(data, core_pm):
    class Picky:
        @hookimpl
        def mep_validate(self, dataset):
            schools = dataset.tables["schools"]
            few = schools[schools["teachers"] < 6]
            return [Problem(dataset.file_name("schools"), line, "teachers", "zu wenige Lehrkräfte") for line in few.index]

    core_pm.register(Picky(), name="picky")
    with pytest.raises(DataSetError) as refused:
        load_dataset(data, pm=core_pm)
    assert [str(p) for p in refused.value.problems] == ["schools.csv:3: column teachers: zu wenige Lehrkräfte"]


def test_plugin_that_raises_while_validating_is_named(data, core_pm):
    class Sloppy:
        @hookimpl
        def mep_validate(self, dataset):
            return dataset.tables["tickets"]  # a table nobody declared

    core_pm.register(Sloppy(), name="sloppy")
    with pytest.raises(PluginError) as failed:
        load_dataset(data, pm=core_pm)
    assert str(failed.value) == "Plugin „sloppy“ ist fehlgeschlagen: KeyError: 'tickets'"
