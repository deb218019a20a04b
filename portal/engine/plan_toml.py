"""``plan.toml``: read it, check its sections against :data:`PLAN_SECTIONS`, and the rules that tie it to the tables.

Each rule is one row of a small table, so a new key is one line, not a
branch; a problem points at the line of the key (or its section) it is about.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal.engine.checking import report
from portal.engine.specs import ISO_DATE, SCHOOL_TYPES, YEAR_MAX, YEAR_MIN, DataSet, Problem
from portal.engine.toml_lines import PlanText


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _is_year(value: Any) -> bool:
    return _is_int(value) and YEAR_MIN <= value <= YEAR_MAX


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _date_from_text(value: Any) -> Any:
    """``"2024-12-31"`` written as text counts as the date; anything else stays as it is."""
    if isinstance(value, str) and re.fullmatch(ISO_DATE, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return value


@dataclass(frozen=True)
class Rule:
    """A value must satisfy ``holds``, else ``message`` (German) is reported; a key's first broken rule wins."""

    holds: Callable[[Any], bool]
    message: str


@dataclass(frozen=True)
class Key:
    """A key of a section: whether it must be there, how text is read, and its rules in order."""

    name: str
    rules: tuple[Rule, ...]
    required: bool = True
    convert: Callable[[Any], Any] | None = None
    description: str = ""  # German, for the help page and the cycle's settings form


@dataclass(frozen=True)
class Section:
    """A table of plan.toml (``path`` dotted) with fixed ``keys``, or free ``names`` whose values share ``each``."""

    path: str
    missing: str  # reported at the section when it is absent
    keys: tuple[Key, ...] = ()
    not_a_table: str | None = None  # reported at the parent's key when it is a value; None: counts as absent
    essential: bool = False  # without it nothing further is checked
    names: tuple[str, ...] | None = None  # allowed free keys, None: any
    unknown_name: str = ""
    each: tuple[Rule, ...] = ()
    description: str = ""  # German, for the help page


PLAN_SECTIONS: tuple[Section, ...] = (
    Section(
        "cycle",
        missing="Abschnitt [cycle] fehlt",
        essential=True,
        keys=(
            Key(
                "name",
                (Rule(lambda v: isinstance(v, str) and bool(v.strip()), "muss ein nicht leerer Text sein"),),
                description="Name des Zyklus, wie ihn das Portal zeigt, z. B. 2025–2026",
            ),
            Key(
                "baseline",
                (Rule(_is_date, "muss ein Datum sein, z. B. 2024-12-31"),),
                convert=_date_from_text,
                description="Stichtag: der Bestand in inventory.csv ist der Bestand an diesem Tag",
            ),
            Key(
                "horizon",
                (
                    Rule(
                        lambda v: isinstance(v, list) and len(v) == 2 and all(_is_year(year) for year in v),
                        "muss aus zwei Jahreszahlen bestehen, z. B. [2025, 2034]",
                    ),
                    Rule(lambda v: v[0] <= v[1], "das erste Jahr liegt nach dem letzten"),
                ),
                description="erstes und letztes Jahr der Vorausschau, einschließlich, z. B. [2025, 2034]",
            ),
            Key(
                "price_base_year",
                (Rule(_is_year, "muss eine Jahreszahl sein"),),
                description="Jahr, auf das sich die Preise in catalog.csv beziehen",
            ),
            Key(
                "price_increase_pct",
                (Rule(_is_number, "muss eine Zahl sein"), Rule(lambda v: v > -100, "muss größer als -100 sein")),
                description="jährliche Preissteigerung in Prozent, Zinseszins",
            ),
            Key(
                "synthetic",
                (Rule(lambda v: isinstance(v, bool), "muss true oder false sein"),),
                required=False,
                description="true nur für erfundene Beispieldaten; das Portal kennzeichnet ihre Abbildungen",
            ),
        ),
    ),
    Section(
        "targets.device_ratio_pct",
        missing="Abschnitt [targets.device_ratio_pct] fehlt",
        not_a_table="muss ein Abschnitt mit Zielwerten je Schulform sein",
        names=(*SCHOOL_TYPES, "default"),
        unknown_name=f"unbekannte Schulform (erlaubt: {', '.join(SCHOOL_TYPES)}, default)",
        each=(Rule(lambda v: _is_number(v) and v >= 0, "muss eine Zahl ≥ 0 sein"),),
        description="Ziel: Schülergeräte je 100 Schülerinnen und Schüler, je Schulform; "
        "default gilt für jede Schulform ohne eigenen Wert",
    ),
)


def read_plan(text: str | None, problems: list[Problem]) -> dict[str, Any] | None:
    """plan.toml's ``text`` as a checked dict, or None when it is missing or wrong; problems are appended."""
    if text is None:
        problems.append(
            Problem(
                "plan.toml",
                None,
                None,
                "Datei fehlt (die Einstellungen des Zyklus: [cycle] mit name, baseline, horizon, price_base_year, "
                "price_increase_pct und [targets.device_ratio_pct])",
            )
        )
        return None
    try:
        plan = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else None
        detail = re.sub(r"\s*\(at line.*\)", "", str(exc))
        problems.append(Problem("plan.toml", line, None, f"kein gültiges TOML ({detail})"))
        return None
    where = PlanText(text)
    found: list[Problem] = []

    def problem(section: str, key: str | None, message: str) -> None:
        column = f"{section}.{key}" if key else section
        found.append(Problem("plan.toml", where.line(section, key), column, message))

    for section in PLAN_SECTIONS:
        if not _check_section(section, plan, problem) and section.essential:
            break
    problems.extend(found)
    return None if found else plan


def _check_section(section: Section, plan: dict[str, Any], problem: Callable[[str, str | None, str], None]) -> bool:
    """Check one section of ``plan`` (text dates become dates in place); False when it is absent."""
    table = _section_table(section, plan, problem)
    if table is None:
        return False
    for key in section.keys:
        if key.required and key.name not in table:
            problem(section.path, key.name, "Angabe fehlt")
    for key in section.keys:
        if key.name in table:
            if key.convert is not None:
                table[key.name] = key.convert(table[key.name])
            _check_value(section.path, key.name, table[key.name], key.rules, problem)
    if section.names is not None or section.each:
        _check_names(section, table, problem)
    return True


def _section_table(section: Section, plan: dict[str, Any], problem: Callable) -> dict[str, Any] | None:
    """The section's table, or None after reporting it absent (or a value where a table belongs)."""
    container: Any = plan
    for part in section.path.split("."):
        container = container.get(part) if isinstance(container, dict) else None
    if isinstance(container, dict):
        return container
    if container is not None and section.not_a_table is not None:
        parent, _, last = section.path.rpartition(".")
        problem(parent, last, section.not_a_table)
    else:
        problem(section.path, None, section.missing)
    return None


def _check_names(section: Section, table: dict[str, Any], problem: Callable) -> None:
    """A free section: every name must be allowed, every value keep the section's rules."""
    for name, value in table.items():
        if section.names is not None and name not in section.names:
            problem(section.path, name, section.unknown_name)
        else:
            _check_value(section.path, name, value, section.each, problem)


def _check_value(path: str, key: str, value: Any, rules: tuple[Rule, ...], problem: Callable) -> None:
    broken = next((rule for rule in rules if not rule.holds(value)), None)
    if broken is not None:
        problem(path, key, broken.message)


def check_plan_rules(dataset: DataSet, plan_text: str, problems: list[Problem]) -> None:
    """Rules that tie the tables to plan.toml or span two columns of a row."""
    baseline_year = dataset.baseline.year
    inventory = dataset.tables.get("inventory")
    if inventory is not None and "acquired_year" in inventory:
        years = pd.to_numeric(inventory["acquired_year"], errors="coerce")
        late = years > baseline_year
        report(
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
        report(problems, dataset.file_name("recurring"), "to_year", recurring.index[before], "liegt vor from_year")
    schools = dataset.tables.get("schools")
    targets = dataset.plan.get("targets", {}).get("device_ratio_pct", {})
    if schools is not None and "school_type" in schools and "default" not in targets:
        present = pd.unique(schools["school_type"].dropna())
        line = PlanText(plan_text).line("targets.device_ratio_pct", None)
        for school_type in sorted(set(present) - set(targets)):
            problems.append(
                Problem(
                    "plan.toml",
                    line,
                    "targets.device_ratio_pct",
                    f"kein Zielwert für {school_type} und kein default",
                )
            )


#: the settings a new cycle starts from: the template's companion plan.toml and the settings form's first values
EXAMPLE_PLAN = """\
# Einstellungen des Zyklus (siehe Hilfe „Planungsdaten“ im Admin oder shared/spec/planning-data.md)
[cycle]
name = "2027–2028"           # Name des Zyklus, wie ihn das Portal zeigt
baseline = 2026-12-31         # Stichtag des Bestands in inventory
horizon = [2027, 2036]        # erstes und letztes Jahr der Vorausschau
price_base_year = 2027        # Jahr, auf das sich die Preise im catalog beziehen
price_increase_pct = 2.0      # jährliche Preissteigerung in Prozent

[targets.device_ratio_pct]    # Schülergeräte je 100 Schülerinnen und Schüler
Grundschule = 25
Berufskolleg = 75
"Förderschule" = 100          # TOML braucht Anführungszeichen um Namen mit Umlauten
default = 100                 # jede Schulform ohne eigenen Wert
"""


def dump_plan(plan: dict[str, Any]) -> str:
    """``plan`` as TOML text: scalars first, then each table as its own ``[section]`` (dates, numbers, lists, text)."""
    lines: list[str] = []
    _dump_table(plan, (), lines)
    return "\n".join(lines).strip() + "\n"


def _dump_table(table: dict[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    if path and (scalars or not any(isinstance(v, dict) for v in table.values())):
        lines.append("")
        lines.append("[" + ".".join(_toml_key(part) for part in path) + "]")
    for key, value in scalars.items():
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict):
            _dump_table(value, (*path, key), lines)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's basic-string escapes


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def target_pct(plan: dict[str, Any], school_type: str) -> float:
    """The pupil-device target for ``school_type`` from plan.toml (its own, else ``default``)."""
    targets = plan.get("targets", {}).get("device_ratio_pct", {})
    return float(targets.get(school_type, targets.get("default", np.nan)))
