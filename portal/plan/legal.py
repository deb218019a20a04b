"""What the legal pages leave to the operator, and the live facts they state.

The content pack cannot know an operator's telephone number or supervisory authority. It says so with a
visible placeholder, "[vom Betreiber zu ergänzen …]" (or "[… zu bestätigen]" for an address that does not
come from the plan): a launch must not hide that something is missing. The placeholders are shown to the
public as a styled notice and listed for the operator by ``manage.py check --deploy`` (plan.W010).
"""

from __future__ import annotations

import re

from django.db import DatabaseError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

PLACEHOLDER = re.compile(
    r"(?:<strong>)?(\[(?:vom Betreiber zu (?:ergänzen|bestätigen)|to be (?:completed|confirmed) by the operator)[^\]<]*\])(?:</strong>)?"
)
SYNTHETIC_TOKEN = "{ABBILDUNGEN_MIT_BEISPIELDATEN}"


def mark_placeholders(html: str) -> str:
    """Each placeholder as a notice that stands out (class ``operator-todo``), not as bold body text."""
    return mark_safe(
        PLACEHOLDER.sub(lambda m: f'<span class="operator-todo">{m.group(1)}</span>', str(html))
    )


def unfilled_placeholders() -> list[tuple[str, str, list[str]]]:
    """(title, url, placeholders) for every live legal page that still has one, in every language."""
    from .models import LegalPage

    try:
        pages = list(LegalPage.objects.live().select_related("locale").order_by("locale__language_code", "path"))
    except DatabaseError:  # no database yet (a check before migrate)
        return []
    found = []
    for page in pages:
        todos = PLACEHOLDER.findall(page.body or "")
        if todos:
            found.append((f"{page.title} ({page.locale.language_code})", page.url or page.url_path, todos))
    return found


def synthetic_figures_sentence(language: str) -> str:
    """The sentence that replaces {ABBILDUNGEN_MIT_BEISPIELDATEN}: which published figures rest on demo data now."""
    from portal.figures.published import PublishedFigures

    figures = PublishedFigures()
    cycle = figures.current_cycle
    regeneration = figures.by_cycle.get(cycle.pk) if cycle else None
    if regeneration is None:
        return escape(_("Derzeit sind keine Abbildungen veröffentlicht."))
    if not regeneration.dataset_version.synthetic:
        return escape(_("Derzeit beruht keine Abbildung auf Beispieldaten: Alle Abbildungen zeigen die Planungsdaten der Stadt."))
    titles = [snapshot.in_language(language).title for snapshot in regeneration.snapshots.order_by("key").defer("data_csv")]
    return escape(
        _(
            "Derzeit beruhen alle {count} Abbildungen des Zyklus {cycle} auf synthetischen Beispieldaten, nicht auf "
            "den Planungsdaten der Stadt: {titles}."
        ).format(count=len(titles), cycle=cycle.name, titles="; ".join(titles))
    )
