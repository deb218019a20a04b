"""The table specs in words, for people: each column's type and rule in German, and every declared table.

The template (:mod:`portal.engine.template`), the portal's help page and the
hints in problems all say it the same way, from the same
:class:`~portal.engine.specs.TableSpec` the engine checks with. A stranger's
plugin that leaves a description out gets a neutral placeholder, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal.engine.specs import CORE_TABLES, YEAR_MAX, YEAR_MIN, Column, TableSpec, merge_specs

if TYPE_CHECKING:
    import pluggy

TYPE_LABELS = {
    "text": "Text",
    "int": "ganze Zahl",
    "decimal": "Dezimalzahl (mit Punkt)",
    "bool": "wahr/falsch",
    "date": "Datum (JJJJ-MM-TT)",
    "year": "Jahreszahl",
}
NO_DESCRIPTION = "(keine Beschreibung angegeben)"


@dataclass(frozen=True)
class DeclaredTable:
    """A table of the data set as the engine checks it, and who declares it (``engine`` or plugin names)."""

    spec: TableSpec
    declared_by: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def file(self) -> str:
        return f"{self.spec.name}.csv"


def declared_tables(pm: pluggy.PluginManager | None) -> list[DeclaredTable]:
    """The core tables, then every plugin's (``mep_tables``), merged as :func:`load_dataset` merges them."""
    from portal.engine.plugins import call_each

    sources: dict[str, list[str]] = {spec.name: ["engine"] for spec in CORE_TABLES}
    specs: list[TableSpec] = list(CORE_TABLES)
    if pm is not None:
        for plugin, declared in call_each(pm, "mep_tables"):
            for spec in declared or ():
                specs.append(spec)
                names = sources.setdefault(spec.name, [])
                if plugin not in names:
                    names.append(plugin)
    return [DeclaredTable(spec, tuple(sources[name])) for name, spec in merge_specs(specs).items()]


def type_label(column: Column) -> str:
    return TYPE_LABELS.get(column.type, column.type)


def description(item: Column | TableSpec) -> str:
    """The German description, or a placeholder when the plugin gave none."""
    return (item.description or "").strip() or NO_DESCRIPTION


def rule_parts(column: Column) -> list[str]:
    """Each rule of ``column`` as a short German phrase, in the order the engine checks them."""
    parts = ["Pflichtangabe" if column.required else "optional (leer = nicht angegeben)"]
    if column.type == "year":
        low = YEAR_MIN if column.min is None else max(YEAR_MIN, column.min)
        high = YEAR_MAX if column.max is None else min(YEAR_MAX, column.max)
        parts.append(f"Jahreszahl von {_num(low)} bis {_num(high)}")
    elif column.min is not None and column.max is not None:
        parts.append(f"von {_num(column.min)} bis {_num(column.max)}")
    elif column.min is not None:
        parts.append(f"≥ {_num(column.min)}")
    elif column.max is not None:
        parts.append(f"≤ {_num(column.max)}")
    if column.type == "bool":
        parts.append("true oder false (auch wahr/falsch, ja/nein, 1/0)")
    if column.type == "decimal":
        parts.append("Dezimaltrennzeichen ist der Punkt")
    if column.type == "date":
        parts.append("Datum wie 2024-12-31")
    if column.choices is not None:
        parts.append("einer von: " + ", ".join(column.choices))
    if column.unique:
        parts.append("eindeutig (kein Wert doppelt)")
    if column.references is not None:
        table, target = column.references
        parts.append(f"muss in {table}.csv, Spalte {target} vorkommen")
    return parts


def rule_text(column: Column) -> str:
    return "; ".join(rule_parts(column))


def column_names(spec: TableSpec) -> str:
    return ", ".join(column.name for column in spec.columns)


def missing_file_hint(spec: TableSpec) -> str:
    """What a missing table should hold, for the problem that says it is missing."""
    what = (spec.description or "").strip().rstrip(".")
    row = f"je Zeile {what[:1].lower()}{what[1:]}; " if what else ""
    return f"{row}Spalten: {column_names(spec)}"


def example_value(column: Column, examples: dict[tuple[str, str], str]) -> str:
    """The template's example cell for ``column`` (one example row per table).

    A reference takes the referenced table's example, so the template's
    example rows fit together; optional columns stay empty unless the spec gives an example.
    """
    if column.references is not None and column.references in examples:
        return examples[column.references]
    if column.example is not None:
        return column.example
    if not column.required:
        return ""
    if column.choices:
        return column.choices[0]
    if column.type in ("int", "decimal"):
        return _num(column.min if column.min is not None else 0 if column.max is None or column.max >= 0 else column.max)
    if column.type == "year":
        return "2024"
    if column.type == "date":
        return "2024-12-31"
    if column.type == "bool":
        return "false"
    return "Beispiel"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def specs_of(tables: Iterable[DeclaredTable]) -> list[TableSpec]:
    return [table.spec for table in tables]
