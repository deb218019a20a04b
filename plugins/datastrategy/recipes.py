"""How each data strategy figure is computed (``mep_figure_recipes``)."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

RECIPES = (
    FigureRecipe(
        "datastrategy.principle_coverage",
        N_(
            "Für jedes der sechs Grundprinzipien der Datenstrategie: die Einträge im Verzeichnis der "
            "Verarbeitungstätigkeiten, die ihm zugeordnet sind, und die Zahl verschiedener Systeme darunter."
        ),
        {"processing_register": ("principle", "system")},
    ),
    FigureRecipe(
        "datastrategy.past_retention",
        N_(
            "Die Aufbewahrungsfrist eines Eintrags endet die eingetragene Zahl von Kalendermonaten nach dem Tag der "
            "Erhebung (am gleichen Tag des Monats oder, wenn der Monat kürzer ist, an seinem letzten Tag). "
            "Aufgeführt sind die Einträge, deren Frist vor dem Stichtag endete: dem Stichtag aus plan.toml, sonst "
            "dem Stand des Inventars."
        ),
        {
            "processing_register": (
                "data_category", "purpose", "system", "principle", "recorded_on", "retention_months",
            ),
        },
        ("datastrategy.reference_date", "cycle.baseline"),
    ),
)
