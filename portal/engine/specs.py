"""What a data set is made of: table and column specs, the core tables, problems and the data set itself.

Plugins declare their tables with :class:`TableSpec` and :class:`Column`
(``shared/spec/planning-data.md``); the engine declares :data:`CORE_TABLES`.
This module reads nothing, so hook specs and plugins can import it freely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # annotations only: `mep import-assets` runs without loading pandas
    import pandas as pd


def N_(message: str) -> str:
    """Mark a message for the engine's catalogue (as :func:`portal.engine.i18n.N_`; specs imports no engine module)."""
    return message

ColumnType = Literal["text", "int", "decimal", "bool", "date", "year"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its type and rule."""

    name: str
    type: ColumnType = "text"
    required: bool = True  # False: the column may be missing or a cell empty
    unique: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    references: tuple[str, str] | None = None  # (table, column) it must exist in
    description: str = ""  # German, shown in the plugin docs, the template and the admin's help page
    example: str | None = None  # the template's example value; None: one made up from type and rule


@dataclass(frozen=True)
class TableSpec:
    """A table a plugin reads: ``name`` is the file name without ``.csv``."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    description: str = ""  # German: what one row is


@dataclass(frozen=True)
class Problem:
    """One problem in a data set, reported as ``FILE:LINE: column COLUMN: message``."""

    file: str
    line: int | None
    column: str | None
    message: str  # German

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            return f"{where}: column {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class DataSet:
    """A cycle's validated data: ``plan`` is plan.toml, ``tables`` one DataFrame per table."""

    plan: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = ""
    fingerprint: str = ""  # sha256 over the files, stable across re-reads
    files: dict[str, str] = field(default_factory=dict)  # table -> file or sheet name

    @property
    def cycle_name(self) -> str:
        return str(self.plan.get("cycle", {}).get("name", ""))

    @property
    def synthetic(self) -> bool:
        """True for generated demo data; the portal labels such figures."""
        return bool(self.plan.get("cycle", {}).get("synthetic", False))

    @property
    def horizon(self) -> tuple[int, int]:
        """First and last year of the forecast, inclusive."""
        first, last = self.plan["cycle"]["horizon"]
        return int(first), int(last)

    @property
    def baseline(self) -> dt.date:
        return self.plan["cycle"]["baseline"]

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def file_name(self, table: str) -> str:
        """The name problems in ``table`` are reported under: ``schools.csv`` or a sheet name."""
        return self.files.get(table, f"{table}.csv")


class DataSetError(Exception):
    """A data set was refused; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- the core tables -------------------------------------------------------

#: the contract's school types; the engine's catalogue translates them for tables in other languages
SCHOOL_TYPES = (
    N_("Grundschule"),
    N_("Hauptschule"),
    N_("Realschule"),
    N_("Sekundarschule"),
    N_("Gesamtschule"),
    N_("Gymnasium"),
    N_("Förderschule"),
    N_("Berufskolleg"),
    N_("Weiterbildungskolleg"),
    N_("Klinikschule"),
)
CATEGORIES = ("infrastructure", "hardware", "software", "service")

SCHOOLS = TableSpec(
    "schools",
    required=True,
    description="eine Schule",
    columns=(
        Column("school_id", unique=True, description="Schlüssel der Schule", example="S001"),
        Column("name", description="Name der Schule", example="Grundschule Am Park"),
        Column("school_type", choices=SCHOOL_TYPES, description="Schulform"),
        Column("pupils", "int", min=0, description="Zahl der Schülerinnen und Schüler", example="240"),
        Column("teachers", "int", min=0, description="Zahl der Lehrkräfte", example="16"),
        Column("district", required=False, description="Stadtbezirk", example="Mitte"),
    ),
)
CATALOG = TableSpec(
    "catalog",
    required=True,
    description="eine Produktgruppe: was sie kostet und wie lange sie hält",
    columns=(
        Column("product_group", unique=True, description="Schlüssel, z. B. ipad_pupils", example="ipad_pupils"),
        Column("label", description="Bezeichnung in Diagrammen", example="iPads Schülerinnen & Schüler"),
        Column("category", choices=CATEGORIES, description="Kategorie", example="hardware"),
        Column("useful_life_years", "int", min=1, description="Nutzungsdauer in Jahren", example="5"),
        Column("unit_cost_eur", "decimal", min=0, description="Stückpreis im Preisbasisjahr", example="450.00"),
        Column("pupil_device", "bool", description="zählt zur Schüler-Endgeräte-Quote", example="true"),
        Column("teacher_device", "bool", description="zählt als Gerät einer Lehrkraft"),
    ),
)
INVENTORY = TableSpec(
    "inventory",
    required=True,
    description="ein Bestand einer Produktgruppe an einer Schule, in einem Jahr angeschafft",
    columns=(
        Column("school_id", references=("schools", "school_id"), description="Schule"),
        Column(
            "product_group", references=("catalog", "product_group"), description="Produktgruppe"
        ),
        Column("quantity", "int", min=0, description="Stückzahl", example="30"),
        Column("acquired_year", "year", description="Anschaffungsjahr, nicht nach dem Stichtag", example="2022"),
        Column(
            "unit_cost_eur",
            "decimal",
            required=False,
            min=0,
            description="ersetzt den Katalogpreis für diese Zeile",
        ),
        Column(
            "useful_life_years",
            "int",
            required=False,
            min=1,
            description="ersetzt die Katalog-Nutzungsdauer für diese Zeile",
        ),
    ),
)
RECURRING = TableSpec(
    "recurring",
    required=False,
    description="jährliche Kosten (Anbindung, Lizenzen, Personal, Dienstleistungen)",
    columns=(
        Column("item", description="Kostenposition", example="MDM-Lizenzen"),
        Column(
            "product_group",
            required=False,
            references=("catalog", "product_group"),
            description="Produktgruppe, der die Kosten zugerechnet werden",
        ),
        Column("annual_cost_eur", "decimal", min=0, description="Kosten pro Jahr", example="1200.00"),
        Column("from_year", "year", description="erstes Jahr", example="2025"),
        Column(
            "to_year",
            "year",
            required=False,
            description="letztes Jahr (einschließlich); leer = Ende des Horizonts",
        ),
        Column(
            "annual_increase_pct",
            "decimal",
            required=False,
            description="jährliche Steigerung in Prozent, ab from_year",
        ),
    ),
)
CORE_TABLES: tuple[TableSpec, ...] = (SCHOOLS, CATALOG, INVENTORY, RECURRING)

#: a column of the template (``mep template``) that marks its example rows; a row with a value there is
#: refused with one problem per table until the planner deletes it, so example data never counts
EXAMPLE_COLUMN = "Beispielzeile"
EXAMPLE_MARK = "ja – vor dem Hochladen löschen"

YEAR_MIN, YEAR_MAX = 1900, 2100
ISO_DATE = r"\d{4}-\d{2}-\d{2}"  # a date as plan.toml and the tables write it


def merge_specs(specs: Iterable[TableSpec]) -> dict[str, TableSpec]:
    """One spec per table name; two plugins reading the same table share its columns."""
    merged: dict[str, TableSpec] = {}
    for spec in specs:
        if spec.name not in merged:
            merged[spec.name] = spec
            continue
        known = merged[spec.name]
        names = {c.name for c in known.columns}
        merged[spec.name] = TableSpec(
            spec.name,
            columns=known.columns + tuple(c for c in spec.columns if c.name not in names),
            required=known.required or spec.required,
            description=known.description or spec.description,
        )
    return merged
