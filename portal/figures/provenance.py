"""A published figure's provenance ("Wie entsteht diese Zahl?"): stored, compared and told in words.

The engine gives every figure its rule, its input tables (sha256, rows), the
plan.toml settings it used and the versions (``figure.provenance``); a
snapshot stores that as it is. Publishing adds what changed since the
regeneration published before (:func:`record_changes`), as numbers, so the
words come out in every reader's language. :func:`provenance_record` is what
the API and the JSON download carry, :func:`reader_provenance` what a page shows.
A snapshot stored before provenance existed shows what is known: the data set
version, the regeneration, the fingerprint and the versions.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.engine.i18n import SOURCE_LANGUAGE, engine_translator, normalize_language

from .blocks import format_cell
from .compare import identifying_columns, numeric_columns
from .models import FigureSnapshot, Regeneration

#: at most this many key numbers are named in "what changed"
KEY_NUMBERS = 4


# --- what changed ------------------------------------------------------------


def changes_between(new: FigureSnapshot, old: FigureSnapshot) -> dict[str, Any]:
    """What changed in figure ``new`` since ``old``: rows, key numbers, input tables and settings, as plain data."""
    ident = [c for c in identifying_columns(new) if c in old.columns]
    numbers = [c for c in numeric_columns(new) if c in numeric_columns(old)]
    before = {_key(row, ident): row for row in old.data}
    after = {_key(row, ident): row for row in new.data}
    keyed = len(before) == len(old.data) and len(after) == len(new.data)
    if len(old.data) == 1 and len(new.data) == 1:  # a key figure: one row, even if its years moved on
        before, after, keyed = {(): old.data[0]}, {(): new.data[0]}, True
    if keyed:
        shared = before.keys() & after.keys()
        rows_changed = sum(1 for key in shared if before[key] != after[key])
        rows_added, rows_removed = len(after.keys() - shared), len(before.keys() - shared)
    else:  # rows without a key of their own: count the rows one side has more often
        old_rows = [_frozen(row) for row in old.data]
        new_rows = [_frozen(row) for row in new.data]
        rows_changed = 0
        rows_added = sum(max(0, new_rows.count(r) - old_rows.count(r)) for r in set(new_rows))
        rows_removed = sum(max(0, old_rows.count(r) - new_rows.count(r)) for r in set(old_rows))
    key_numbers = []
    for column in numbers:
        if len(old.data) == 1 and len(new.data) == 1:
            a, b = old.data[0].get(column), new.data[0].get(column)
        elif column.endswith("_eur") or _counts(new, column):
            a, b = _total(old.data, column), _total(new.data, column)
        else:
            continue  # a rate summed over rows means nothing
        if a != b:
            key_numbers.append({"column": column, "before": a, "after": b, "total": len(new.data) != 1})
    old_tables = {t["table"]: t for t in old.provenance.get("tables", ())}
    tables_changed = [
        t["file"]
        for t in new.provenance.get("tables", ())
        if t["table"] in old_tables and (old_tables[t["table"]]["sha256"], old_tables[t["table"]]["rows"]) != (t["sha256"], t["rows"])
    ]
    old_settings = {s["key"]: s["value"] for s in old.provenance.get("settings", ())}
    settings_changed = [
        {"key": s["key"], "before": old_settings[s["key"]], "after": s["value"]}
        for s in new.provenance.get("settings", ())
        if s["key"] in old_settings and old_settings[s["key"]] != s["value"]
    ]
    return {
        "previous_regeneration": old.regeneration_id,
        "rows_before": len(old.data),
        "rows_after": len(new.data),
        "rows_changed": rows_changed,
        "rows_added": rows_added,
        "rows_removed": rows_removed,
        "key_numbers": key_numbers[:KEY_NUMBERS],
        "tables_changed": tables_changed,
        "settings_changed": settings_changed,
        "unchanged": new.data == old.data and not tables_changed and not settings_changed,
    }


def _key(row: dict, columns: list[str]) -> tuple:
    return tuple(row.get(column) for column in columns)


def _frozen(row: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in row.items()))


def _counts(snapshot: FigureSnapshot, column: str) -> bool:
    """Whole numbers that add up (devices, tickets), not rates or shares."""
    return not column.endswith(("_pct", "_days", "_year")) and all(
        isinstance(row.get(column), int) for row in snapshot.data if row.get(column) is not None
    )


def _total(rows: list[dict], column: str):
    total = sum(row.get(column) or 0 for row in rows)
    return round(total, 2) if isinstance(total, float) else total


def record_changes(regeneration: Regeneration, previous: Regeneration | None) -> None:
    """Store in each snapshot of ``regeneration`` what changed since ``previous`` (same key); None: nothing to compare."""
    if previous is None or previous.pk == regeneration.pk:
        return
    old = {s.key: s for s in previous.snapshots.defer("data_csv", "svg", "translations")}
    changed = []
    for snapshot in regeneration.snapshots.defer("data_csv", "svg", "translations"):
        if snapshot.key in old:
            snapshot.changes = changes_between(snapshot, old[snapshot.key])
            changed.append(snapshot)
    FigureSnapshot.objects.bulk_update(changed, ["changes"])


# --- in words ----------------------------------------------------------------


def changes_text(snapshot: FigureSnapshot, language: str = SOURCE_LANGUAGE) -> str:
    """What changed since the previous published regeneration, in ``language``'s words; empty when unknown."""
    changes = snapshot.changes
    if not changes:
        return ""
    language = normalize_language(language)
    tr = engine_translator(language)
    labels = snapshot.in_language(language).column_labels
    with translation.override(language):
        number = changes["previous_regeneration"]
        if changes.get("unchanged"):
            return _("Gegenüber der Neuberechnung %(number)s unverändert.") % {"number": number}
        parts = [
            ngettext("%(count)s Zeile geändert", "%(count)s Zeilen geändert", changes["rows_changed"])
            % {"count": tr.number(changes["rows_changed"])},
            ngettext("%(count)s neu", "%(count)s neu", changes["rows_added"]) % {"count": tr.number(changes["rows_added"])},
            ngettext("%(count)s entfallen", "%(count)s entfallen", changes["rows_removed"])
            % {"count": tr.number(changes["rows_removed"])},
        ]
        sentences = [
            _("Gegenüber der Neuberechnung %(number)s: %(rows)s.") % {"number": number, "rows": tr.join(parts)}
        ]
        for item in changes.get("key_numbers", ()):
            label = labels.get(item["column"], item["column"])
            template = (
                _("%(label)s (Summe) jetzt %(after)s statt %(before)s.")
                if item.get("total")
                else _("%(label)s jetzt %(after)s statt %(before)s.")
            )
            sentences.append(
                template
                % {
                    "label": label,
                    "after": format_cell(item["column"], item["after"], tr),
                    "before": format_cell(item["column"], item["before"], tr),
                }
            )
        if changes.get("tables_changed"):
            sentences.append(_("Geänderte Eingabetabellen: %(files)s.") % {"files": tr.join(changes["tables_changed"])})
        for setting in changes.get("settings_changed", ()):
            sentences.append(
                _("Einstellung %(key)s jetzt %(after)s statt %(before)s.")
                % {"key": setting["key"], "after": _value(setting["after"], tr), "before": _value(setting["before"], tr)}
            )
        return " ".join(sentences)


def _value(value, tr) -> str:
    """A plan.toml value as a reader reads it: numbers in the language's format, a table as ``key = value`` pairs."""
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_value(v, tr)}" for k, v in value.items())
    if isinstance(value, list):
        return "–".join(_value(v, tr) for v in value) if all(isinstance(v, int) for v in value) else ", ".join(
            _value(v, tr) for v in value
        )
    if value is None:
        return "–"
    if isinstance(value, bool):
        return tr.yes_no(value)
    if isinstance(value, int):
        return str(value) if 1000 <= value <= 9999 else tr.number(value)  # years without a separator
    if isinstance(value, float):
        return tr.number(value, next(d for d in (0, 1, 2) if round(value, d) == value or d == 2))
    return str(value)


def rule_text(snapshot: FigureSnapshot, language: str = SOURCE_LANGUAGE) -> str:
    """The rule in ``language`` where the regeneration rendered it, else German; empty for an older snapshot."""
    language = normalize_language(language)
    if language != SOURCE_LANGUAGE:
        translated = (snapshot.translations.get(language) or {}).get("rule")
        if translated:
            return translated
    return snapshot.provenance.get("rule", "")


def provenance_record(snapshot: FigureSnapshot) -> dict[str, Any]:
    """The provenance the API and the JSON download carry: German text, English beside it, and the plain data."""
    regeneration = snapshot.regeneration
    version = regeneration.dataset_version
    stored = snapshot.provenance or {}
    return {
        "rule": rule_text(snapshot),
        "rule_en": rule_text(snapshot, "en") if stored else "",
        "dataset_version": version.pk,
        "dataset_uploaded": version.created,
        "dataset_fingerprint": snapshot.dataset_fingerprint,
        "tables": [
            {"table": t["table"], "file": t["file"], "columns": list(t.get("columns", ())), "rows": t["rows"], "sha256": t["sha256"]}
            for t in stored.get("tables", ())
        ],
        "settings": [{"key": s["key"], "value": s["value"]} for s in stored.get("settings", ())],
        "engine_version": snapshot.engine_version,
        "plugin": snapshot.plugin,
        "plugin_version": snapshot.plugin_version,
        "regeneration": regeneration.pk,
        "regeneration_finished": regeneration.finished,
        "changes": (
            {**snapshot.changes, "text": changes_text(snapshot), "text_en": changes_text(snapshot, "en")}
            if snapshot.changes
            else None
        ),
    }


def reader_provenance(snapshot: FigureSnapshot, language: str = SOURCE_LANGUAGE) -> dict[str, Any]:
    """What "Wie entsteht diese Zahl?" shows, written for a reader of ``language``."""
    tr = engine_translator(language)
    stored = snapshot.provenance or {}
    regeneration = snapshot.regeneration
    with translation.override(normalize_language(language)):
        date_format = _("j. F Y")
        return {
            "known": bool(stored),
            "rule": rule_text(snapshot, language),
            "version": regeneration.dataset_version.pk,
            "uploaded": formats.date_format(regeneration.dataset_version.created, date_format),
            "uploaded_iso": regeneration.dataset_version.created.date().isoformat(),
            "fingerprint": snapshot.dataset_fingerprint,
            "tables": [
                {
                    "file": t["file"],
                    "rows": "–" if t["rows"] is None else tr.number(t["rows"]),
                    "absent": t["rows"] is None,
                    "columns": ", ".join(t.get("columns", ())),
                    "sha256": t["sha256"],
                }
                for t in stored.get("tables", ())
            ],
            "settings": [{"key": s["key"], "value": _value(s["value"], tr)} for s in stored.get("settings", ())],
            "engine_version": snapshot.engine_version,
            "plugin": snapshot.plugin,
            "plugin_version": snapshot.plugin_version,
            "regeneration": regeneration.pk,
            "finished": formats.date_format(regeneration.finished, date_format) if regeneration.finished else "",
            "changes": changes_text(snapshot, language),
        }
