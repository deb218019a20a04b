"""Before publishing: a regeneration's figures beside the published ones, their key numbers and what changed.

A planner confirms what the preview shows; nothing here writes. Key numbers
are the one-row figures (``finance.total``: the need over the horizon), each
number written as "78,9 Mio. € → 80,1 Mio. € (+1,5 %)"; every other figure
says how many rows changed (:func:`portal.figures.provenance.changes_between`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.engine.i18n import SOURCE_LANGUAGE, engine_translator

from .blocks import format_cell
from .compare import numeric_columns, relative_change
from .models import FigureSnapshot, Regeneration
from .provenance import changes_between, changes_text
from .svg import inline_svg


@dataclass
class KeyNumber:
    """One number of a key figure, published and regenerated."""

    label: str  # "Finanzbedarf im Planungshorizont – Gesamt (€) 2025–2034"
    before: str  # "78,9 Mio. €", or "–" when nothing is published
    after: str
    change: str  # "+1,5 %", "±0,0 %" or "–"
    changed: bool

    def __str__(self) -> str:
        if self.before == "–":
            return f"{self.label}: {self.after}"
        return f"{self.label}: {self.before} → {self.after} ({self.change})"


@dataclass
class FigurePreview:
    key: str
    title: str
    new: FigureSnapshot | None
    old: FigureSnapshot | None
    changes: str  # in words, empty when new or removed
    changed: bool
    new_svg: str = ""
    old_svg: str = ""


@dataclass
class Preview:
    regeneration: Regeneration
    published: Regeneration | None
    key_numbers: list[KeyNumber] = field(default_factory=list)
    figures: list[FigurePreview] = field(default_factory=list)

    @property
    def changed_figures(self) -> list[FigurePreview]:
        return [figure for figure in self.figures if figure.changed]


def _period(row: dict) -> str:
    first, last = row.get("first_year"), row.get("last_year")
    return f"{first}–{last}" if first and last else ""


def _money(column: str, value, tr) -> str:
    if value is None:
        return "–"
    if column.endswith("_eur"):
        return tr.amount(value)
    return format_cell(column, value, tr)


def key_numbers(new: FigureSnapshot, old: FigureSnapshot | None, tr) -> list[KeyNumber]:
    """Every number of a one-row figure, before and after; a period that moved is named on both sides."""
    row = new.data[0]
    before_row = old.data[0] if old is not None and len(old.data) == 1 else None
    labels = dict(new.named_headers)
    numbers = []
    for column in numeric_columns(new):
        after = row.get(column)
        before = before_row.get(column) if before_row is not None else None
        period, old_period = _period(row), _period(before_row) if before_row else ""
        label = f"{new.title} – {labels.get(column, column)}"
        if period and old_period and period != old_period:
            before_text = f"{_money(column, before, tr)} ({old_period})"
            after_text = f"{_money(column, after, tr)} ({period})"
        else:
            label = f"{label} {period}".rstrip()
            before_text, after_text = _money(column, before, tr), _money(column, after, tr)
        numbers.append(
            KeyNumber(
                label=label,
                before=before_text if before_row is not None else "–",
                after=after_text,
                change=relative_change(before, after, tr),
                changed=before_row is None or before != after,
            )
        )
    return numbers


def build_preview(regeneration: Regeneration) -> Preview:
    """What publishing ``regeneration`` would change in its cycle's published figures."""
    tr = engine_translator(SOURCE_LANGUAGE)
    published = regeneration.cycle.published_regeneration()
    if published is not None and published.pk == regeneration.pk:
        published = None
    preview = Preview(regeneration=regeneration, published=published)
    new = {s.key: s for s in regeneration.snapshots.order_by("key")}
    old = {s.key: s for s in published.snapshots.order_by("key")} if published else {}
    for key, snapshot in new.items():
        if snapshot.kind == "key_figure" and len(snapshot.data) == 1:
            preview.key_numbers += key_numbers(snapshot, old.get(key), tr)
    for key in sorted(new.keys() | old.keys(), key=lambda k: (new.get(k) or old[k]).title.lower()):
        after, before = new.get(key), old.get(key)
        if after is not None and before is not None:
            measured = copy.copy(after)
            measured.changes = changes_between(after, before)
            words, changed = changes_text(measured), not measured.changes["unchanged"]
        elif after is not None:
            words, changed = (_("Neu: bisher nicht veröffentlicht.") if published else ""), published is not None
        else:
            words, changed = _("Entfällt: diese Abbildung ist in der Neuberechnung nicht mehr enthalten."), True
        preview.figures.append(
            FigurePreview(
                key=key,
                title=(after or before).title,
                new=after,
                old=before,
                changes=words,
                changed=changed,
                new_svg=inline_svg(after.svg, f"neu-{key.replace('.', '-')}") if after is not None and after.svg else "",
                old_svg=inline_svg(before.svg, f"alt-{key.replace('.', '-')}") if before is not None and before.svg else "",
            )
        )
    return preview
