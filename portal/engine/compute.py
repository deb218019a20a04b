"""Computing every plugin's figures, and writing them atomically to a folder.

:func:`compute_figures` runs plugin by plugin so that a failure names its
plugin; :func:`write_figures` writes into a temporary folder beside the
target and swaps it in only when everything is written, so a failed run
leaves the previous output exactly as it was.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

from portal.engine import __version__ as ENGINE_VERSION
from portal.engine.dataset import DataSet
from portal.engine.figures import FIGURE_KINDS, Figure, ensure_accessible_svg
from portal.engine.i18n import SOURCE_LANGUAGE
from portal.engine.plugins import PluginError, call_each, call_each_concurrently, get_plugin_manager
from portal.engine.provenance import FigureRecipe, attach_provenance
from portal.engine.rendering import ChartPool

if TYPE_CHECKING:
    from portal.engine.scenario import Scenario

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_]+")

#: called after each plugin with (plugin name, its figures, seconds taken)
ProgressCallback = Callable[[str, list[Figure], float], None]


def compute_figures(
    dataset: DataSet,
    pm: pluggy.PluginManager | None = None,
    progress: ProgressCallback | None = None,
    language: str = SOURCE_LANGUAGE,
    translations: Sequence[str] = (),
    pool: ChartPool | None = None,
) -> list[tuple[str, Figure]]:
    """Every plugin's figures for a valid data set, as (plugin name, figure) pairs, written in ``language``.

    Each language of ``translations`` is rendered too and attached to its
    figure as ``figure.translations[language]`` (what the portal stores).
    With a ``pool`` the plugins run side by side and their charts are drawn
    in its worker processes, in each language; the figures are the same, byte for byte.
    Raises :class:`~portal.engine.plugins.PluginError` when a plugin raises or
    returns something that is not a proper figure.
    """
    pm = pm or get_plugin_manager()
    if pool is None:
        return _compute_languages(dataset, pm, progress, language, translations, call_each)
    token = pool.activate()
    try:
        return _compute_languages(dataset, pm, progress, language, translations, call_each_concurrently)
    finally:
        pool.deactivate(token)


def _compute_languages(
    dataset: DataSet,
    pm: pluggy.PluginManager,
    progress: ProgressCallback | None,
    language: str,
    translations: Sequence[str],
    call,
) -> list[tuple[str, Figure]]:
    results = _compute(dataset, pm, progress, language, call)
    by_key = {figure.key: figure for _plugin, figure in results}
    for other in translations:
        # Each plugin is asked once per language: the words and the charts differ, the data does not
        # (the data costs a fraction of drawing the charts, which every language needs anyway). A figure
        # a plugin leaves out in a language has no translation there; readers then see ``language``'s.
        for _plugin, figure in _compute(dataset, pm, _labelled(progress, other), other, call):
            if figure.key in by_key:
                by_key[figure.key].translations[other] = figure
    recipes = {lang: figure_recipes(pm, lang) for lang in dict.fromkeys((language, *translations))}
    attach_provenance(dataset, results, recipes, getattr(pm, "versions", {}), ENGINE_VERSION)
    return results


def _compute(
    dataset: DataSet, pm: pluggy.PluginManager, progress: ProgressCallback | None, language: str, call
) -> list[tuple[str, Figure]]:
    computed: dict[str, list[Figure]] = {}
    started = time.perf_counter()
    for name, figures in call(pm, "mep_figures", dataset=dataset, language=language):
        figures = list(figures or ())
        for figure in figures:
            _check_figure(name, figure)
            if figure.kind == "chart":
                figure.svg = ensure_accessible_svg(figure.svg, figure.title, figure.summary, figure.key)
        computed[name] = figures
        now = time.perf_counter()
        if progress is not None:
            progress(name, figures, now - started)
        started = now
    # Listed in registration order, like the catalogue, whatever order pluggy called
    # the plugins in; so a key claimed twice is blamed on the plugin registered later.
    results: list[tuple[str, Figure]] = []
    seen: dict[str, str] = {}
    for name, _ in pm.list_name_plugin():
        for figure in computed.get(name, ()):
            if figure.key in seen:
                raise PluginError(name, ValueError(f"Schlüssel {figure.key} gibt es schon (Plugin {seen[figure.key]})"))
            seen[figure.key] = name
            results.append((name, figure))
    return results


def _labelled(progress: ProgressCallback | None, language: str) -> ProgressCallback | None:
    """``progress`` with the language after each plugin's name: ``finance (en)``."""
    if progress is None:
        return None
    return lambda name, figures, seconds: progress(f"{name} ({language})", figures, seconds)


def _check_figure(plugin: str, figure: object) -> None:
    def fail(message: str) -> None:
        raise PluginError(plugin, ValueError(message))

    if not isinstance(figure, Figure):
        fail(f"mep_figures lieferte {type(figure).__name__} statt Figure")
    if not KEY_PATTERN.fullmatch(figure.key):
        fail(f"ungültiger Schlüssel {figure.key!r} (erwartet: plugin.name, Kleinbuchstaben)")
    if figure.kind not in FIGURE_KINDS:
        fail(f"{figure.key}: unbekannte Art {figure.kind!r}")
    if figure.kind == "chart" and not figure.svg:
        fail(f"{figure.key}: ein Diagramm braucht ein SVG")
    if not figure.summary or not figure.title:
        fail(f"{figure.key}: Titel und Zusammenfassung dürfen nicht leer sein")


def figure_catalog(pm: pluggy.PluginManager | None = None) -> list[tuple[str, list]]:
    """Every plugin with the figures it can compute, without computing them."""
    pm = pm or get_plugin_manager()
    catalog = {name: list(infos or ()) for name, infos in call_each(pm, "mep_figure_catalog")}
    return [(name, catalog.get(name, [])) for name in pm.plugin_names()]


def figure_recipes(pm: pluggy.PluginManager, language: str = SOURCE_LANGUAGE) -> dict[str, FigureRecipe]:
    """Every plugin's recipes (``mep_figure_recipes``) in ``language``, by figure key."""
    return {
        recipe.key: recipe
        for _name, recipes in call_each(pm, "mep_figure_recipes", language=language)
        for recipe in recipes or ()
    }


def write_figures(
    out: str | Path,
    dataset: DataSet,
    results: list[tuple[str, Figure]],
    pm: pluggy.PluginManager | None = None,
    scenario: Scenario | None = None,
) -> Path:
    """Write ``figures.json``, ``<key>.csv`` and ``<key>.svg`` into ``out``, atomically.

    With a ``scenario`` (computed into ``dataset`` already), ``figures.json`` names it.

    Everything goes into a temporary folder beside ``out`` first; only then
    is the old ``out`` moved aside and the new one renamed into place.
    """
    out = Path(out).resolve()
    with _staged(out) as staging:
        entries = []
        for plugin, figure in results:
            files = [f"{figure.key}.csv"]
            figure.data.to_csv(staging / files[0], index=False, lineterminator="\n")
            if figure.svg:
                files.append(f"{figure.key}.svg")
                (staging / files[1]).write_text(figure.svg, encoding="utf-8")
            entries.append(
                {
                    "key": figure.key,
                    "plugin": plugin,
                    "title": figure.title,
                    "kind": figure.kind,
                    "summary": figure.summary,
                    "columns": figure.column_labels(),
                    "files": files,
                    "provenance": figure.provenance,
                }
            )
        versions = getattr(pm, "versions", {}) if pm is not None else {}
        manifest = {
            "cycle": dataset.cycle_name,
            "synthetic": dataset.synthetic,
            "fingerprint": dataset.fingerprint,
            "engine_version": ENGINE_VERSION,
            "plugins": {plugin: versions.get(plugin, "") for plugin in dict.fromkeys(p for p, _ in results)},
            "figures": entries,
        }
        if scenario is not None:
            manifest["scenario"] = scenario.manifest()
        (staging / "figures.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return out


@contextmanager
def _staged(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; swapped in for ``out`` when the block ends
    without an error, removed (and ``out`` left as it was) when it raises."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} ist kein Ordner")
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.neu-", dir=out.parent))
    try:
        yield staging
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, out: Path) -> None:
    staging.chmod(0o755)
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.alt-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_comparison(out: str | Path, table, sentences: Sequence[str], scenarios: Sequence[dict], dataset: DataSet) -> Path:
    """Write ``compare.csv`` (:func:`portal.engine.comparison.compare`'s table), ``summary.txt`` (one
    sentence per scenario) and ``compare.json`` (the scenarios and their sentences) into ``out``, atomically."""
    out = Path(out).resolve()
    with _staged(out) as staging:
        table.to_csv(staging / "compare.csv", index=False, lineterminator="\n")
        (staging / "summary.txt").write_text("".join(f"{s}\n" for s in sentences), encoding="utf-8")
        manifest = {
            "cycle": dataset.cycle_name,
            "fingerprint": dataset.fingerprint,
            "engine_version": ENGINE_VERSION,
            "scenarios": [{**scenario, "summary": sentence} for scenario, sentence in zip(scenarios, sentences, strict=True)],
            "files": ["compare.csv", "summary.txt"],
        }
        (staging / "compare.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out
