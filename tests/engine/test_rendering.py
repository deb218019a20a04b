"""Charts drawn in worker processes are the charts drawn in process, byte for byte (issue 10, point 6)."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.engine.cli import EXIT_FAILED, EXIT_OK, main
from portal.engine.compute import compute_figures, write_figures
from portal.engine.dataset import load_dataset
from portal.engine.figures import Figure, FigureInfo, bar_chart, line_chart
from portal.engine.hookspecs import hookimpl
from portal.engine.plugins import PluginError, PluginManager, call_each, call_each_concurrently, get_plugin_manager
from portal.engine.rendering import ChartPool, active_pool

ROOT = Path(__file__).resolve().parents[2]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(demo_data):
    pm = get_plugin_manager()
    return pm, load_dataset(demo_data, pm=pm)


def test_demo_figures_from_worker_processes_are_byte_identical_to_drawn_in_process(demo, tmp_path):
    pm, dataset = demo
    here = compute_figures(dataset, pm, translations=("en",))
    with ChartPool(2) as pool:
        there = compute_figures(dataset, pm, translations=("en",), pool=pool)
    assert active_pool() is None  # the pool was active only while the plugins ran
    assert [(name, figure.key) for name, figure in there] == [(name, figure.key) for name, figure in here]
    assert sum(figure.kind == "chart" for _, figure in here) >= 10
    serial, parallel = files(write_figures(tmp_path / "a", dataset, here, pm)), files(write_figures(tmp_path / "b", dataset, there, pm))
    assert serial.keys() == parallel.keys()
    different = [name for name in serial if serial[name] != parallel[name]]
    assert different == []
    # each language's charts are drawn in the workers too, and in that language
    english = {figure.key: figure.translations["en"] for _, figure in here}
    for _, figure in there:
        assert figure.translations["en"].svg == english[figure.key].svg, figure.key
    forecast = english["finance.forecast"].svg
    assert "€ million" in forecast and re.search(r">\d+\.\d</text>", forecast) and not re.search(r">\d+,\d</text>", forecast)


@pytest.mark.parametrize("language", ["de", "en"])
def test_mep_compute_writes_the_same_bytes_with_and_without_worker_processes(language, demo_data, tmp_path):
    for jobs, out in (("0", "serial"), ("2", "parallel")):
        assert main(["compute", str(demo_data), "--out", str(tmp_path / out), "--language", language, "--jobs", jobs]) == EXIT_OK
    serial, parallel = files(tmp_path / "serial"), files(tmp_path / "parallel")
    assert len(serial) > 30 and serial == parallel
    unit = {"de": "Mio. €", "en": "€ million"}[language]  # the money axis, drawn in the language asked for
    assert unit in serial["finance.forecast.svg"].decode()


def test_a_chart_reaches_its_worker_as_plain_data_with_the_languages_number_symbols(monkeypatch):
    from portal.engine import rendering
    from portal.engine.i18n import engine_translator

    sent = []
    monkeypatch.setattr(rendering, "draw", lambda kind, arguments: sent.append((kind, arguments)) or "<svg/>")
    tr = engine_translator("en")
    bar_chart(["A"], {"x": [1234.5]}, title="t", desc="d", value_format=tr.eur, tr=tr)
    line_chart([2025, 2026], {"x": [1.0, 2.0]}, title="t", desc="d", tr=tr)
    bar_chart(["A"], {"x": [1.0]}, title="t", desc="d")
    english = {"language": "en", "decimal": ".", "group": ","}
    assert [(kind, arguments["number_format"]) for kind, arguments in sent] == [("bar", english), ("line", english), ("bar", None)]
    assert sent[0][1]["labels"] == ["€1,234.50"]  # written where the plugin's function is, not in the worker

    def plain(value) -> bool:  # what pickles by value: no function, no translator, nothing of the plugin's
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool | np.ndarray)

    assert all(plain(arguments) for _, arguments in sent)
    assert all(pickle.loads(pickle.dumps(arguments)).keys() == arguments.keys() for _, arguments in sent)


@pytest.mark.parametrize("jobs", ["-1", "zwei"])
def test_jobs_must_be_a_count(jobs, demo_data, tmp_path, capsys):
    assert main(["compute", str(demo_data), "--out", str(tmp_path / "out"), "--jobs", jobs]) == 64
    assert "--jobs: keine Zahl ab 0" in capsys.readouterr().err


def test_the_main_process_draws_through_the_pool_without_importing_matplotlib():
    script = textwrap.dedent(
        """
        import sys
        from portal.engine.figures import bar_chart, format_pct
        from portal.engine import rendering
        from portal.engine.rendering import ChartPool

        from portal.engine.i18n import engine_translator

        def chart():
            return bar_chart(["Grundschule", "Gymnasium"], {"Quote": [53.5, float("nan")]}, markers={"Ziel": [25, 100]},
                             title="Quote", desc="Zwei Schulformen.", horizontal=True, value_format=format_pct)

        def english():
            tr = engine_translator("en")
            return bar_chart(["A", "B"], {"Sum": [1500.0, 2500.0]}, title="Sum", desc="Two.", value_format=tr.eur, tr=tr)

        with ChartPool(1) as pool:
            token = pool.activate()
            drawn_there = chart(), english()
            pool.deactivate(token)
        assert "matplotlib" not in sys.modules, "the main process imported matplotlib"
        rendering._drawn.clear()  # forget the charts drawn: draw them again, here
        assert (chart(), english()) == drawn_there
        assert "matplotlib" in sys.modules
        print(drawn_there[0].count("53,5 %"), drawn_there[1].count(">1,200</text>"), drawn_there[1].count("1.200"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1", "0"]  # German labels, and English ticks drawn by the worker


def plugin(name: str, started: threading.Barrier | None = None, fails: bool = False):
    info = FigureInfo(f"{name}.chart", name, "chart")

    class Plugin:
        @hookimpl
        def mep_figures(self, dataset):
            if started is not None:
                started.wait(timeout=10)  # every plugin is running at once
            if fails:
                raise RuntimeError(f"{name} kaputt")
            svg = bar_chart(["A", "B"], {"x": [1, 2]}, title=name, desc=f"{name}.")
            return [Figure.of(info, f"{name}.", pd.DataFrame({"x": [1, 2]}), svg)]

    return Plugin()


def test_plugins_run_side_by_side_and_come_back_in_pluggys_order():
    side_by_side, one_by_one = PluginManager(), PluginManager()
    started = threading.Barrier(3)  # passed only when all three run at once
    for name in ("one", "two", "three"):
        side_by_side.register(plugin(name, started), name=name)
        one_by_one.register(plugin(name), name=name)
    names = [name for name, _ in call_each_concurrently(side_by_side, "mep_figures", dataset=None)]
    assert names == [name for name, _ in call_each(one_by_one, "mep_figures", dataset=None)] == ["three", "two", "one"]


def test_side_by_side_the_first_failing_plugin_in_order_is_named():
    pm = PluginManager()
    pm.register(plugin("late", fails=True), name="late")
    pm.register(plugin("fine"), name="fine")
    pm.register(plugin("early", fails=True), name="early")
    with pytest.raises(PluginError) as raised:
        list(call_each_concurrently(pm, "mep_figures", dataset=None))
    assert raised.value.plugin_name == "early"
    assert "early kaputt" in str(raised.value)


def test_a_failing_plugin_is_named_by_mep_compute_with_worker_processes(cli_plugins, data, tmp_path, capsys):
    cli_plugins.register(plugin("kaputt", fails=True), name="kaputt")
    assert main(["compute", str(data), "--out", str(tmp_path / "out"), "--jobs", "2"]) == EXIT_FAILED
    assert "Plugin „kaputt“ ist fehlgeschlagen: RuntimeError: kaputt kaputt" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("cores", "load", "workers"),
    [(1, 0.0, 0), (2, 0.1, 1), (2, 1.5, 0), (4, 1.2, 2), (16, 0.0, 4), (2, 9.0, 0)],
)
def test_workers_only_for_idle_cores_besides_the_main_process(cores, load, workers, monkeypatch):
    from portal.engine import rendering

    monkeypatch.setattr(rendering.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(rendering.os, "getloadavg", lambda: (load, load, load))
    assert rendering.default_workers() == workers
