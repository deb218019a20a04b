"""The engine calls hooks in pluggy's order and refuses hook wrappers on purpose."""

from __future__ import annotations

import importlib

import pandas as pd
import pluggy
import pytest

from portal.engine import hookspecs
from portal.engine.compute import compute_figures
from portal.engine.dataset import load_dataset
from portal.engine.figures import Figure, FigureInfo
from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import PluginError, PluginManager, call_each, get_plugin_manager
from portal.engine.testing import install_plugin


def tiny_plugin(name: str, **marks):
    """A plugin whose catalogue and figures say its name, so the order of calls is visible."""

    class Tiny:
        @hookimpl(**marks)
        def mep_figure_catalog(self):
            return [FigureInfo(f"{name}.x", name, "key_figure")]

        @hookimpl(**marks)
        def mep_figures(self, dataset):
            calls.append(name)
            return [Figure(f"{name}.x", name, "key_figure", f"{name}.", pd.DataFrame({"n": [1]}))]

    return Tiny()


calls: list[str] = []


def engine_order(pm) -> list[str]:
    return [name for name, _ in call_each(pm, "mep_figure_catalog")]


def pluggy_order(pm) -> list[str]:
    return [infos[0].title for infos in pm.hook.mep_figure_catalog()]


def test_tryfirst_and_trylast_run_as_pluggy_runs_them():
    pm = PluginManager()
    pm.register(tiny_plugin("late", trylast=True), name="late")
    pm.register(tiny_plugin("plain"), name="plain")
    pm.register(tiny_plugin("early", tryfirst=True), name="early")
    assert pluggy_order(pm) == ["early", "plain", "late"]
    assert engine_order(pm) == pluggy_order(pm)


def test_without_marks_the_plugin_registered_last_runs_first_as_in_pluggy():
    pm = PluginManager()
    for name in ("one", "two", "three"):
        pm.register(tiny_plugin(name), name=name)
    assert engine_order(pm) == pluggy_order(pm) == ["three", "two", "one"]


def test_figures_run_in_pluggy_order_and_are_listed_in_registration_order(data, core_pm):
    calls.clear()
    core_pm.register(tiny_plugin("early", tryfirst=True), name="early")
    core_pm.register(tiny_plugin("late", trylast=True), name="late")
    results = compute_figures(load_dataset(data, pm=core_pm), core_pm)
    assert calls == ["early", "late"]
    assert list(dict.fromkeys(plugin for plugin, _ in results)) == core_pm.plugin_names()


class Wrapper:
    @hookimpl(wrapper=True)
    def mep_figures(self, dataset):
        return (yield)


class OldStyleWrapper:
    @hookimpl(hookwrapper=True)
    def mep_figures(self, dataset):
        yield


@pytest.mark.parametrize("plugin", [Wrapper(), OldStyleWrapper()], ids=["wrapper", "hookwrapper"])
def test_a_hook_wrapper_is_refused_by_name(plugin):
    pm = PluginManager()
    with pytest.raises(PluginError) as refused:
        pm.register(plugin, name="umhuellt")
    assert refused.value.plugin_name == "umhuellt"
    assert str(refused.value) == (
        "Plugin „umhuellt“ ist fehlgeschlagen: HookWrapperRefused: mep_figures ist ein Hook-Wrapper; "
        "die Planungsmaschine ruft jedes Plugin einzeln auf und unterstützt keine Wrapper "
        "(wrapper=True, hookwrapper=True)"
    )
    assert not pm.has_plugin("umhuellt")


def test_a_hook_wrapper_on_a_plain_pluggy_manager_is_refused_before_any_plugin_runs():
    pm = pluggy.PluginManager("mep")
    pm.add_hookspecs(hookspecs)
    calls.clear()
    pm.register(Wrapper(), name="umhuellt")
    pm.register(tiny_plugin("plain"), name="plain")
    with pytest.raises(PluginError) as refused:
        list(call_each(pm, "mep_figures", dataset=None))
    assert refused.value.plugin_name == "umhuellt"
    assert "Hook-Wrapper" in str(refused.value)
    assert calls == []


def test_an_installed_hook_wrapper_is_named_once(monkeypatch, tmp_path):
    site = install_plugin(
        tmp_path / "site", "wrap",
        "from portal.engine.hookspecs import hookimpl\n\n"
        "@hookimpl(wrapper=True)\ndef mep_figures(dataset):\n    return (yield)\n",
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    with pytest.raises(PluginError) as refused:
        get_plugin_manager(only={"wrap"})
    assert refused.value.plugin_name == "wrap"
    assert str(refused.value).count("ist fehlgeschlagen") == 1
