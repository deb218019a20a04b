"""Loading a cycle's data set (``shared/spec/planning-data.md``): gather the table specs, read, check, validate.

A data set is a folder of CSV files, or one ``.xlsx`` workbook whose sheet
names are the file names without ``.csv``, with ``plan.toml`` beside it. It is
refused with *every* problem listed (:class:`DataSetError`), or returned as a
:class:`DataSet` whose tables are typed DataFrames indexed by line number.

The jobs live in their own modules — :mod:`~portal.engine.specs` (what a data
set is made of), :mod:`~portal.engine.reading`, :mod:`~portal.engine.checking`
and :mod:`~portal.engine.plan_toml` — and the names plugins import are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from portal.engine.checking import check_tables
from portal.engine.limits import DEFAULT_LIMITS, Limits
from portal.engine.plan_toml import check_plan_rules, read_plan, target_pct
from portal.engine.reading import Source, read_tables
from portal.engine.specs import (
    CATALOG,
    CATEGORIES,
    CORE_TABLES,
    INVENTORY,
    RECURRING,
    SCHOOL_TYPES,
    SCHOOLS,
    YEAR_MAX,
    YEAR_MIN,
    Column,
    ColumnType,
    DataSet,
    DataSetError,
    Problem,
    TableSpec,
    merge_specs,
)

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "CATALOG",
    "CATEGORIES",
    "CORE_TABLES",
    "INVENTORY",
    "RECURRING",
    "SCHOOLS",
    "SCHOOL_TYPES",
    "YEAR_MAX",
    "YEAR_MIN",
    "Column",
    "ColumnType",
    "DataSet",
    "DataSetError",
    "Problem",
    "TableSpec",
    "load_dataset",
    "merge_specs",
    "target_pct",
]


def load_dataset(
    path: str | Path,
    pm: pluggy.PluginManager | None = None,
    specs: Iterable[TableSpec] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> DataSet:
    """Read, check and type a cycle's data set from a folder or an ``.xlsx`` workbook.

    Tables are declared by the engine (:data:`CORE_TABLES`) and by every plugin
    of ``pm`` (default: :func:`portal.engine.plugins.get_plugin_manager`);
    ``specs`` replaces the plugins' tables. Only the declared tables and
    columns are read, within ``limits``. Raises :class:`DataSetError` with
    every problem, or :class:`~portal.engine.plugins.PluginError` when a
    plugin fails.
    """
    # imported here, not at the top: the plugin layer sits above the data set, not beside it
    from portal.engine import plugins as plugin_registry

    if pm is None and specs is None:
        pm = plugin_registry.get_plugin_manager()
    if specs is None:
        specs = _plugin_tables(pm)
    dataset, problems = _read_and_check(Path(path), merge_specs([*CORE_TABLES, *specs]), limits)
    if problems:
        raise DataSetError(_in_reading_order(problems))
    if pm is not None:
        problems = [p for _, found in plugin_registry.call_each(pm, "mep_validate", dataset=dataset) for p in found or ()]
        if problems:
            raise DataSetError(problems)
    return dataset


def _plugin_tables(pm: pluggy.PluginManager) -> list[TableSpec]:
    """Every table the plugins declare (``mep_tables``), in the order they are called."""
    from portal.engine.plugins import call_each

    return [spec for _, declared in call_each(pm, "mep_tables") for spec in declared or ()]


def _read_and_check(path: Path, specs: dict[str, TableSpec], limits: Limits) -> tuple[DataSet, list[Problem]]:
    """The data set read with ``specs`` and typed, and every problem its files and plan.toml have."""
    plan, plan_text = None, ""
    with Source.open(path, limits) as source:
        problems: list[Problem] = list(source.problems)
        if not source.problems:  # a folder or workbook that cannot be read has no plan.toml worth reading
            plan_text = source.read_plan_text()
            plan = read_plan(plan_text, problems)
        frames = read_tables(source, specs.values(), problems)
    dataset = DataSet(
        plan=plan or {},
        source=str(path),
        fingerprint=source.fingerprint(),
        files={name: source.file_name(name) for name in specs},
    )
    check_tables(specs, frames, dataset, problems)
    if plan is not None:
        check_plan_rules(dataset, plan_text or "", problems)
    return dataset, problems


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """File by file as first reported, then top to bottom; a line's problems keep their order."""
    files = {p.file: i for i, p in reversed(list(enumerate(problems)))}
    return sorted(problems, key=lambda p: (files[p.file], p.line or 0))
