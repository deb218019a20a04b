"""Reading and validating a cycle's data set (``shared/spec/planning-data.md``).

A data set is a folder of CSV files, or one ``.xlsx`` workbook whose sheet
names are the file names without ``.csv``, with ``plan.toml`` beside it. Its
declared tables and columns are read, within :class:`~portal.engine.limits.Limits`
(a workbook's parts are checked by their declared sizes first), checked
against every declared :class:`TableSpec` and the plan's rules, and refused
with *every* problem listed (:class:`DataSetError`), or returned as a
:class:`DataSet` whose tables are typed DataFrames.

The index of every table is the row's line number in its file (the header is
line 1), so a plugin's own checks can point at the line that is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from portal.engine.limits import DEFAULT_LIMITS, LimitExceeded, Limits, archive_problems, count, file_problem

if TYPE_CHECKING:
    import pluggy

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
    description: str = ""  # German, shown in the plugin docs


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

SCHOOL_TYPES = (
    "Grundschule",
    "Hauptschule",
    "Realschule",
    "Sekundarschule",
    "Gesamtschule",
    "Gymnasium",
    "Förderschule",
    "Berufskolleg",
    "Weiterbildungskolleg",
    "Klinikschule",
)
CATEGORIES = ("infrastructure", "hardware", "software", "service")

SCHOOLS = TableSpec(
    "schools",
    required=True,
    description="eine Schule",
    columns=(
        Column("school_id", unique=True, description="Schlüssel der Schule"),
        Column("name", description="Name der Schule"),
        Column("school_type", choices=SCHOOL_TYPES, description="Schulform"),
        Column("pupils", "int", min=0, description="Zahl der Schülerinnen und Schüler"),
        Column("teachers", "int", min=0, description="Zahl der Lehrkräfte"),
        Column("district", required=False, description="Stadtbezirk"),
    ),
)
CATALOG = TableSpec(
    "catalog",
    required=True,
    description="eine Produktgruppe: was sie kostet und wie lange sie hält",
    columns=(
        Column("product_group", unique=True, description="Schlüssel, z. B. ipad_pupils"),
        Column("label", description="Bezeichnung in Diagrammen"),
        Column("category", choices=CATEGORIES, description="Kategorie"),
        Column("useful_life_years", "int", min=1, description="Nutzungsdauer in Jahren"),
        Column("unit_cost_eur", "decimal", min=0, description="Stückpreis im Preisbasisjahr"),
        Column("pupil_device", "bool", description="zählt zur Schüler-Endgeräte-Quote"),
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
        Column("quantity", "int", min=0, description="Stückzahl"),
        Column("acquired_year", "year", description="Anschaffungsjahr, nicht nach dem Stichtag"),
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
        Column("item", description="Kostenposition"),
        Column(
            "product_group",
            required=False,
            references=("catalog", "product_group"),
            description="Produktgruppe, der die Kosten zugerechnet werden",
        ),
        Column("annual_cost_eur", "decimal", min=0, description="Kosten pro Jahr"),
        Column("from_year", "year", description="erstes Jahr"),
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

YEAR_MIN, YEAR_MAX = 1900, 2100
_REFERENCE_WORDS = {
    ("schools", "school_id"): "unbekannte Schule",
    ("catalog", "product_group"): "unbekannte Produktgruppe",
}
_INT = r"[+-]?\d+"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_DATE = r"\d{4}-\d{2}-\d{2}"
_TRUE = frozenset({"true", "wahr", "ja", "1"})
_FALSE = frozenset({"false", "falsch", "nein", "0"})
_BOOL_WORDS = _TRUE | _FALSE


# --- loading ---------------------------------------------------------------


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
    from portal.engine import plugins as plugin_registry

    if pm is None and specs is None:
        pm = plugin_registry.get_plugin_manager()
    if specs is None:
        specs = [spec for _, declared in plugin_registry.call_each(pm, "mep_tables") for spec in declared or ()]
    all_specs = merge_specs([*CORE_TABLES, *specs])

    path = Path(path)
    source = _Source.open(path, limits)
    problems: list[Problem] = list(source.problems)
    plan, plan_text = _read_plan(source, problems)

    raw: dict[str, pd.DataFrame] = {}
    try:
        for spec in all_specs.values():
            frame = source.read_table(spec, problems)
            if frame is not None:
                raw[spec.name] = frame
    finally:
        source.close()
    dataset = DataSet(
        plan=plan or {},
        source=str(path),
        fingerprint=source.fingerprint(),
        files={name: source.file_name(name) for name in all_specs},
    )
    for spec in all_specs.values():
        if spec.name in raw:
            dataset.tables[spec.name] = _check_table(spec, raw[spec.name], dataset, problems)
    _check_references(all_specs, dataset, problems)
    if plan is not None:
        _check_plan_rules(dataset, plan_text, problems)
    if problems:
        raise DataSetError(_in_reading_order(problems))

    if pm is not None:
        for _, found in plugin_registry.call_each(pm, "mep_validate", dataset=dataset):
            problems.extend(found or ())
        if problems:
            raise DataSetError(problems)
    return dataset


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """File by file as first reported, then top to bottom; a line's problems keep their order."""
    files = {p.file: i for i, p in reversed(list(enumerate(problems)))}
    return sorted(problems, key=lambda p: (files[p.file], p.line or 0))


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


class _Source:
    """Where the files come from: a folder of CSVs or a workbook beside plan.toml."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self.problems: list[Problem] = []
        self.digest_parts: list[tuple[str, bytes]] = []
        self.sheets: dict[str, Any] | None = None  # sheet name -> read-only worksheet, read when asked
        self.book = None
        self.refused = False

    @classmethod
    def open(cls, path: Path, limits: Limits = DEFAULT_LIMITS) -> _Source:
        source = cls(path, limits)
        if not path.exists():
            source.problems.append(Problem(path.name or str(path), None, None, "Datei oder Ordner nicht gefunden"))
        elif path.is_file():
            if path.suffix.lower() != ".xlsx":
                source.problems.append(
                    Problem(path.name, None, None, "kein Ordner und keine .xlsx-Arbeitsmappe")
                )
            else:
                source._open_workbook()
        return source

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path.is_file() else self.path

    def _open_workbook(self) -> None:
        """Check the workbook's parts by their declared sizes (an .xlsx is a zip) before openpyxl reads any."""
        import openpyxl

        self.sheets = {}
        self.refused = True  # until it is open: a refused workbook's sheets are not "missing"
        name = self.path.name
        too_big = file_problem(self.path, self.limits)
        if too_big is not None:
            self.problems.append(Problem(name, None, None, too_big))
            return
        data = self.path.read_bytes()
        self.digest_parts.append((name, data))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                refused = archive_problems(archive, self.limits, "in der Arbeitsmappe")
        except zipfile.BadZipFile:
            self.problems.append(Problem(name, None, None, "Arbeitsmappe nicht lesbar (keine .xlsx-Datei)"))
            return
        if refused:
            self.problems.extend(Problem(name, None, None, message) for message in refused)
            return
        try:
            # read-only: shared strings are loaded, sheets are read row by row when asked for
            self.book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self.sheets = {ws.title: ws for ws in self.book.worksheets}
            self.refused = False
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            self.problems.append(Problem(name, None, None, f"Arbeitsmappe nicht lesbar ({exc})"))

    def close(self) -> None:
        if self.book is not None:
            self.book.close()

    def file_name(self, table: str) -> str:
        return table if self.sheets is not None else f"{table}.csv"

    def read_plan_text(self) -> str | None:
        plan = self.folder / "plan.toml"
        if not plan.is_file():
            return None
        data = plan.read_bytes()
        self.digest_parts.append(("plan.toml", data))
        return data.decode("utf-8-sig", errors="replace")

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name, data in sorted(self.digest_parts):
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()

    def read_table(self, spec: TableSpec, problems: list[Problem]) -> pd.DataFrame | None:
        """The table as text cells indexed by line number, or None when absent."""
        file = self.file_name(spec.name)
        if self.sheets is not None:
            if spec.name not in self.sheets:
                if spec.required and not self.refused:
                    problems.append(Problem(self.path.name, None, None, f"Tabellenblatt {spec.name} fehlt"))
                return None
            try:
                return _sheet_frame(self.sheets[spec.name], spec, file, problems, self.limits)
            except (LimitExceeded, zipfile.BadZipFile) as exc:  # a part bigger than it said, a bad CRC
                problems.append(Problem(file, None, None, f"Tabellenblatt nicht lesbar ({exc})"))
                return None
        if not self.path.is_dir():
            return None
        csv_path = self.path / file
        if not csv_path.is_file():
            if spec.required:
                problems.append(Problem(file, None, None, "Datei fehlt"))
            return None
        too_big = file_problem(csv_path, self.limits)
        if too_big is not None:
            problems.append(Problem(file, None, None, too_big))
            return None
        data = csv_path.read_bytes()
        self.digest_parts.append((file, data))
        return _csv_frame(data, spec, file, problems, self.limits)


CSV_CHUNK_ROWS = 100_000


def _csv_frame(data: bytes, spec: TableSpec, file: str, problems: list[Problem], limits: Limits) -> pd.DataFrame | None:
    """The spec's columns of a CSV file as text; other columns are not kept, lines past the limit not read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(file, line, None, "Datei ist nicht UTF-8-kodiert"))
        return None
    if not text.strip():
        problems.append(Problem(file, 1, None, "Datei ist leer, die Kopfzeile fehlt"))
        return None
    del text  # pandas reads the bytes; a second copy of a large file as text is not needed
    options = dict(dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, encoding="utf-8-sig")
    wanted = {column.name for column in spec.columns}
    try:
        header = pd.read_csv(io.BytesIO(data), nrows=0, **options)
        if len(header.columns) > limits.columns:
            problems.append(Problem(file, 1, None, _too_wide(len(header.columns), limits)))
            return None
        keep = [name for name in header.columns if name in wanted]
        parts, lines = [header[keep]], 1
        # in chunks, so only the wanted columns of a wide file stay in memory; every row is still
        # parsed whole, so a row with too many fields is reported as before
        with pd.read_csv(io.BytesIO(data), chunksize=CSV_CHUNK_ROWS, **options) as chunks:
            for chunk in chunks:
                lines += len(chunk)
                if lines > limits.rows:
                    problems.append(Problem(file, None, None, _too_long(limits)))
                    return None
                parts.append(chunk[keep])
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, seen = match.groups()
            problems.append(
                Problem(file, int(line), None, f"{seen} Felder statt {expected} wie in der Kopfzeile")
            )
        else:
            problems.append(Problem(file, None, None, "CSV-Datei nicht lesbar"))
        return None
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical_lines == len(frame) + 1:
        frame.index = pd.RangeIndex(2, len(frame) + 2)
    else:  # a quoted cell spans lines: count them exactly
        frame.index = _record_lines(data.decode("utf-8-sig"))[: len(frame)]
    return _drop_blank_rows(frame, file, problems)


def _too_long(limits: Limits) -> str:
    return f"mehr als {count(limits.rows)} Zeilen; so lange Tabellen liest die Planungsmaschine nicht"


def _too_wide(width: int, limits: Limits) -> str:
    return f"{count(width)} Spalten, höchstens {count(limits.columns)} sind erlaubt"


def _record_lines(text: str) -> list[int]:
    import csv

    reader = csv.reader(io.StringIO(text))
    lines, previous = [], 0
    for _ in reader:
        lines.append(previous + 1)
        previous = reader.line_num
    return lines[1:]


def _sheet_frame(ws, spec: TableSpec, sheet: str, problems: list[Problem], limits: Limits) -> pd.DataFrame | None:
    """The spec's columns of a read-only worksheet as text, read row by row within ``limits``."""
    declared_rows, declared_columns = ws.max_row or 0, ws.max_column or 0
    if declared_rows > limits.rows or declared_columns > limits.columns:
        problems.append(
            Problem(
                sheet,
                None,
                None,
                f"Tabellenblatt ist laut Arbeitsmappe {count(declared_rows)} Zeilen × {count(declared_columns)} "
                f"Spalten groß, erlaubt sind höchstens {count(limits.rows)} Zeilen und {count(limits.columns)} Spalten",
            )
        )
        return None
    ws.reset_dimensions()  # the dimension can lie: read the rows that are there, unpadded, and count them
    rows = ws.iter_rows(min_row=1, values_only=True)
    first = next(rows, None)
    if not first or all(v is None for v in first):
        problems.append(Problem(sheet, 1, None, "Tabellenblatt ist leer, die Kopfzeile fehlt"))
        return None
    header = [("" if v is None else str(v)).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    if len(header) > limits.columns:
        problems.append(Problem(sheet, 1, None, _too_wide(len(header), limits)))
        return None
    wanted = {column.name for column in spec.columns}
    positions = [i for i, name in enumerate(header) if name in wanted]
    cells, lines = [], []
    for line, row in enumerate(rows, start=2):
        if line > limits.rows:
            problems.append(Problem(sheet, None, None, _too_long(limits)))
            return None
        values = [_cell_text(row[i]) if i < len(row) else "" for i in positions]
        if any(values):  # a blank row is skipped here already, not kept to be dropped
            cells.append(values)
            lines.append(line)
    frame = pd.DataFrame(cells, columns=[header[i] for i in positions], index=lines, dtype=str)
    return _drop_blank_rows(frame, sheet, problems)


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _drop_blank_rows(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.DataFrame:
    duplicated = frame.columns[frame.columns.duplicated()]
    for name in dict.fromkeys(duplicated):
        problems.append(Problem(file, 1, name, "Spalte kommt mehrfach vor"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if len(frame.columns) == 0:
        return frame
    blank = (frame == "").all(axis=1)
    frame = frame[~blank]
    frame.index.name = "line"
    return frame


# --- checking --------------------------------------------------------------


def _check_table(
    spec: TableSpec, frame: pd.DataFrame, dataset: DataSet, problems: list[Problem]
) -> pd.DataFrame:
    """Check every column of ``frame`` and return it typed; problems are appended."""
    file = dataset.file_name(spec.name)
    typed = frame.copy()
    for column in spec.columns:
        if column.name not in frame.columns:
            if column.required:
                problems.append(Problem(file, 1, column.name, "Spalte fehlt"))
            typed[column.name] = _empty(column, frame.index)
            continue
        typed[column.name] = _check_column(column, _stripped(frame[column.name]), file, problems)
    return typed


# Checking cell by cell runs Python per cell; for 300,000 rows that is seconds.
# So each check first tries the whole column at once, as one string searched by
# one regular expression in C, and looks at single cells only when that fails.
_SEPARATOR = "\0"


def _joined(cells: pd.Series) -> str | None:
    """The column as one string, or None when a cell holds the separator itself."""
    text = _SEPARATOR.join(cells.tolist())
    return text if text.count(_SEPARATOR) == len(cells) - 1 else None


def _stripped(cells: pd.Series) -> pd.Series:
    text = _joined(cells)
    edges = (" \0", "\0 ", "\t\0", "\0\t", "\r\0", "\n\0", "\0\n")
    if text is not None and not (text[:1].isspace() or text[-1:].isspace() or any(e in text for e in edges)):
        return cells
    return cells.str.strip()


def _all_match(cells: pd.Series, pattern: str) -> bool:
    """True when every cell matches ``pattern`` (decided in one pass when possible)."""
    if cells.empty:
        return True
    text = _joined(cells)
    return text is not None and re.fullmatch(f"(?:{pattern})(?:\0(?:{pattern}))*", text) is not None


def _matches(cells: pd.Series, pattern: str) -> pd.Series:
    if _all_match(cells, pattern):
        return pd.Series(True, index=cells.index)
    return cells.str.fullmatch(pattern).astype(bool)


def _check_column(column: Column, cells: pd.Series, file: str, problems: list[Problem]) -> pd.Series:
    name = column.name
    empty = cells == ""
    if column.required:
        _report(problems, file, name, cells.index[empty], "Wert fehlt")
    given = cells[~empty]

    if column.type in ("int", "year"):
        ok = _matches(given, _INT)
        _report_values(problems, file, name, given[~ok], "keine ganze Zahl")
        values = pd.to_numeric(given[ok]).astype("int64")
    elif column.type == "decimal":
        ok = _matches(given, _DECIMAL)
        bad = given[~ok]
        with_comma = bad.str.fullmatch(r"[+-]?\d*,\d+")
        _report_values(
            problems, file, name, bad[with_comma], "keine Dezimalzahl (Dezimaltrennzeichen ist der Punkt)"
        )
        _report_values(problems, file, name, bad[~with_comma], "keine Dezimalzahl")
        values = pd.to_numeric(given[ok]).astype("float64")
    elif column.type == "bool":
        lowered = given if given.isin(_BOOL_WORDS).all() else given.str.lower()
        ok = lowered.isin(_TRUE | _FALSE)
        _report_values(problems, file, name, given[~ok], "nicht true oder false")
        values = lowered[ok].isin(_TRUE)
    elif column.type == "date":
        ok = _matches(given, _DATE)
        parsed = pd.to_datetime(given.where(ok), format="%Y-%m-%d", errors="coerce")
        ok &= parsed.notna()
        _report_values(problems, file, name, given[~ok], "kein Datum (JJJJ-MM-TT)")
        values = parsed[ok].dt.date
    else:
        values = given
        ok = pd.Series(True, index=given.index)

    if column.type == "year":
        out = (values < YEAR_MIN) | (values > YEAR_MAX)
        _report_values(problems, file, name, given[ok][out], f"keine Jahreszahl ({YEAR_MIN}–{YEAR_MAX})")
    if column.min is not None:
        low = values < column.min
        _report_values(problems, file, name, given[ok][low], f"kleiner als {_num(column.min)}")
    if column.max is not None:
        high = values > column.max
        _report_values(problems, file, name, given[ok][high], f"größer als {_num(column.max)}")
    if column.choices is not None:
        unknown = ~values.isin(column.choices)
        allowed = ", ".join(column.choices)
        _report_values(problems, file, name, given[ok][unknown], f"nicht erlaubt (erlaubt: {allowed})")
    if column.unique and values.duplicated().any():
        first_line = pd.Series(values.index, index=values.index).groupby(values.values).transform("min")
        repeated = values.duplicated(keep="first")
        for line in values.index[repeated]:
            problems.append(
                Problem(
                    file,
                    int(line),
                    name,
                    f"doppelter Schlüssel '{values[line]}' (zuerst in Zeile {first_line[line]})",
                )
            )
    return _typed(column, values, cells.index)


def _typed(column: Column, values: pd.Series, index: pd.Index) -> pd.Series:
    """The column over all rows with its final dtype; empty or bad cells become NA."""
    dtype = {
        "int": "int64",
        "year": "int64",
        "decimal": "float64",
        "bool": "bool",
        "date": "object",
        "text": "str",
    }[column.type]
    if not column.required and dtype in ("int64", "bool"):
        dtype = {"int64": "Int64", "bool": "boolean"}[dtype]
    full = values.reindex(index)
    try:
        return full.astype(dtype)
    except (TypeError, ValueError):  # NA left by a bad cell; the data set is refused anyway
        return full


def _empty(column: Column, index: pd.Index) -> pd.Series:
    return _typed(column, pd.Series([], dtype="object"), index)


def _report(problems: list[Problem], file: str, column: str, lines: Iterable, message: str) -> None:
    problems.extend(Problem(file, int(line), column, message) for line in lines)


def _report_values(problems: list[Problem], file: str, column: str, bad: pd.Series, message: str) -> None:
    problems.extend(Problem(file, int(line), column, f"{message}: '{value}'") for line, value in bad.items())


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _check_references(specs: dict[str, TableSpec], dataset: DataSet, problems: list[Problem]) -> None:
    for spec in specs.values():
        table = dataset.tables.get(spec.name)
        if table is None:
            continue
        for column in spec.columns:
            if column.references is None or column.name not in table.columns:
                continue
            target_table, target_column = column.references
            target = dataset.tables.get(target_table)
            if target is None or target_column not in target.columns:
                continue  # the missing table or column is reported already
            values = table[column.name].dropna()
            unknown = values[~values.isin(target[target_column].dropna())]
            word = _REFERENCE_WORDS.get(column.references, "unbekannter Wert")
            where = f"nicht in {dataset.file_name(target_table)}, Spalte {target_column}"
            file = dataset.file_name(spec.name)
            problems.extend(
                Problem(file, int(line), column.name, f"{word} '{value}' ({where})")
                for line, value in unknown.items()
            )


def _check_plan_rules(dataset: DataSet, plan_text: str, problems: list[Problem]) -> None:
    """Rules that tie the tables to plan.toml or span two columns of a row."""
    baseline_year = dataset.baseline.year
    inventory = dataset.tables.get("inventory")
    if inventory is not None and "acquired_year" in inventory:
        years = pd.to_numeric(inventory["acquired_year"], errors="coerce")
        late = years > baseline_year
        _report(
            problems,
            dataset.file_name("inventory"),
            "acquired_year",
            inventory.index[late],
            f"liegt nach dem Stichtag {dataset.baseline:%d.%m.%Y}",
        )
    recurring = dataset.tables.get("recurring")
    if recurring is not None and {"from_year", "to_year"} <= set(recurring.columns):
        first = pd.to_numeric(recurring["from_year"], errors="coerce")
        last = pd.to_numeric(recurring["to_year"], errors="coerce")
        before = (last < first).fillna(False).astype(bool)
        _report(problems, dataset.file_name("recurring"), "to_year", recurring.index[before], "liegt vor from_year")
    schools = dataset.tables.get("schools")
    targets = dataset.plan.get("targets", {}).get("device_ratio_pct", {})
    if schools is not None and "school_type" in schools and "default" not in targets:
        present = pd.unique(schools["school_type"].dropna())
        line = _PlanText(plan_text).line("targets.device_ratio_pct", None)
        for school_type in sorted(set(present) - set(targets)):
            problems.append(
                Problem(
                    "plan.toml",
                    line,
                    "targets.device_ratio_pct",
                    f"kein Zielwert für {school_type} und kein default",
                )
            )


# --- plan.toml -------------------------------------------------------------


class _PlanText:
    """Finds the line of a section or key in plan.toml, for problem locations."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, section: str, key: str | None) -> int | None:
        current = ""
        section_line = None
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.split("#", 1)[0].strip()
            header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", stripped)
            if header:
                current = header.group(1).replace('"', "").replace(" ", "")
                if current == section:
                    section_line = number
                continue
            if current == section and key is not None:
                match = re.match(r'\s*"?([^"=]+?)"?\s*=', raw)
                if match and match.group(1).strip() == key:
                    return number
        return section_line


def _read_plan(source: _Source, problems: list[Problem]) -> tuple[dict[str, Any] | None, str]:
    """plan.toml as a dict (None when it is missing or wrong) and its text."""
    if source.problems:
        return None, ""
    text = source.read_plan_text()
    if text is None:
        problems.append(Problem("plan.toml", None, None, "Datei fehlt"))
        return None, ""
    try:
        plan = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else None
        detail = re.sub(r"\s*\(at line.*\)", "", str(exc))
        problems.append(Problem("plan.toml", line, None, f"kein gültiges TOML ({detail})"))
        return None, text
    where = _PlanText(text)
    count = len(problems)

    def problem(section: str, key: str | None, message: str) -> None:
        column = f"{section}.{key}" if key else section
        problems.append(Problem("plan.toml", where.line(section, key), column, message))

    cycle = plan.get("cycle")
    if not isinstance(cycle, dict):
        problem("cycle", None, "Abschnitt [cycle] fehlt")
        return None, text
    for key in ("name", "baseline", "horizon", "price_base_year", "price_increase_pct"):
        if key not in cycle:
            problem("cycle", key, "Angabe fehlt")
    name = cycle.get("name")
    if "name" in cycle and (not isinstance(name, str) or not name.strip()):
        problem("cycle", "name", "muss ein nicht leerer Text sein")
    baseline = cycle.get("baseline")
    if "baseline" in cycle:
        if isinstance(baseline, str) and re.fullmatch(_DATE, baseline):
            try:
                cycle["baseline"] = baseline = dt.date.fromisoformat(baseline)
            except ValueError:
                pass
        if isinstance(baseline, dt.datetime) or not isinstance(baseline, dt.date):
            problem("cycle", "baseline", "muss ein Datum sein, z. B. 2024-12-31")
    horizon = cycle.get("horizon")
    if "horizon" in cycle:
        if not (
            isinstance(horizon, list)
            and len(horizon) == 2
            and all(_is_int(v) and YEAR_MIN <= v <= YEAR_MAX for v in horizon)
        ):
            problem("cycle", "horizon", "muss aus zwei Jahreszahlen bestehen, z. B. [2025, 2034]")
        elif horizon[0] > horizon[1]:
            problem("cycle", "horizon", "das erste Jahr liegt nach dem letzten")
    if "price_base_year" in cycle and not (
        _is_int(cycle["price_base_year"]) and YEAR_MIN <= cycle["price_base_year"] <= YEAR_MAX
    ):
        problem("cycle", "price_base_year", "muss eine Jahreszahl sein")
    if "price_increase_pct" in cycle:
        pct = cycle["price_increase_pct"]
        if not _is_number(pct):
            problem("cycle", "price_increase_pct", "muss eine Zahl sein")
        elif pct <= -100:
            problem("cycle", "price_increase_pct", "muss größer als -100 sein")
    if "synthetic" in cycle and not isinstance(cycle["synthetic"], bool):
        problem("cycle", "synthetic", "muss true oder false sein")

    targets = plan.get("targets", {}).get("device_ratio_pct") if isinstance(plan.get("targets"), dict) else None
    if targets is None:
        problem("targets.device_ratio_pct", None, "Abschnitt [targets.device_ratio_pct] fehlt")
    elif not isinstance(targets, dict):
        problem("targets", "device_ratio_pct", "muss ein Abschnitt mit Zielwerten je Schulform sein")
    else:
        for key, value in targets.items():
            if key != "default" and key not in SCHOOL_TYPES:
                problem("targets.device_ratio_pct", key, f"unbekannte Schulform (erlaubt: {', '.join(SCHOOL_TYPES)}, default)")
            elif not _is_number(value) or value < 0:
                problem("targets.device_ratio_pct", key, "muss eine Zahl ≥ 0 sein")
    if len(problems) > count:
        return None, text
    return plan, text


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def target_pct(plan: dict[str, Any], school_type: str) -> float:
    """The pupil-device target for ``school_type`` from plan.toml (its own, else ``default``)."""
    targets = plan.get("targets", {}).get("device_ratio_pct", {})
    return float(targets.get(school_type, targets.get("default", np.nan)))
