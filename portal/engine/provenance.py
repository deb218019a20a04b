"""Where a figure comes from: the rule that computes it, its inputs and the settings it used.

Each plugin describes its figures with :class:`FigureRecipe` (hook
``mep_figure_recipes``): the rule in a few German sentences, the tables and
columns it reads and the plan.toml settings it uses. :func:`attach_provenance`
turns a recipe into what a computed figure carries (``figure.provenance``):
the rule in the figure's language, a fingerprint and row count of every input
table, the settings' values, and the engine's and plugin's versions. The
portal adds the data set version, the regeneration and what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from portal.engine.figures import FigureRecipe
from portal.engine.specs import DataSet

__all__ = ["FigureRecipe", "attach_provenance", "provenance", "setting_value", "table_fingerprint"]


def setting_value(plan: Mapping[str, Any], path: str) -> Any:
    """The value of a dotted plan.toml key as plain JSON data (dates as ISO text); None when not set."""
    value: Any = plan
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_fingerprint(dataset: DataSet, table: str) -> dict[str, Any]:
    """An input table's file, row count and sha256; the rows are None when the data set lacks the table.

    For a CSV file the sha256 is the file's own (``sha256sum inventory.csv``
    shows the same); for a workbook's sheet it is taken over the sheet's
    columns as the engine read them, written as CSV.
    """
    frame = dataset.table(table)
    file = dataset.file_name(table)
    entry: dict[str, Any] = {"table": table, "file": file, "rows": None, "sha256": ""}
    if frame is None:
        return entry
    entry["rows"] = int(len(frame))
    path = Path(dataset.source) / file if dataset.source else None
    if path is not None and path.is_file():
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        entry["sha256"] = hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode()).hexdigest()
    return entry


def provenance(
    dataset: DataSet,
    recipe: FigureRecipe,
    *,
    plugin: str,
    plugin_version: str,
    engine_version: str,
    fingerprints: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What a computed figure carries about its origin, as plain JSON data (see the module's docstring)."""
    fingerprints = {} if fingerprints is None else fingerprints
    tables = []
    for table, columns in recipe.reads.items():
        if table not in fingerprints:
            fingerprints[table] = table_fingerprint(dataset, table)
        tables.append({**fingerprints[table], "columns": list(columns)})
    return {
        "rule": recipe.rule,
        "tables": tables,
        "settings": [{"key": key, "value": setting_value(dataset.plan, key)} for key in recipe.settings],
        "dataset_fingerprint": dataset.fingerprint,
        "engine_version": engine_version,
        "plugin": plugin,
        "plugin_version": plugin_version,
    }


def attach_provenance(
    dataset: DataSet,
    results: Sequence[tuple[str, Any]],
    recipes: Mapping[str, Mapping[str, FigureRecipe]],
    versions: Mapping[str, str],
    engine_version: str,
) -> None:
    """Give every figure of ``results`` (and each of its translations) its ``provenance``.

    ``recipes`` is language -> key -> recipe in that language; a figure
    without a recipe keeps an empty provenance (the contract test forbids it
    for every installed plugin, but a stranger's older plugin still computes).
    """
    fingerprints: dict[str, dict[str, Any]] = {}
    for plugin, figure in results:
        for language, shown in ((figure.language, figure), *figure.translations.items()):
            recipe = recipes.get(language, {}).get(figure.key) or recipes.get(figure.language, {}).get(figure.key)
            if recipe is None:
                continue
            shown.provenance = provenance(
                dataset,
                recipe,
                plugin=plugin,
                plugin_version=versions.get(plugin, ""),
                engine_version=engine_version,
                fingerprints=fingerprints,
            )
