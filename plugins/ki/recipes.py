"""How each KI figure is computed (``mep_figure_recipes``)."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

RECIPES = (
    FigureRecipe(
        "ki.pilots_by_status",
        N_(
            "Die Zeilen der Tabelle der KI-Pilotprojekte, gezählt nach dem Status des Projekts und der Schulform "
            "der Schule; ein Projekt an drei Schulen zählt dreimal."
        ),
        {"ki_pilots": ("school_id", "status"), "schools": ("school_id", "school_type")},
    ),
    FigureRecipe(
        "ki.training_reach",
        N_(
            "Für jede Schulform: die geschulten Lehrkräfte aller KI-Pilotprojekte an ihren Pilotschulen (je Schule "
            "höchstens so viele, wie sie Lehrkräfte hat) je 100 Lehrkräfte dieser Pilotschulen."
        ),
        {"ki_pilots": ("school_id", "teachers_trained"), "schools": ("school_id", "school_type", "teachers")},
    ),
)
