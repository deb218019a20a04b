"""How each controlling figure is computed (``mep_figure_recipes``)."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

RECIPES = (
    FigureRecipe(
        "controlling.review_coverage",
        N_(
            "Für jedes Jahr der Tabelle der Jahresbilanzgespräche und jede Schulform: die Schulen, deren Gespräch "
            "in diesem Jahr geführt wurde (ein Tag des Gesprächs ist eingetragen), je 100 Schulen der Schulform."
        ),
        {"annual_reviews": ("school_id", "year", "held_on"), "schools": ("school_id", "school_type")},
    ),
    FigureRecipe(
        "controlling.media_concepts",
        N_(
            "Im jüngsten Jahr der Tabelle der Jahresbilanzgespräche, je Schulform: die Schulen, deren Medienkonzept "
            "vorliegt, und die übrigen; eine Schule ohne Zeile in diesem Jahr zählt als fehlend. Der Anteil ist je "
            "100 Schulen der Schulform berechnet."
        ),
        {
            "annual_reviews": ("school_id", "year", "media_concept_submitted"),
            "schools": ("school_id", "school_type"),
        },
    ),
    FigureRecipe(
        "controlling.licence_utilisation",
        N_(
            "Für jede Lizenz: aktive Nutzende je 100 erworbene Lizenzplätze. Unter 50 Prozent gilt eine Lizenz als "
            "wenig genutzt, über 100 Prozent als überbucht."
        ),
        {"licences": ("licence", "seats", "active_users")},
    ),
)
