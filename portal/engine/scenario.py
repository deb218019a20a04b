"""Scenarios ("what if …?"): a small TOML file that changes a few assumptions of a data set.

``shared/spec/planning-data.md``, section *Scenarios*: a scenario replaces
plan.toml's price increase or price base year, product groups' useful life
and unit cost (the catalog value **and** every inventory row's own override)
and device-ratio targets. :func:`read_scenario` checks a scenario against a
loaded data set and refuses it with every problem located, as bad data is
refused; :func:`apply_scenario` returns the data set as if it held the
scenario's values, so every plugin computes it unchanged.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.engine.specs import SCHOOL_TYPES, YEAR_MAX, YEAR_MIN, DataSet, DataSetError, Problem
from portal.engine.toml_lines import PlanText

#: the keys of [plan] a scenario may set: the rest of plan.toml's [cycle] describes the cycle, not an assumption
PLAN_KEYS = ("price_increase_pct", "price_base_year")
SECTIONS = ("scenario", "plan", "useful_life_years", "unit_cost_eur", "targets")


@dataclass(frozen=True)
class ScenarioProblem(Problem):
    """A problem in a scenario file, reported as ``FILE:LINE: key KEY: message``."""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            return f"{where}: key {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class Scenario:
    """A checked scenario: its name, description and the values it replaces."""

    name: str
    description: str = ""
    plan: dict[str, float] = field(default_factory=dict)  # price_increase_pct, price_base_year
    useful_life_years: dict[str, int] = field(default_factory=dict)  # product_group -> years
    unit_cost_eur: dict[str, float] = field(default_factory=dict)  # product_group -> €
    targets: dict[str, float] = field(default_factory=dict)  # school type or "default" -> pupil devices per 100
    file: str = "scenario.toml"
    text: str = ""

    @property
    def fingerprint(self) -> str:
        """sha256 over the changes (not the file's wording): the same assumptions, the same fingerprint."""
        return hashlib.sha256(repr(sorted(self.changes().items())).encode()).hexdigest()

    def changes(self) -> dict[str, Any]:
        """Every replaced value by its dotted key, e.g. ``{"useful_life_years.ipad_pupils": 6}``."""
        changes: dict[str, Any] = {f"plan.{k}": v for k, v in self.plan.items()}
        changes.update({f"useful_life_years.{k}": v for k, v in self.useful_life_years.items()})
        changes.update({f"unit_cost_eur.{k}": v for k, v in self.unit_cost_eur.items()})
        changes.update({f"targets.device_ratio_pct.{k}": v for k, v in self.targets.items()})
        return changes

    def manifest(self) -> dict[str, Any]:
        """What ``figures.json`` says about the scenario."""
        return {"name": self.name, "description": self.description, "file": self.file, "changes": self.changes()}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


Check = Callable[[Any], str | None]  # a value's problem in German, or None


def _price_increase(value: Any) -> str | None:
    if not _is_number(value):
        return "muss eine Zahl sein"
    return None if value > -100 else "muss größer als -100 sein"


def _year(value: Any) -> str | None:
    return None if _is_int(value) and YEAR_MIN <= value <= YEAR_MAX else "muss eine Jahreszahl sein"


def _life(value: Any) -> str | None:
    return None if _is_int(value) and value >= 1 else "muss eine ganze Zahl ≥ 1 sein"


def _cost(value: Any) -> str | None:
    return None if _is_number(value) and value >= 0 else "muss eine Zahl ≥ 0 sein"


_PLAN_CHECKS: dict[str, Check] = {"price_increase_pct": _price_increase, "price_base_year": _year}


def read_scenario(source: str | Path, dataset: DataSet, *, text: str | None = None, file: str | None = None) -> Scenario:
    """The scenario in ``source`` (a path, or ``text`` named ``file``), checked against ``dataset``.

    Raises :class:`~portal.engine.specs.DataSetError` with every problem, each
    a :class:`ScenarioProblem` located at the line of its key (or section).
    """
    name = file or Path(source).name
    if text is None:
        path = Path(source)
        if not path.is_file():
            raise DataSetError([ScenarioProblem(name, None, None, "Datei nicht gefunden")])
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    problems: list[Problem] = []
    scenario = parse_scenario(text, dataset, problems, file=name)
    if problems:
        raise DataSetError(problems)
    return scenario


def parse_scenario(text: str, dataset: DataSet, problems: list[Problem], *, file: str = "scenario.toml") -> Scenario:
    """Read ``text``; every problem is appended to ``problems`` (the scenario is only valid without any)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else 1
        detail = re.sub(r"\s*\(at line.*\)", "", str(exc))
        problems.append(ScenarioProblem(file, line, None, f"kein gültiges TOML ({detail})"))
        return Scenario(name="", file=file, text=text)
    where = PlanText(text)
    found: list[Problem] = []

    def problem(section: str, key: str | None, message: str) -> None:
        located = f"{section}.{key}" if key else section
        # a key or section not found (a dotted key, say) is reported at the file's first line, never unlocated
        line = where.line(section, key) if key else where.line(section, None)
        if key and line == where.line(section, None):  # not a key of the section: perhaps a section of its own
            line = where.line(located, None) or line
        found.append(ScenarioProblem(file, line or where.line("", section) or 1, located, message))

    scenario = Scenario(name="", file=file, text=text)
    for section in raw:
        if section not in SECTIONS:
            problem(section, None, f"unbekannter Abschnitt (erlaubt: {', '.join(SECTIONS)})")
    head = _table(raw, "scenario", problem, required=True)
    if head is not None:
        for key, value in head.items():
            if key not in ("name", "description"):
                problem("scenario", key, "unbekannter Schlüssel (erlaubt: name, description)")
            elif not isinstance(value, str) or (key == "name" and not value.strip()):
                problem("scenario", key, "muss ein nicht leerer Text sein" if key == "name" else "muss ein Text sein")
        if "name" not in head:
            problem("scenario", None, "Angabe name fehlt")
        scenario.name = str(head.get("name", "")).strip()
        scenario.description = str(head.get("description", "")).strip() if isinstance(head.get("description"), str) else ""
    plan = _table(raw, "plan", problem) or {}
    for key, value in plan.items():
        if key not in _PLAN_CHECKS:
            problem("plan", key, f"unbekannter Schlüssel (erlaubt: {', '.join(PLAN_KEYS)})")
        elif (message := _PLAN_CHECKS[key](value)) is not None:
            problem("plan", key, message)
        else:
            scenario.plan[key] = value
    groups = set(dataset.tables["catalog"]["product_group"])
    for section, check, target in (
        ("useful_life_years", _life, scenario.useful_life_years),
        ("unit_cost_eur", _cost, scenario.unit_cost_eur),
    ):
        for key, value in (_table(raw, section, problem) or {}).items():
            if key not in groups:
                problem(section, key, f"unbekannte Produktgruppe (nicht in {dataset.file_name('catalog')})")
            elif (message := check(value)) is not None:
                problem(section, key, message)
            else:
                target[key] = float(value) if section == "unit_cost_eur" else value
    targets = _table(raw, "targets", problem) or {}
    for key in targets:
        if key != "device_ratio_pct":
            problem("targets", key, "unbekannter Abschnitt (erlaubt: targets.device_ratio_pct)")
    ratios = _table(targets, "device_ratio_pct", problem, path="targets.device_ratio_pct") if targets else None
    for key, value in (ratios or {}).items():
        if key not in (*SCHOOL_TYPES, "default"):
            problem("targets.device_ratio_pct", key, f"unbekannte Schulform (erlaubt: {', '.join(SCHOOL_TYPES)}, default)")
        elif (message := _cost(value)) is not None:
            problem("targets.device_ratio_pct", key, message)
        else:
            scenario.targets[key] = float(value)
    problems.extend(sorted(found, key=lambda p: p.line or 0))  # top to bottom; a line's problems keep their order
    return scenario


def _table(raw: dict, section: str, problem: Callable, *, required: bool = False, path: str | None = None) -> dict | None:
    value = raw.get(section)
    path = path or section
    if value is None:
        if required:
            problem(path, None, f"Abschnitt [{path}] fehlt")
        return None
    if not isinstance(value, dict):
        parent, _, last = path.rpartition(".")
        problem(parent or path, last if parent else None, "muss ein Abschnitt sein")
        return None
    return value


def apply_scenario(dataset: DataSet, scenario: Scenario) -> DataSet:
    """``dataset`` as if it held the scenario's values; ``dataset`` itself is left as it was.

    Only the tables a scenario touches are copied (catalog, inventory); the
    others are shared, read-only as every plugin treats them.
    """
    plan = copy.deepcopy(dataset.plan)
    plan["cycle"].update(scenario.plan)
    if scenario.targets:
        plan.setdefault("targets", {}).setdefault("device_ratio_pct", {}).update(scenario.targets)
    tables = dict(dataset.tables)
    changed = {**scenario.useful_life_years, **scenario.unit_cost_eur}
    if changed:
        catalog = dataset.tables["catalog"].copy()
        inventory = dataset.tables["inventory"].copy()
        for column, values in (("useful_life_years", scenario.useful_life_years), ("unit_cost_eur", scenario.unit_cost_eur)):
            for group, value in values.items():
                catalog.loc[catalog["product_group"] == group, column] = value
                # the scenario's value holds for every row of the group, whatever the row said
                inventory.loc[inventory["product_group"] == group, column] = None
        tables["catalog"], tables["inventory"] = catalog, inventory
    fingerprint = hashlib.sha256(f"{dataset.fingerprint}\0{scenario.fingerprint}".encode()).hexdigest()
    return DataSet(plan=plan, tables=tables, source=dataset.source, fingerprint=fingerprint, files=dict(dataset.files))
