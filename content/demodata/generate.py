"""A synthetic, seeded data set shaped like Bochum's: 80 schools, every plugin's tables.

The numbers are invented, but calibrated so the engine reproduces the plan's
published picture: the product-group shares of Abb. 6 (horizon 2025–2034),
investment peaks in 2027, 2031 and 2032 (Abb. 5) and a pupil-device ratio
of 75 % over all schools. Calibration works backwards from those targets:
the pupil iPads follow from the ratio, their cost fixes the total, and every
other product group gets as many units as its share of that total asks for.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from content.demodata import fields

VARIANTS = ("2025", "2027")

#: Bochum's school types and how many of each (80 in all) with a plausible pupil range.
SCHOOL_TYPES: dict[str, tuple[int, tuple[int, int]]] = {
    "Grundschule": (50, (170, 360)),
    "Förderschule": (6, (80, 190)),
    "Hauptschule": (2, (250, 450)),
    "Realschule": (5, (450, 760)),
    "Sekundarschule": (1, (480, 700)),
    "Gesamtschule": (5, (900, 1400)),
    "Gymnasium": (6, (700, 1100)),
    "Berufskolleg": (4, (1500, 3400)),
    "Weiterbildungskolleg": (1, (300, 600)),
}
PUPILS_PER_TEACHER = {"Grundschule": 19, "Förderschule": 7, "Berufskolleg": 28}
DISTRICTS = ("Bochum-Mitte", "Wattenscheid", "Bochum-Nord", "Bochum-Ost", "Bochum-Süd", "Bochum-Südwest")

#: pupil devices per pupil before the overall ratio is scaled to RATIO_PCT
TYPE_RATIO = {
    "Grundschule": 0.50,
    "Förderschule": 1.05,
    "Hauptschule": 0.95,
    "Realschule": 0.95,
    "Sekundarschule": 0.95,
    "Gesamtschule": 0.90,
    "Gymnasium": 0.95,
    "Berufskolleg": 0.55,
    "Weiterbildungskolleg": 0.60,
}
RATIO_PCT = 75.0
TARGETS = {"Grundschule": 25, "Berufskolleg": 75, "Förderschule": 100, "default": 100}

# key, label, category, life, unit cost, pupil device, teacher device, Abb. 6 share (%)
CATALOG = [
    ("internet", "Internetanbindung", "service", 1, 0.0, False, False, 6.16),
    ("ipad_pupils", "iPads Schülerinnen & Schüler", "hardware", 5, 450.0, True, False, 48.31),
    ("displays", "Multi-Touch-Displays", "hardware", 8, 4500.0, False, False, 17.76),
    ("construction", "Baukosten für digitale Infrastruktur", "infrastructure", 15, 22000.0, False, False, 7.53),
    ("imacs", "iMacs", "hardware", 6, 1800.0, False, False, 0.71),
    ("macs", "MacBooks & Mac minis", "hardware", 6, 1400.0, False, False, 0.39),
    ("printers", "Drucker", "hardware", 6, 600.0, False, False, 0.29),
    ("notebooks", "Notebooks", "hardware", 5, 900.0, False, False, 1.70),
    ("network", "Basisinfrastruktur (LAN, WLAN)", "infrastructure", 10, 800.0, False, False, 4.09),
    ("software", "Software (inkl. Microsoft365)", "software", 1, 0.0, False, False, 2.94),
    ("peripherals", "Peripherie & Multifunktionsgeräte", "hardware", 6, 350.0, False, False, 1.88),
    ("ipad_teachers", "iPads Lehrkräfte", "hardware", 5, 650.0, False, True, 6.27),
    ("pcs", "PCs & Monitore", "hardware", 6, 1100.0, False, False, 1.70),
    ("beamers", "Mobile Beamer", "hardware", 7, 700.0, False, False, 0.26),
]

#: when each group was bought (share of its units per year): this shapes Abb. 5's peaks
PURCHASE_YEARS: dict[str, dict[int, float]] = {
    "ipad_pupils": {2020: 0.10, 2021: 0.15, 2022: 0.40, 2023: 0.20, 2024: 0.15},
    "displays": {2019: 0.15, 2020: 0.08, 2021: 0.05, 2022: 0.07, 2023: 0.45, 2024: 0.20},
    "ipad_teachers": {2020: 0.25, 2022: 0.50, 2023: 0.25},
    "construction": {year: 0.1 for year in range(2010, 2020)},
    "network": {year: 0.1 for year in range(2015, 2025)},
    "imacs": {year: 1 / 6 for year in range(2019, 2025)},
    "macs": {year: 1 / 6 for year in range(2019, 2025)},
    "printers": {year: 1 / 6 for year in range(2019, 2025)},
    "peripherals": {year: 1 / 6 for year in range(2019, 2025)},
    "pcs": {year: 1 / 6 for year in range(2019, 2025)},
    "notebooks": {year: 0.2 for year in range(2020, 2025)},
    "beamers": {year: 1 / 7 for year in range(2018, 2025)},
}
#: how strongly each school type holds a group, per pupil (1 = average)
TYPE_AFFINITY = {
    "imacs": {"Gymnasium": 2.0, "Gesamtschule": 1.5, "Berufskolleg": 2.5, "Grundschule": 0.1},
    "macs": {"Gymnasium": 1.5, "Berufskolleg": 2.5, "Grundschule": 0.2},
    "notebooks": {"Berufskolleg": 2.0, "Grundschule": 0.3},
    "pcs": {"Berufskolleg": 3.0, "Grundschule": 0.3},
}

#: recurring rows: item, product group, share of that group's cost (None: personnel etc.), increase %, from
RECURRING = [
    ("Breitbandanschlüsse der Schulen", "internet", 0.8, 1.0, 2021),
    ("Glasfaser-Backbone und Sicherheitsdienste", "internet", 0.2, 2.0, 2022),
    ("Microsoft 365 (Schulträgerlizenz)", "software", 0.5, 3.0, 2023),
    ("MDM- und Lernsoftware-Lizenzen", "software", 0.5, 2.0, 2022),
]
#: yearly costs outside the product groups: counted in Abb. 5, not in Abb. 6
PERSONNEL = [
    ("Personal 2nd-Level-Support", 1_450_000.0, 2.5, 2020),
    ("Fortbildung und Qualifizierung", 120_000.0, 0.0, 2021),
]


def cycle_settings(variant: str) -> dict[str, Any]:
    if variant == "2025":
        return {
            "name": "2025–2026 (Beispieldaten)",
            "baseline": dt.date(2024, 12, 31),
            "horizon": [2025, 2034],
            "price_base_year": 2025,
            "price_increase_pct": 0.0,
            "synthetic": True,
        }
    return {
        "name": "2027–2028 (Beispieldaten)",
        "baseline": dt.date(2026, 12, 31),
        "horizon": [2027, 2036],
        "price_base_year": 2027,
        "price_increase_pct": 0.0,
        "synthetic": True,
    }


# --- building blocks -------------------------------------------------------


def distribute(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number by weights, exactly (largest remainder)."""
    weights = np.asarray(weights, dtype="float64")
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype="int64")
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype("int64")
    rest = total - whole.sum()
    if rest:
        whole[np.argsort(-(exact - whole), kind="stable")[:rest]] += 1
    return whole


def make_schools(rng: np.random.Generator, scale: int) -> pd.DataFrame:
    rows = []
    width = 2 if scale == 1 else len(str(50 * scale))
    number = 0
    for school_type, (count, _pupil_range) in SCHOOL_TYPES.items():
        for i in range(1, count * scale + 1):
            number += 1
            rows.append((f"S{number:0{max(3, width)}d}", f"Beispielschule {school_type} {i:0{width}d}", school_type))
    schools = pd.DataFrame(rows, columns=["school_id", "name", "school_type"])
    ranges = schools["school_type"].map({t: r for t, (_, r) in SCHOOL_TYPES.items()})
    low = np.array([r[0] for r in ranges])
    high = np.array([r[1] for r in ranges])
    schools["pupils"] = rng.integers(low, high + 1)
    per_teacher = schools["school_type"].map(PUPILS_PER_TEACHER).fillna(15)
    schools["teachers"] = np.maximum(4, np.round(schools["pupils"] / per_teacher * rng.uniform(0.9, 1.1, len(schools)))).astype("int64")
    schools["district"] = rng.choice(DISTRICTS, len(schools))
    return schools


def pupil_devices(schools: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Pupil iPads per school: type ratio with noise, scaled so all schools hold exactly RATIO_PCT."""
    raw = schools["pupils"] * schools["school_type"].map(TYPE_RATIO) * rng.uniform(0.8, 1.2, len(schools))
    target = int(round(schools["pupils"].sum() * RATIO_PCT / 100))
    return distribute(target, raw.to_numpy())


def replacement_factor(acquired: np.ndarray, life: int, horizon: tuple[int, int], base_year: int, pct: float) -> np.ndarray:
    """Cost of replacing one unit bought in ``acquired`` over the horizon, per euro of price."""
    first, last = horizon
    factor = np.zeros(len(acquired))
    for k in range(1, (last - int(acquired.min())) // life + 1):
        year = acquired + k * life
        factor += np.where((year >= first) & (year <= last), (1 + pct / 100) ** (year - base_year), 0.0)
    return factor


def group_weights(key: str, schools: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """How a group's units spread over the schools."""
    if key == "ipad_teachers":
        base = schools["teachers"].to_numpy(dtype="float64")
    elif key == "construction":
        base = np.sqrt(schools["pupils"].to_numpy(dtype="float64"))
    else:
        affinity = schools["school_type"].map(TYPE_AFFINITY.get(key, {})).fillna(1.0)
        base = (schools["pupils"] * affinity).to_numpy(dtype="float64")
    return base * rng.uniform(0.7, 1.3, len(schools))


def inventory_rows(schools: pd.DataFrame, key: str, counts: np.ndarray, years: list[int]) -> pd.DataFrame:
    """A (schools × years) count matrix as inventory rows, zero cells left out."""
    school, year = np.nonzero(counts)
    return pd.DataFrame(
        {
            "school_id": schools["school_id"].to_numpy()[school],
            "product_group": key,
            "quantity": counts[school, year],
            "acquired_year": np.asarray(years)[year],
        }
    )


def make_core_tables(schools: pd.DataFrame, rng: np.random.Generator, cycle: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """catalog, inventory and recurring, calibrated to Abb. 5 and 6 and the 75 % ratio."""
    horizon = tuple(cycle["horizon"])
    base_year, pct = cycle["price_base_year"], cycle["price_increase_pct"]
    catalog = pd.DataFrame(
        CATALOG,
        columns=["product_group", "label", "category", "useful_life_years", "unit_cost_eur", "pupil_device", "teacher_device", "share"],
    )
    shares = catalog.set_index("product_group")["share"]
    shares = shares / shares.sum()
    info = catalog.set_index("product_group")

    # pupil iPads: the count is fixed by the ratio, split over purchase years per school
    devices = pupil_devices(schools, rng)
    weights = PURCHASE_YEARS["ipad_pupils"]
    years = list(weights)
    split = np.vstack([distribute(int(n), np.array(list(weights.values()))) for n in devices]) if len(devices) else np.zeros((0, len(years)), "int64")
    frames = [inventory_rows(schools, "ipad_pupils", split, years)]
    unit = info.loc["ipad_pupils", "unit_cost_eur"]
    factor = replacement_factor(np.array(years), int(info.loc["ipad_pupils", "useful_life_years"]), horizon, base_year, pct)
    total = float((split.sum(axis=0) * factor).sum() * unit) / shares["ipad_pupils"]

    # every other investment group: units so that their cost is their share of the total
    for key, year_weights in PURCHASE_YEARS.items():
        if key == "ipad_pupils":
            continue
        years = list(year_weights)
        w_year = np.array(list(year_weights.values()))
        life, unit = int(info.loc[key, "useful_life_years"]), float(info.loc[key, "unit_cost_eur"])
        factor = replacement_factor(np.array(years), life, horizon, base_year, pct)
        per_unit = unit * float((w_year / w_year.sum() * factor).sum())
        units = int(round(shares[key] * total / per_unit))
        w_school = group_weights(key, schools, rng)
        # split by year first (that fixes the cost), then each year's units over the schools
        by_year = distribute(units, w_year)
        counts = np.column_stack([distribute(int(n), w_school) for n in by_year])
        frames.append(inventory_rows(schools, key, counts, years))
    inventory = pd.concat(frames, ignore_index=True)
    inventory["unit_cost_eur"] = np.nan
    inventory["useful_life_years"] = pd.array([pd.NA] * len(inventory), dtype="Int64")
    inventory = inventory.sort_values(["school_id", "product_group", "acquired_year"], kind="stable").reset_index(drop=True)

    # recurring: amounts such that a group's rows add up to its share over the horizon
    first, last = horizon
    rows = []
    for item, key, part, increase, start in RECURRING:
        growth = sum((1 + increase / 100) ** (y - start) for y in range(max(first, start), last + 1))
        rows.append((item, key, round(shares[key] * total * part / growth, 2), start, None, increase))
    scale = len(schools) / 80
    for item, cost, increase, start in PERSONNEL:
        rows.append((item, None, round(cost * scale, 2), start, None, increase))
    recurring = pd.DataFrame(rows, columns=["item", "product_group", "annual_cost_eur", "from_year", "to_year", "annual_increase_pct"])
    recurring["to_year"] = recurring["to_year"].astype("Int64")
    return {"catalog": catalog.drop(columns="share"), "inventory": inventory, "recurring": recurring}


def later_cycle(schools: pd.DataFrame, tables: dict[str, pd.DataFrame], rng: np.random.Generator, baseline_year: int) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Two years on: stock replaced when due, some pupil devices added, pupil numbers drifted."""
    catalog = tables["catalog"].set_index("product_group")
    inventory = tables["inventory"].copy()
    life = inventory["product_group"].map(catalog["useful_life_years"]).to_numpy()
    acquired = inventory["acquired_year"].to_numpy()
    replacements = (baseline_year - acquired) // life
    inventory["acquired_year"] = np.where(replacements >= 1, acquired + replacements * life, acquired)

    schools = schools.copy()
    schools["pupils"] = np.round(schools["pupils"] * rng.uniform(0.97, 1.03, len(schools))).astype("int64")
    targets = schools["school_type"].map(TARGETS).fillna(TARGETS["default"])
    held = inventory[inventory["product_group"] == "ipad_pupils"].groupby("school_id")["quantity"].sum()
    held = schools["school_id"].map(held).fillna(0)
    short = np.maximum(0, np.ceil(targets * schools["pupils"] / 100) - held)
    added = np.floor(short * rng.uniform(0.2, 0.4, len(schools))).astype("int64")
    new = pd.DataFrame(
        {"school_id": schools["school_id"], "product_group": "ipad_pupils", "quantity": added, "acquired_year": baseline_year}
    )[added > 0]
    inventory = pd.concat([inventory, new], ignore_index=True)
    inventory = inventory.groupby(["school_id", "product_group", "acquired_year"], as_index=False)["quantity"].sum()
    inventory = inventory[["school_id", "product_group", "quantity", "acquired_year"]]
    inventory["unit_cost_eur"] = np.nan
    inventory["useful_life_years"] = pd.array([pd.NA] * len(inventory), dtype="Int64")
    return schools, {**tables, "inventory": inventory}


# --- writing ---------------------------------------------------------------


def generate(out: str | Path, scale: int = 1, seed: int = 2025, variant: str = "2025") -> Path:
    """Write a complete synthetic data set (plan.toml and every table) into ``out``."""
    if variant not in VARIANTS:
        raise ValueError(f"unbekannte Variante {variant!r} (erlaubt: {', '.join(VARIANTS)})")
    if scale < 1:
        raise ValueError("scale muss mindestens 1 sein")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    base_cycle = cycle_settings("2025")
    schools = make_schools(rng, scale)
    tables = make_core_tables(schools, rng, base_cycle)
    cycle = cycle_settings(variant)
    if variant == "2027":
        schools, tables = later_cycle(schools, tables, np.random.default_rng([seed, 2027]), cycle["baseline"].year)

    plan: dict[str, Any] = {"cycle": cycle, "targets": {"device_ratio_pct": dict(TARGETS)}}
    # The field plugins' tables (content/demodata/fields.py) draw from their own generator
    # stream, so adding a field table never changes the core tables.
    field_tables = fields.field_tables(schools, np.random.default_rng([seed, 7]), cycle["baseline"].year)
    for section, settings in fields.field_plan_settings().items():
        if isinstance(settings, dict) and isinstance(plan.get(section), dict):
            plan[section].update(settings)
        else:
            plan[section] = settings

    (out / "plan.toml").write_text(dumps_toml(plan, header=_HEADER), encoding="utf-8")
    for name, table in {"schools": schools, **tables, **field_tables}.items():
        write_csv(table, out / f"{name}.csv")
    return out


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """A table as the contract's CSV: UTF-8, comma, header, true/false for booleans."""
    table = table.copy()
    for column in table.columns:
        if pd.api.types.is_bool_dtype(table[column]):
            table[column] = table[column].map({True: "true", False: "false"})
    table.to_csv(path, index=False, lineterminator="\n")


_HEADER = (
    "# Synthetische Beispieldaten, erzeugt von `python -m content.demodata`.\n"
    "# Schulen, Schülerzahlen und Bestände sind erfunden; sie ahmen nur die\n"
    "# veröffentlichten Kennzahlen des Medienentwicklungsplans Bochum nach.\n\n"
)


def dumps_toml(data: dict[str, Any], header: str = "") -> str:
    """A small TOML writer for plan.toml: tables of scalars, dates and lists of scalars."""
    lines: list[str] = []

    def emit(prefix: str, table: dict[str, Any]) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in table.items() if isinstance(v, dict)}
        if prefix and (scalars or not nested):
            lines.append(f"[{prefix}]")
        for key, value in scalars.items():
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
        if prefix and (scalars or not nested):
            lines.append("")
        for key, value in nested.items():
            emit(f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key), value)

    emit("", data)
    return header + "\n".join(lines).rstrip() + "\n"


def _toml_key(key: str) -> str:
    if key.replace("_", "").replace("-", "").isascii() and key.replace("_", "").replace("-", "").isalnum():
        return key
    return _toml_value(str(key))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError("TOML kennt keine unendlichen Zahlen")
        return repr(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    raise TypeError(f"kein TOML-Wert: {value!r}")
