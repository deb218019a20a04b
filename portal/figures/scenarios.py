"""Scenarios in the portal: their fields as the engine's scenario file, checked, computed, published; and
the readers' "Was wäre, wenn …?" forecast, computed on request and cached by its input, never stored.

The engine does the work (:mod:`portal.engine.scenario`, :mod:`portal.engine.comparison`);
here a scenario's fields become its TOML file, the engine's problems go back to
the fields they are about, and the result is kept on the scenario.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.engine.comparison import FORECAST_KEY, assumptions, compare, sides, summary_sentence
from portal.engine.compute import compute_figures
from portal.engine.dataset import DataSet, DataSetError, load_dataset
from portal.engine.i18n import TRANSLATIONS, engine_translator
from portal.engine.plugins import PluginError, get_plugin_manager
from portal.engine.scenario import Scenario as EngineScenario
from portal.engine.scenario import ScenarioProblem, apply_scenario, parse_scenario
from portal.spreadsheet import neutralised_csv

from .models import Cycle, DataSetVersion, Scenario, published_scenarios  # noqa: F401  (used here and by callers)
from .signals import figures_changed
from .svg import csp_ready

#: (model field, section of the scenario file) of the overrides written as "key = value" lines
LINE_FIELDS = (
    ("useful_life_years", "useful_life_years"),
    ("unit_cost_eur", "unit_cost_eur"),
    ("device_ratio_pct", "targets.device_ratio_pct"),
)
#: the figures a scenario page shows and the charts it draws
SHOWN_FIGURES = ("finance.forecast", "finance.product_groups", "finance.total", "infrastructure.device_ratio")
CHARTS = ("finance.forecast", "finance.product_groups")
_LINE = re.compile(r'^\s*"?([^"=]+?)"?\s*=\s*(.+?)\s*$')


# --- the scenario file -------------------------------------------------------


def scenario_toml(scenario: Scenario) -> str:
    return _toml(scenario)[0]


def _toml(scenario: Scenario) -> tuple[str, dict[int, str]]:
    """The scenario file of ``scenario``'s fields and, for each of its lines, the field it came from."""
    lines: list[str] = []
    fields: dict[int, str] = {}

    def add(text: str, field: str) -> None:
        lines.append(text)
        fields[len(lines)] = field

    add("[scenario]", "name")
    add(f"name = {_string(scenario.name)}", "name")
    if scenario.description:
        add(f"description = {_string(scenario.description)}", "description")
    if scenario.price_increase_pct is not None or scenario.price_base_year is not None:
        add("[plan]", "price_increase_pct")
        if scenario.price_increase_pct is not None:
            add(f"price_increase_pct = {float(scenario.price_increase_pct)!r}", "price_increase_pct")
        if scenario.price_base_year is not None:
            add(f"price_base_year = {int(scenario.price_base_year)}", "price_base_year")
    for field, section in LINE_FIELDS:
        entries = [line for line in (getattr(scenario, field) or "").splitlines() if line.strip()]
        if not entries:
            continue
        add(f"[{section}]", field)
        for entry in entries:
            match = _LINE.match(entry)
            # a key in quotes: school types have umlauts, which TOML allows only there
            add(f"{_string(match.group(1).strip())} = {match.group(2)}" if match else entry, field)
    return "\n".join(lines) + "\n", fields


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def field_of(problem: ScenarioProblem, fields: dict[int, str]) -> str:
    """The form field a problem of the scenario file is about."""
    key = problem.column or ""
    if key.startswith("plan.price_base_year"):
        return "price_base_year"
    if key.startswith("plan."):
        return "price_increase_pct"
    for field, section in LINE_FIELDS:
        if key.startswith(section):
            return field
    if key.startswith("scenario.description"):
        return "description"
    return fields.get(problem.line or 0, "name")


def check(scenario: Scenario) -> dict[str, list[str]]:
    """The engine's problems with ``scenario``, by form field (empty: it is fine), against its cycle's published data."""
    version = published_version(scenario.cycle)
    if version is None:
        return {"cycle": ["Für diesen Zyklus ist noch kein Datensatz veröffentlicht."]}
    text, fields = _toml(scenario)
    problems: list = []
    parse_scenario(text, core_dataset(version), problems, file="Szenario")
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(field_of(problem, fields), []).append(_in_words(problem))
    return found


def _in_words(problem: ScenarioProblem) -> str:
    """The engine's message with its key: ``ipad_pupils: muss eine ganze Zahl ≥ 1 sein``."""
    key = (problem.column or "").rsplit(".", 1)[-1]
    return f"{key}: {problem.message}" if key else problem.message


def engine_scenario(scenario: Scenario, dataset: DataSet) -> EngineScenario:
    problems: list = []
    parsed = parse_scenario(scenario.toml(), dataset, problems, file=f"{scenario.slug or 'szenario'}.toml")
    if problems:
        raise DataSetError(problems)
    return parsed


# --- data sets, kept in the process -------------------------------------------------


_datasets: OrderedDict[tuple[int, str], DataSet] = OrderedDict()
_datasets_lock = threading.Lock()
DATASETS_KEPT = 2


def published_version(cycle: Cycle) -> DataSetVersion | None:
    return cycle.versions.filter(is_published=True).first()


def core_dataset(version: DataSetVersion) -> DataSet:
    """The version's data set with the contract's core tables only: enough for a scenario and the finance figures."""
    return _dataset(version, full=False)


def _dataset(version: DataSetVersion, full: bool) -> DataSet:
    from .services import dataset_limits, unpacked

    key = (version.pk, f"{version.fingerprint}:{'full' if full else 'core'}")
    with _datasets_lock:
        if key in _datasets:
            _datasets.move_to_end(key)
            return _datasets[key]
    with unpacked(version) as path:
        if full:
            dataset = load_dataset(path, pm=get_plugin_manager(), limits=dataset_limits())
        else:
            dataset = load_dataset(path, specs=[], limits=dataset_limits())
    with _datasets_lock:
        _datasets[key] = dataset
        while len(_datasets) > DATASETS_KEPT:
            _datasets.popitem(last=False)
    return dataset


# --- computing and publishing ---------------------------------------------------


def enqueue(scenario: Scenario) -> Scenario:
    """Compute ``scenario`` in the background worker (inline with the immediate backend)."""
    from .tasks import scenario_task

    _update(scenario, status=Scenario.QUEUED, progress="", error="")
    scenario_task.enqueue(scenario.pk)
    scenario.refresh_from_db()
    return scenario


def run(scenario: Scenario) -> Scenario:
    """Compute the base and the scenario (numbers of every figure, the two finance charts) and keep the result."""
    _update(scenario, status=Scenario.RUNNING, progress="Daten werden gelesen …", error="")
    done: list[str] = []

    def step(text: str) -> None:
        done.append(text)
        _update(scenario, progress="\n".join(done))

    try:
        version = published_version(scenario.cycle)
        if version is None:
            raise DataSetError([ScenarioProblem("Zyklus", None, None, "kein veröffentlichter Datensatz")])
        dataset = _dataset(version, full=True)
        parsed = engine_scenario(scenario, dataset)
        step("Datensatz gelesen, Szenario geprüft")
        pm = get_plugin_manager()
        base, [side] = sides(dataset, [parsed], pm)
        step("Basis und Szenario berechnet")
        table = compare(base, [side])
        sentence = summary_sentence(base, side, table)
        translated = {}
        for language in TRANSLATIONS:  # the page's words in each language the engine writes
            tr = engine_translator(language)
            translated[language] = {"sentence": summary_sentence(base, side, table, tr), "assumptions": assumptions(dataset, parsed, tr)}
        charts = {
            figure.key: csp_ready(figure.svg)
            for _plugin, figure in compute_figures(side.dataset, get_plugin_manager(only={"finance"}))
            if figure.key in CHARTS and figure.svg
        }
        step("Diagramme des Szenarios gezeichnet")
    except DataSetError as exc:
        return _failed(scenario, "\n".join(str(p) for p in exc.problems))
    except PluginError as exc:
        return _failed(scenario, str(exc))
    except Exception as exc:  # noqa: BLE001 – the planner learns what went wrong
        return _failed(scenario, f"{type(exc).__name__}: {exc}")
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    shown = table[table["key"].isin(SHOWN_FIGURES)]
    scenario.result = {
        "label": side.label,
        "sentence": sentence,
        "assumptions": assumptions(dataset, parsed),
        "translations": translated,
        "changes": parsed.changes(),
        "charts": charts,
        "csv": buffer.getvalue(),
        "columns": [str(c) for c in table.columns],
        "rows": shown.astype(object).where(shown.notna(), None).to_dict(orient="records"),
        "fingerprint": dataset.fingerprint,
    }
    _update(
        scenario, status=Scenario.SUCCEEDED, result=scenario.result, computed_at=timezone.now(),
        dataset_version=version, progress="\n".join([*done, "Fertig"]),
    )
    if scenario.published:
        _changed(scenario)
    return scenario


def _failed(scenario: Scenario, error: str) -> Scenario:
    """Keep the planner's error; a published scenario leaves the public pages until it computes again."""
    _update(scenario, status=Scenario.FAILED, error=error)
    if scenario.published:
        _changed(scenario)
    return scenario


def set_published(scenario: Scenario, published: bool) -> Scenario:
    """Publish (only a computed scenario) or withdraw ``scenario``."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if published and scenario.status != Scenario.SUCCEEDED:
            raise ValueError("Nur ein berechnetes Szenario kann veröffentlicht werden.")
        _update(scenario, published=published)
    _changed(scenario)
    return scenario


def _changed(scenario: Scenario) -> None:
    """Chapter 5.3 lists the published scenarios: the cached pages must go (as after a publication)."""
    regeneration = scenario.cycle.published_regeneration()
    if regeneration is not None:
        figures_changed.send(sender=Scenario, regeneration=regeneration)


def _update(scenario: Scenario, **fields) -> None:
    for name, value in fields.items():
        setattr(scenario, name, value)
    scenario.save(update_fields=list(fields))


def result_csv(scenario: Scenario) -> str:
    return neutralised_csv(scenario.result.get("csv", ""))


# --- "Was wäre, wenn …?" ------------------------------------------------------------

WHATIF_TIMEOUT = 60 * 60  # an hour: the same question within it is answered from the cache
WHATIF_LOCK = "mep-whatif-lock"
WHATIF_LOCK_SECONDS = 30
WHATIF_WAIT_SECONDS = 5.0


class Busy(Exception):
    """Another reader's forecast is being computed right now; the reader tries again in a moment."""


def whatif_key(version: DataSetVersion, life: dict[str, int], price_increase_pct: float) -> str:
    """The cache key of a question: the data set and the normalized input, nothing else."""
    normalized = repr((version.pk, version.fingerprint, sorted(life.items()), round(float(price_increase_pct), 1)))
    return "mep-whatif:" + hashlib.sha256(normalized.encode()).hexdigest()


def whatif_forecast(version: DataSetVersion, life: dict[str, int], price_increase_pct: float) -> list[dict]:
    """The forecast (``finance.forecast``'s rows) with these useful lives and this price increase.

    Cached by input; computed by one reader at a time across workers (a lock in the
    shared cache), so a burst of questions costs at most one computation at once.
    """
    key = whatif_key(version, life, price_increase_pct)
    rows = cache.get(key)
    if rows is not None:
        return rows
    deadline = time.monotonic() + WHATIF_WAIT_SECONDS
    while not cache.add(WHATIF_LOCK, 1, WHATIF_LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise Busy
        time.sleep(0.1)
    try:
        rows = cache.get(key)
        if rows is None:
            rows = _compute_whatif(version, life, price_increase_pct)
            cache.set(key, rows, WHATIF_TIMEOUT)
    finally:
        cache.delete(WHATIF_LOCK)
    return rows


def _compute_whatif(version: DataSetVersion, life: dict[str, int], price_increase_pct: float) -> list[dict]:
    from portal.engine.rendering import without_charts

    dataset = core_dataset(version)
    parsed = EngineScenario(name="Was wäre, wenn", plan={"price_increase_pct": float(price_increase_pct)}, useful_life_years=dict(life))
    with without_charts():
        figures = compute_figures(apply_scenario(dataset, parsed), get_plugin_manager(only={"finance"}))
    data = next(figure.data for _plugin, figure in figures if figure.key == FORECAST_KEY)
    return [{k: (int(v) if k == "year" else float(v)) for k, v in row.items()} for row in data.to_dict(orient="records")]


def main_groups(dataset: DataSet, limit: int = 4) -> list[tuple[str, str, int]]:
    """(product group, label, useful life) of the hardware groups a reader may change: the dearest stock first."""
    catalog = dataset.tables["catalog"]
    inventory = dataset.tables["inventory"]
    hardware = catalog[catalog["category"] == "hardware"].set_index("product_group")
    stock = (inventory["quantity"] * inventory["product_group"].map(hardware["unit_cost_eur"])).groupby(inventory["product_group"]).sum()
    ordered = stock.reindex(hardware.index).fillna(0).sort_values(ascending=False, kind="stable").index[:limit]
    return [(group, str(hardware.loc[group, "label"]), int(hardware.loc[group, "useful_life_years"])) for group in ordered]


