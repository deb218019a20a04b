"""How each infrastructure figure is computed (``mep_figure_recipes``): the contract's device ratio in words."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

PUPIL_DEVICES = {
    "schools": ("school_id", "school_type", "pupils"),
    "catalog": ("product_group", "pupil_device"),
    "inventory": ("school_id", "product_group", "quantity"),
}
TARGETS = ("targets.device_ratio_pct",)

RECIPES = (
    FigureRecipe(
        "infrastructure.device_ratio",
        N_(
            "Für jede Schulform: Schüler-Endgeräte (die Inventarmengen aller Produktgruppen, die im Katalog als "
            "Schülergerät markiert sind) je 100 Schülerinnen und Schüler, über die Summen der Schulform. Die "
            "Zielquote steht in plan.toml. Fehlende Geräte = Zielquote mal Schülerzahl geteilt durch 100, "
            "aufgerundet, minus vorhandene Geräte, mindestens 0. Hat eine Schulform keine Schülerinnen und "
            "Schüler, bleibt ihre Quote leer und es fehlt nichts."
        ),
        PUPIL_DEVICES,
        TARGETS,
    ),
    FigureRecipe(
        "infrastructure.overall_ratio",
        N_(
            "Alle Schüler-Endgeräte (Inventarmengen der als Schülergerät markierten Produktgruppen) je 100 "
            "Schülerinnen und Schüler, über alle Schulen zusammen, auf eine Nachkommastelle gerundet."
        ),
        PUPIL_DEVICES,
        (),
    ),
    FigureRecipe(
        "infrastructure.school_ratios",
        N_(
            "Für jede Schule: ihre Schüler-Endgeräte je 100 Schülerinnen und Schüler und die Zielquote ihrer "
            "Schulform. Geräte über/unter Ziel = vorhandene Geräte minus (Zielquote mal Schülerzahl geteilt durch "
            "100, aufgerundet)."
        ),
        {**PUPIL_DEVICES, "schools": ("school_id", "name", "school_type", "pupils")},
        TARGETS,
    ),
    FigureRecipe(
        "infrastructure.redistribution",
        N_(
            "Schulen über ihrem Ziel geben nur ihren Überschuss ab (nie unter das eigene Ziel), Schulen unter ihrem "
            "Ziel erhalten Geräte: Der größte Überschuss füllt zuerst die größte Lücke, bis Überschuss oder Lücke "
            "aufgebraucht ist. Ziel einer Schule = Zielquote ihrer Schulform mal Schülerzahl geteilt durch 100, "
            "aufgerundet."
        ),
        {**PUPIL_DEVICES, "schools": ("school_id", "name", "school_type", "pupils")},
        TARGETS,
    ),
    FigureRecipe(
        "infrastructure.equipment",
        N_(
            "Für jede Produktgruppe des Katalogs, nach Kategorie geordnet: die Summe ihrer Inventarmengen, die Zahl "
            "der Schulen mit Bestand und der Wert = Anzahl mal Stückpreis (der Preis der Inventarzeile, sonst der "
            "des Katalogs), ohne Preissteigerung."
        ),
        {
            "catalog": ("product_group", "label", "category", "unit_cost_eur"),
            "inventory": ("school_id", "product_group", "quantity", "unit_cost_eur"),
        },
        (),
    ),
)
