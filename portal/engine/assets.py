"""Importing an asset-management export (Snipe-IT, GLPI, any per-asset CSV) as the contract's ``inventory.csv``.

``shared/spec/planning-data.md``, section *Importing an asset-management
export*: one export row is one asset; a TOML mapping names the export's
columns and maps its locations and models to ``school_id`` and
``product_group``. The result has one row per (school, product group,
purchase year) with the number of assets. Every problem is located in the
export or the mapping; a value that occurs on many lines (an unmapped school,
say) is one problem that lists its lines, and :meth:`AssetImport.template`
writes a mapping with every unmapped value for a planner to fill in.

Plain ``csv`` and ``tomllib``, no pandas work: a 100,000-asset export is one
pass over its rows, each date read once per distinct value, not once per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.engine.limits import DEFAULT_LIMITS, Limits, count
from portal.engine.specs import YEAR_MAX, YEAR_MIN, DataSetError, Problem
from portal.engine.toml_lines import PlanText

#: the mapping's [columns] keys: what each export column holds
COLUMN_KEYS = ("school", "product_group", "acquired", "status")
REQUIRED_COLUMN_KEYS = ("school", "product_group", "acquired")
#: ``--format``'s defaults for [columns]
FORMATS: dict[str, dict[str, str]] = {
    "snipeit": {"school": "Location", "product_group": "Model", "acquired": "Purchase Date", "status": "Status"},
    "glpi": {"school": "Location", "product_group": "Model", "acquired": "Date of purchase", "status": "Status"},
}
SECTIONS = ("columns", "schools", "product_groups", "skip")
SKIP_KEYS = ("statuses", "schools", "product_groups")
INVENTORY_HEADER = ("school_id", "product_group", "quantity", "acquired_year", "unit_cost_eur", "useful_life_years")
DELIMITERS = (",", ";")
#: lines named in one problem before "… und N weitere"
SHOWN_LINES = 10

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?")
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*Uhr)?)?")
_YEAR = re.compile(r"\d{4}")
DATE_FORMATS = "JJJJ-MM-TT, auch mit Uhrzeit, TT.MM.JJJJ oder eine Jahreszahl"


@dataclass(frozen=True)
class MappingProblem(Problem):
    """A problem in a mapping file, reported as ``FILE:LINE: key KEY: message``."""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: key {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class AssetMapping:
    """A checked mapping: export columns, value maps and what is not counted (statuses case-insensitive)."""

    columns: dict[str, str] = field(default_factory=dict)  # column key -> export column name
    schools: dict[str, str] = field(default_factory=dict)  # export location -> school_id
    product_groups: dict[str, str] = field(default_factory=dict)  # export model -> product_group
    skip_statuses: tuple[str, ...] = ()
    skip_schools: tuple[str, ...] = ()  # export locations that are no school (the town hall's store, say)
    skip_product_groups: tuple[str, ...] = ()  # export models the plan does not count (cables, say)
    explicit_columns: frozenset[str] = frozenset()  # keys [columns] named itself, not --format
    unfilled: set[str] = field(default_factory=set)  # "schools:value"/"product_groups:value" left "": reported once, in the mapping
    file: str = "mapping.toml"
    text: str = ""  # the TOML as read, to locate its keys
    columns_ok: bool = True  # False: a column is missing or unusable, so no export can be read with this mapping


def read_mapping(
    source: str | Path | None, *, text: str | None = None, file: str | None = None, format: str | None = None
) -> tuple[AssetMapping, list[Problem]]:
    """The mapping in ``source`` (a path, or ``text`` named ``file``; None: an empty mapping) and its problems.

    ``format`` (``snipeit``, ``glpi``) fills [columns] where the mapping names no column.
    """
    name = file or (Path(source).name if source is not None else "mapping.toml")
    mapping = AssetMapping(columns=dict(FORMATS.get(format or "", {})), file=name)
    problems: list[Problem] = []
    if source is None and text is None:
        _check_columns(mapping, PlanText(""), problems, format)
        return mapping, problems
    if text is None:
        path = Path(source)
        if not path.is_file():
            return mapping, [MappingProblem(name, None, None, "Datei nicht gefunden")]
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            return mapping, [MappingProblem(name, None, None, "Datei ist nicht UTF-8-kodiert")]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        detail = re.sub(r"\s*\(at line.*\)", "", str(exc))
        return mapping, [MappingProblem(name, int(match.group(1)) if match else 1, None, f"kein gültiges TOML ({detail})")]
    where = PlanText(text)
    mapping.text = text

    def problem(section: str, key: str | None, message: str) -> None:
        located = f"{section}.{_toml_key(key)}" if key is not None else section
        line = where.line(section, key) or where.line("", section) or 1
        problems.append(MappingProblem(name, line, located, message))

    for section in raw:
        if section not in SECTIONS:
            problem(section, None, f"unbekannter Abschnitt (erlaubt: {', '.join(SECTIONS)})")
    columns = _section(raw, "columns", problem)
    for key, value in columns.items():
        if key not in COLUMN_KEYS:
            problem("columns", key, f"unbekannter Schlüssel (erlaubt: {', '.join(COLUMN_KEYS)})")
        elif not isinstance(value, str) or not value.strip():
            problem("columns", key, "muss der Name einer Spalte des Exports sein (ein nicht leerer Text)")
            mapping.columns_ok = False
        else:
            mapping.columns[key] = value.strip()
    mapping.explicit_columns = frozenset(key for key in columns if key in COLUMN_KEYS)
    for section, target, what in (
        ("schools", mapping.schools, "school_id"),
        ("product_groups", mapping.product_groups, "product_group"),
    ):
        for key, value in _section(raw, section, problem).items():
            if not isinstance(value, str):
                problem(section, key, f"muss eine {what} als Text sein")
            elif not value.strip():
                problem(section, key, f"keine {what} eingetragen")
                mapping.unfilled.add(f"{section}:{key.strip()}")
            else:
                target[key.strip()] = value.strip()
    skip = _section(raw, "skip", problem)
    for key, value in skip.items():
        if key not in SKIP_KEYS:
            problem("skip", key, f"unbekannter Schlüssel (erlaubt: {', '.join(SKIP_KEYS)})")
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problem("skip", key, 'muss eine Liste von Texten sein, z. B. ["Archived", "Ausgemustert"]')
        else:
            values = tuple(item.strip() for item in value if item.strip())
            setattr(mapping, f"skip_{key}", values)
    _check_columns(mapping, where, problems, format)
    problems.sort(key=lambda p: p.line or 0)
    return mapping, problems


def _section(raw: dict[str, Any], section: str, problem) -> dict[str, Any]:
    value = raw.get(section, {})
    if not isinstance(value, dict):
        problem(section, None, "muss ein Abschnitt sein")
        return {}
    return value


def _check_columns(mapping: AssetMapping, where: PlanText, problems: list[Problem], format: str | None) -> None:
    hint = "" if format else " (oder --format snipeit bzw. glpi angeben)"
    for key in REQUIRED_COLUMN_KEYS:
        if key not in mapping.columns:
            mapping.columns_ok = False
            line = where.line("columns", None) or 1
            problems.append(MappingProblem(mapping.file, line, f"columns.{key}", f"Angabe fehlt: welche Spalte des Exports?{hint}"))


# --- the import --------------------------------------------------------------


@dataclass
class AssetImport:
    """What an export gave: the inventory counts, what was skipped, and every problem."""

    file: str
    mapping: AssetMapping
    delimiter: str = ","
    assets: int = 0  # asset rows read
    counts: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (school_id, product_group, year) -> assets
    skipped_statuses: Counter[str] = field(default_factory=Counter)  # status as written -> assets not counted
    skipped_schools: Counter[str] = field(default_factory=Counter)
    skipped_product_groups: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)  # every status seen, for the template
    unmapped_schools: dict[str, list[int]] = field(default_factory=dict)  # export value -> lines
    unmapped_product_groups: dict[str, list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = False  # the header was read and every mapped column found

    @property
    def counted(self) -> int:
        return sum(self.counts.values())

    @property
    def skipped(self) -> int:
        return sum(self.skipped_statuses.values()) + sum(self.skipped_schools.values()) + sum(self.skipped_product_groups.values())

    def rows(self) -> list[tuple[str, str, int, int]]:
        """``(school_id, product_group, quantity, acquired_year)``, sorted by school, product group and year."""
        return [(school, group, quantity, year) for (school, group, year), quantity in sorted(self.counts.items())]

    def by_school(self) -> dict[str, dict[str, int]]:
        """Assets counted per school_id and product_group, both sorted."""
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for (school, group, _year), quantity in self.counts.items():
            table[school][group] += quantity
        return {school: dict(sorted(table[school].items())) for school in sorted(table)}

    def by_product_group(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for (_school, group, _year), quantity in self.counts.items():
            totals[group] += quantity
        return dict(sorted(totals.items()))

    def inventory_csv(self) -> str:
        """The contract's inventory.csv; unit cost and useful life are left empty, so the catalog applies."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(INVENTORY_HEADER)
        writer.writerows((school, group, quantity, year, "", "") for school, group, quantity, year in self.rows())
        return out.getvalue()

    def unknown_targets(
        self,
        school_ids: Iterable[str] | None,
        product_groups: Iterable[str] | None,
        *,
        schools_file: str = "schools.csv",
        catalog_file: str = "catalog.csv",
    ) -> list[Problem]:
        """Mapping entries that counted assets for a school_id or product_group the data set does not have, located in the mapping.

        None for either side: not known, not checked (the data set's own validation says why).
        """
        used_schools = {school for school, _group, _year in self.counts} if school_ids is not None else set()
        used_groups = {group for _school, group, _year in self.counts} if product_groups is not None else set()
        known_schools, known_groups = set(school_ids or ()), set(product_groups or ())
        where = PlanText(self.mapping.text)
        problems: list[Problem] = []
        for section, targets, used, known, what, file in (
            ("schools", self.mapping.schools, used_schools, known_schools, "school_id", schools_file),
            ("product_groups", self.mapping.product_groups, used_groups, known_groups, "product_group", catalog_file),
        ):
            for value, target in targets.items():
                if target in used and target not in known:
                    line = where.line(section, value) or where.line(section, None) or 1
                    problems.append(
                        MappingProblem(self.mapping.file, line, f"{section}.{_toml_key(value)}", f"{what} {target} steht nicht in {file}")
                    )
        return sorted(problems, key=lambda p: p.line or 0)

    def checked(self) -> AssetImport:
        """This import, or :class:`~portal.engine.specs.DataSetError` with every problem."""
        if self.problems:
            raise DataSetError(self.problems)
        return self

    def template(self) -> str:
        """The mapping as TOML with every unmapped location and model added with an empty right-hand side."""
        return mapping_template(self)

    def summary(self) -> dict[str, Any]:
        """The import report as plain data (JSON-ready): what the portal shows before a data set is accepted."""
        return {
            "file": self.file,
            "assets": self.assets,
            "counted": self.counted,
            "rows": len(self.counts),
            "skipped_statuses": dict(sorted(self.skipped_statuses.items())),
            "skipped_schools": dict(sorted(self.skipped_schools.items())),
            "skipped_product_groups": dict(sorted(self.skipped_product_groups.items())),
            "by_school": self.by_school(),
            "by_product_group": self.by_product_group(),
        }


def import_assets(
    data: bytes, mapping: AssetMapping, *, file: str = "export.csv", limits: Limits = DEFAULT_LIMITS
) -> AssetImport:
    """Count the assets of an export (its bytes) by school, product group and purchase year; problems are collected."""
    result = AssetImport(file=file, mapping=mapping)
    problems = result.problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(file, line, None, "Datei ist nicht UTF-8-kodiert (in der Tabellenkalkulation als „CSV UTF-8“ speichern)"))
        return result
    if not text.strip():
        problems.append(Problem(file, 1, None, "Datei ist leer, die Kopfzeile fehlt"))
        return result
    # Excel's "sep=;" line names the delimiter; the header follows it
    declared = re.match(r"sep=([,;])\r?(?:\n|$)", text)
    result.delimiter = delimiter = declared.group(1) if declared else _delimiter(text, mapping)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        if declared:
            next(reader)
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        problems.append(Problem(file, 1, None, f"Kopfzeile nicht lesbar ({exc})"))
        return result
    header_line = reader.line_num  # csv counts physical lines: a row's line stays right after a line break in a cell
    if len(header) > limits.columns:
        problems.append(Problem(file, header_line, None, f"{count(len(header))} Spalten, höchstens {count(limits.columns)} sind erlaubt"))
        return result
    positions = _positions(header, header_line, mapping, file, problems)
    if positions is None:
        return result
    result.readable = True
    _count(reader, header, header_line, positions, result, limits)
    return result


def _delimiter(text: str, mapping: AssetMapping) -> str:
    """``;`` or ``,``: whichever splits the first line into more of the mapped columns, else into more fields."""
    first = text.split("\n", 1)[0]
    wanted = set(mapping.columns.values())

    def score(delimiter: str) -> tuple[int, int]:
        fields = [name.strip() for name in next(csv.reader([first], delimiter=delimiter), [])]
        return len(wanted.intersection(fields)), len(fields)

    return max(DELIMITERS, key=score)


def _positions(
    header: list[str], header_line: int, mapping: AssetMapping, file: str, problems: list[Problem]
) -> dict[str, int] | None:
    """Each mapped column key's position in the header; None after reporting a missing or doubled column."""
    positions: dict[str, int] = {}
    missing = False
    status_needed = bool(mapping.skip_statuses) or "status" in mapping.explicit_columns
    for key in COLUMN_KEYS:
        name = mapping.columns.get(key)
        if name is None:
            continue
        found = [i for i, heading in enumerate(header) if heading == name]
        if len(found) > 1:
            problems.append(Problem(file, header_line, name, "Spalte kommt mehrfach vor"))
            missing = True
        elif found:
            positions[key] = found[0]
        elif key != "status" or status_needed:
            why = " (für [skip] statuses)" if key == "status" and "status" not in mapping.explicit_columns else ""
            problems.append(Problem(file, header_line, name, f"Spalte fehlt{why}; die Kopfzeile hat: {_listed(header)}"))
            missing = True
    return None if missing else positions


def _listed(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(f"„{name}“" for name in names[:limit])
    return shown + (f" … und {len(names) - limit} weitere" if len(names) > limit else "")


def _count(
    reader: Iterator[list[str]], header: list[str], header_line: int, positions: dict[str, int], result: AssetImport, limits: Limits
) -> None:
    """One pass over the rows: count each asset, collect each problem's lines by its kind and value."""
    mapping, file = result.mapping, result.file
    width = len(header)
    at_school, at_group, at_date = positions["school"], positions["product_group"], positions["acquired"]
    at_status = positions.get("status")
    skip_statuses = {status.casefold() for status in mapping.skip_statuses}
    skip_schools, skip_groups = set(mapping.skip_schools), set(mapping.skip_product_groups)
    schools, groups = mapping.schools, mapping.product_groups
    years: dict[str, int | str] = {}  # date text -> year, or the German reason it is not one
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)  # (column, message) -> lines
    widths: dict[int, list[int]] = defaultdict(list)  # fields of a row that has not the header's -> lines
    counts, statuses = result.counts, result.statuses
    unmapped_schools: dict[str, list[int]] = defaultdict(list)
    unmapped_groups: dict[str, list[int]] = defaultdict(list)
    needed = max(positions.values()) + 1
    line = header_line + 1
    try:
        for row in reader:
            here, line = line, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            result.assets += 1
            if result.assets >= limits.rows:
                result.problems.append(
                    Problem(file, None, None, f"mehr als {count(limits.rows)} Zeilen; so lange Exporte liest die Planungsmaschine nicht")
                )
                break
            if len(row) != width and (len(row) < needed or any(cell.strip() for cell in row[width:])):
                widths[len(row)].append(here)
                continue
            if at_status is not None:
                status = row[at_status].strip()
                statuses[status] += 1
                if status.casefold() in skip_statuses:
                    result.skipped_statuses[status] += 1
                    continue
            location, model, date = row[at_school].strip(), row[at_group].strip(), row[at_date].strip()
            if location in skip_schools:
                result.skipped_schools[location] += 1
                continue
            if model in skip_groups:
                result.skipped_product_groups[model] += 1
                continue
            school = schools.get(location)
            group = groups.get(model)
            year = years.get(date)
            if year is None:
                year = years[date] = _year(date)
            if school is None:
                unmapped_schools[location].append(here)
            if group is None:
                unmapped_groups[model].append(here)
            if year.__class__ is str:
                grouped[(mapping.columns["acquired"], year)].append(here)
            elif school is not None and group is not None:
                counts[(school, group, year)] += 1
    except csv.Error as exc:
        result.problems.append(Problem(file, line, None, f"Zeile nicht lesbar ({_csv_error(exc)}); nichts danach wurde gelesen"))
    for fields, lines in widths.items():
        grouped[("", f"{fields} Felder statt {width} wie in der Kopfzeile")] = lines
    school_column, group_column = mapping.columns["school"], mapping.columns["product_group"]
    for value, lines in unmapped_schools.items():
        if f"schools:{value}" not in mapping.unfilled:  # an empty right-hand side is the mapping's problem
            message = "Standort ist leer" if not value else f"Standort „{value}“ steht nicht in [schools] der Zuordnung {mapping.file}"
            grouped[(school_column, message)] = lines
    for value, lines in unmapped_groups.items():
        if f"product_groups:{value}" not in mapping.unfilled:
            message = "Modell ist leer" if not value else f"Modell „{value}“ steht nicht in [product_groups] der Zuordnung {mapping.file}"
            grouped[(group_column, message)] = lines
    result.unmapped_schools = {value: lines for value, lines in unmapped_schools.items() if value}
    result.unmapped_product_groups = {value: lines for value, lines in unmapped_groups.items() if value}
    located = [Problem(file, lines[0], column or None, message + _where_else(lines)) for (column, message), lines in grouped.items()]
    result.problems.extend(sorted(located, key=lambda p: (p.line or 0, p.column or "", p.message)))


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "ein Anführungszeichen wird nicht geschlossen"
    if "expected" in text and "after" in text:
        return "nach einem schließenden Anführungszeichen folgt kein Trennzeichen"
    return text


def _where_else(lines: list[int]) -> str:
    """`` – in 3 Zeilen: 5, 9, 12`` for a problem that occurs on more than one line; nothing for one line."""
    if len(lines) == 1:
        return ""
    shown = ", ".join(str(line) for line in lines[:SHOWN_LINES])
    more = f" … und {count(len(lines) - SHOWN_LINES)} weitere" if len(lines) > SHOWN_LINES else ""
    return f" – in {count(len(lines))} Zeilen: {shown}{more}"


def _year(text: str) -> int | str:
    """The purchase year of a date as an export writes it, or the German reason it is none."""
    if not text:
        return "Kaufdatum fehlt"
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _GERMAN.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif _YEAR.fullmatch(text):
        year, month, day = int(text), 1, 1
    else:
        return f"Datum „{text}“ nicht lesbar (erwartet: {DATE_FORMATS})"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"Datum „{text}“ gibt es nicht"
    if not YEAR_MIN <= year <= YEAR_MAX:
        return f"Jahr {year} liegt nicht zwischen {YEAR_MIN} und {YEAR_MAX}"
    return year


# --- the mapping template ----------------------------------------------------


def mapping_template(result: AssetImport) -> str:
    """A complete mapping: what the mapping said, plus each unmapped value with ``""`` to fill in.

    An empty right-hand side is a problem when the mapping is read, so a
    template that is not filled in cannot be used by mistake.
    """
    mapping = result.mapping
    lines = [
        "# Zuordnung für „mep import-assets“, erzeugt aus " + result.file + ".",
        '# Rechts von jedem = die school_id aus schools.csv bzw. die product_group aus catalog.csv eintragen.',
        "# Was nicht gezählt werden soll, in [skip] eintragen statt hier.",
        "",
        "[columns]",
    ]
    lines += [f"{key} = {_toml_string(mapping.columns[key])}" for key in COLUMN_KEYS if key in mapping.columns]
    for section, known, unmapped, what in (
        ("schools", mapping.schools, result.unmapped_schools, "school_id"),
        ("product_groups", mapping.product_groups, result.unmapped_product_groups, "product_group"),
    ):
        lines += ["", f"[{section}]"]
        lines += [f"{_toml_key(value)} = {_toml_string(target)}" for value, target in known.items()]
        if unmapped:
            lines.append(f"# noch einzutragen ({what}), mit der Zahl der Geräte:")
        for value in sorted(unmapped):
            lines.append(f"{_toml_key(value)} = \"\"  # {count(len(unmapped[value]))} Geräte, zuerst in Zeile {unmapped[value][0]}")
    seen = ", ".join(f"{status or '(leer)'} ({count(n)})" for status, n in sorted(result.statuses.items()))
    lines += ["", "[skip]"]
    if seen:
        lines.append(f"# Status in {result.file}: {seen}")
    lines.append(f"statuses = {_toml_list(mapping.skip_statuses)}")
    lines.append(f"schools = {_toml_list(mapping.skip_schools)}  # Standorte, die keine Schule sind")
    lines.append(f"product_groups = {_toml_list(mapping.skip_product_groups)}  # Modelle, die der Plan nicht zählt")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but TOML wants DEL escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"
