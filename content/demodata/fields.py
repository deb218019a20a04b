"""Synthetic tables for the support, controlling, KI and data-strategy plugins.

``generate.py`` calls :func:`field_tables` with its schools and writes each
table as ``<table>.csv``, and merges :func:`field_plan_settings` into
plan.toml. Everything is drawn from the given generator, so the same seed
gives the same files, and vectorised, so 8,000 schools stay fast. Dates are
ISO strings, an empty string meaning "not given".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TICKET_TOPICS = (
    "Apple-Geräte",
    "Netzwerke und Server",
    "Pädagogische Lernsoftware",
    "Präsentationsmedien",
    "Digitale Infrastruktur",
    "Benutzerkonten",
)
TICKET_TOPIC_SHARES = (0.30, 0.22, 0.16, 0.14, 0.10, 0.08)
TICKET_LEVEL_SHARES = (0.60, 0.32, 0.08)
MEDIAN_DAYS_TO_CLOSE = (1.0, 5.0, 14.0)  # per level

# (licence, seats per pupil, seats per teacher, lowest and highest share in use)
LICENCES = (
    ("Lernplattform", 1.0, 1.0, 0.70, 0.95),
    ("Office-Paket für Lehrkräfte", 0.0, 1.0, 0.80, 1.00),
    ("Geräteverwaltung (MDM)", 0.5, 1.0, 0.90, 1.00),
    ("Mathematik-Lernsoftware", 0.3, 0.0, 0.30, 0.70),
    ("Schulbuch-Apps", 0.4, 0.2, 0.40, 0.80),
    ("Videokonferenzdienst", 0.0, 1.0, 0.95, 1.08),
    ("KI-Assistenz für Lehrkräfte", 0.0, 0.2, 0.50, 1.00),
)

# (pilot, tool)
KI_PILOTS = (
    ("KI-Schreibwerkstatt Deutsch", "Schreibassistenz"),
    ("Adaptives Üben Mathematik", "Adaptive Lernsoftware"),
    ("KI im Fremdsprachenunterricht", "Übersetzungs- und Sprachassistenz"),
    ("Chatbots verstehen (Informatik)", "Schul-Chatbot"),
    ("KI-gestützte Unterrichtsplanung", "KI-Assistenz für Lehrkräfte"),
)
KI_STATUSES = ("geplant", "laufend", "abgeschlossen", "abgebrochen")
KI_STATUS_SHARES = (0.20, 0.45, 0.25, 0.10)
KI_PILOT_SCHOOL_SHARE = 0.12

# (data_category, purpose, legal_basis, retention_months, system, principle)
PROCESSING_REGISTER = (
    ("Schülerstammdaten", "Schulverwaltung und Zeugnisse", "§ 120 SchulG NRW, VO-DV I", 60, "Schulverwaltungssoftware", "data_quality"),
    ("Lehrkräftedaten", "Unterrichtsverteilung", "§ 121 SchulG NRW, VO-DV II", 60, "Schulverwaltungssoftware", "data_quality"),
    ("Noten und Leistungsdaten", "Leistungsbewertung", "§ 120 SchulG NRW, VO-DV I", 24, "Schulverwaltungssoftware", "privacy"),
    ("Benutzerkonten", "Anmeldung an Geräten und Diensten", "Art. 6 Abs. 1 lit. e DSGVO", 12, "Identitätsmanagement", "security"),
    ("Protokolldaten des Netzwerks", "Betriebssicherheit und Jugendschutzfilter", "Art. 6 Abs. 1 lit. e DSGVO", 3, "Firewall und Webfilter", "security"),
    ("Geräteverwaltungsdaten", "Verwaltung der iPads", "Art. 6 Abs. 1 lit. e DSGVO", 12, "Geräteverwaltung (MDM)", "security"),
    ("Lernstandsdaten", "Individuelle Förderung", "§ 120 SchulG NRW", 12, "Lernplattform", "pedagogical_value"),
    ("Abgaben und Lernprodukte", "Unterricht auf der Lernplattform", "§ 120 SchulG NRW", 12, "Lernplattform", "pedagogical_value"),
    ("Support-Tickets", "Störungsbearbeitung im 2nd-Level-Support", "Art. 6 Abs. 1 lit. e DSGVO", 24, "Ticketsystem", "transparency"),
    ("Lizenznutzungsdaten", "Controlling der Lizenzauslastung", "Art. 6 Abs. 1 lit. e DSGVO", 24, "Lizenzverwaltung", "transparency"),
    ("Einwilligungen der Erziehungsberechtigten", "Nachweis erteilter Einwilligungen", "Art. 7 Abs. 1 DSGVO", 36, "Schulverwaltungssoftware", "transparency"),
    ("Videokonferenz-Metadaten", "Distanzunterricht und Beratung", "Art. 6 Abs. 1 lit. e DSGVO", 3, "Videokonferenzdienst", "privacy"),
    ("KI-Nutzungsprotokolle", "Begleitung der KI-Pilotprojekte", "Art. 6 Abs. 1 lit. a DSGVO", 6, "Schul-Chatbot", "privacy"),
    ("Stundenplandaten", "Austausch zwischen Stundenplan und Lernplattform", "§ 120 SchulG NRW", 12, "Schnittstellendienst", "interoperability"),
)


def field_plan_settings() -> dict:
    """The plan.toml sections the four plugins read; the staff fit the 80-school demo's ~40,000 devices."""
    return {"support": {"devices_per_staff_2nd_level": 800, "staff_2nd_level_in_post": 36}}


def field_tables(schools: pd.DataFrame, rng: np.random.Generator, baseline_year: int) -> dict[str, pd.DataFrame]:
    """Support tickets, annual reviews, licences, KI pilots and the processing register for ``schools``."""
    baseline = np.datetime64(f"{baseline_year}-12-31")
    return {
        "support_tickets": support_tickets(schools, rng, baseline_year),
        "annual_reviews": annual_reviews(schools, rng, baseline_year),
        "licences": licences(schools, rng),
        "ki_pilots": ki_pilots(schools, rng, baseline_year),
        "processing_register": processing_register(rng, baseline),
    }


def support_tickets(schools: pd.DataFrame, rng: np.random.Generator, baseline_year: int) -> pd.DataFrame:
    """One year of tickets, about 3 per 100 pupils and 1 per 10 teachers; open when not closed by 31 December."""
    expected = 0.03 * schools["pupils"].to_numpy(dtype=float) + 0.1 * schools["teachers"].to_numpy(dtype=float)
    per_school = rng.poisson(expected)
    n = int(per_school.sum())
    school_ids = np.repeat(schools["school_id"].to_numpy(), per_school)
    level = rng.choice(3, size=n, p=TICKET_LEVEL_SHARES) + 1
    topic = np.asarray(TICKET_TOPICS, dtype=object)[rng.choice(len(TICKET_TOPICS), size=n, p=TICKET_TOPIC_SHARES)]
    first = _new_year(np.asarray(baseline_year))
    days_in_year = int((_new_year(np.asarray(baseline_year + 1)) - first).astype("int64"))
    opened = first + rng.integers(0, days_in_year, size=n).astype("timedelta64[D]")
    median = np.asarray(MEDIAN_DAYS_TO_CLOSE)[level - 1]
    days = np.ceil(median * rng.lognormal(0.0, 0.8, size=n)).astype("int64")
    closed = opened + days.astype("timedelta64[D]")
    still_open = closed > np.datetime64(f"{baseline_year}-12-31")
    order = np.argsort(opened, kind="stable")
    return pd.DataFrame(
        {
            "ticket_id": _ids("T", n),
            "school_id": school_ids[order],
            "level": level[order],
            "topic": topic[order],
            "opened": _iso(opened)[order],
            "closed": np.where(still_open, "", _iso(closed))[order],
        }
    )


def annual_reviews(schools: pd.DataFrame, rng: np.random.Generator, baseline_year: int) -> pd.DataFrame:
    """A row per school for each of the last three years; more talks and concepts each year."""
    years = np.arange(baseline_year - 2, baseline_year + 1)
    n_schools, n_years = len(schools), len(years)
    year = np.tile(years, n_schools)
    step = np.tile(np.arange(n_years), n_schools)
    held = rng.random(year.size) < 0.70 + 0.10 * step
    held_on = _new_year(year) + rng.integers(31, 334, size=year.size).astype("timedelta64[D]")
    submitted = rng.random(year.size) < np.where(held, 0.55, 0.30) + 0.12 * step
    return pd.DataFrame(
        {
            "school_id": np.repeat(schools["school_id"].to_numpy(), n_years),
            "year": year,
            "held_on": np.where(held, _iso(held_on), ""),
            "media_concept_submitted": submitted,
        }
    )


def licences(schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The Schulträger's licences, their seats scaled to all pupils and teachers."""
    pupils, teachers = int(schools["pupils"].sum()), int(schools["teachers"].sum())
    table = pd.DataFrame(LICENCES, columns=["licence", "per_pupil", "per_teacher", "low", "high"])
    seats = np.ceil(table["per_pupil"] * pupils + table["per_teacher"] * teachers).astype("int64")
    seats = np.maximum(seats, 1)
    share = rng.uniform(table["low"], table["high"])
    return pd.DataFrame(
        {"licence": table["licence"], "seats": seats, "active_users": np.round(seats * share).astype("int64")}
    )


def ki_pilots(schools: pd.DataFrame, rng: np.random.Generator, baseline_year: int) -> pd.DataFrame:
    """About one school in eight runs one or two different pilots."""
    n_pilot_schools = max(1, round(KI_PILOT_SCHOOL_SHARE * len(schools)))
    chosen = np.sort(rng.choice(len(schools), size=min(n_pilot_schools, len(schools)), replace=False))
    count = rng.integers(1, 3, size=chosen.size)
    school_rows = np.repeat(chosen, count)
    first = rng.integers(0, len(KI_PILOTS), size=chosen.size)
    second = (first + rng.integers(1, len(KI_PILOTS), size=chosen.size)) % len(KI_PILOTS)
    is_second = np.concatenate([[False], school_rows[1:] == school_rows[:-1]])
    pilot = np.where(is_second, np.repeat(second, count), np.repeat(first, count))
    n = pilot.size

    status = rng.choice(len(KI_STATUSES), size=n, p=KI_STATUS_SHARES)
    planned = status == 0
    start_year = np.where(planned, baseline_year + 1, baseline_year - rng.integers(0, 2, size=n))
    start = _new_year(start_year) + (rng.integers(0, 12, size=n) * 30).astype("timedelta64[D]")
    teachers = schools["teachers"].to_numpy()[school_rows]
    trained = np.where(planned, 0, rng.binomial(teachers, rng.uniform(0.1, 0.6, size=n)))
    names = np.asarray([name for name, _ in KI_PILOTS], dtype=object)
    tools = np.asarray([tool for _, tool in KI_PILOTS], dtype=object)
    return pd.DataFrame(
        {
            "pilot": names[pilot],
            "school_id": schools["school_id"].to_numpy()[school_rows],
            "tool": tools[pilot],
            "start": _iso(start),
            "status": np.asarray(KI_STATUSES, dtype=object)[status],
            "teachers_trained": trained.astype("int64"),
        }
    )


def processing_register(rng: np.random.Generator, baseline: np.datetime64) -> pd.DataFrame:
    """The register, each entry recorded up to 1.3 retention periods before the baseline."""
    table = pd.DataFrame(
        PROCESSING_REGISTER,
        columns=["data_category", "purpose", "legal_basis", "retention_months", "system", "principle"],
    )
    days_back = np.floor(rng.uniform(0.1, 1.3, size=len(table)) * table["retention_months"] * 30.4)
    table["recorded_on"] = _iso(baseline - days_back.astype("int64").to_numpy().astype("timedelta64[D]"))
    return table


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(5, len(str(n)))
    return np.asarray([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _new_year(years: np.ndarray) -> np.ndarray:
    """1 January of each year, as days."""
    return (np.asarray(years, dtype="int64") - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _iso(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` for each day; each distinct day is formatted once."""
    days = np.asarray(days, dtype="datetime64[D]")
    if days.size == 0:
        return np.asarray([], dtype=object)
    first = days.min()
    offset = (days - first).astype("int64")
    names = np.datetime_as_string(first + np.arange(offset.max() + 1), unit="D").astype(object)
    return names[offset]
