"""How each support figure is computed (``mep_figure_recipes``)."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

DEVICES = {
    "catalog": ("product_group", "category"),
    "inventory": ("school_id", "product_group", "quantity"),
}

RECIPES = (
    FigureRecipe(
        "support.tickets_by_topic",
        N_("Die Support-Tickets, gezählt nach Thema und Supportebene (1st, 2nd und 3rd Level)."),
        {"support_tickets": ("topic", "level")},
    ),
    FigureRecipe(
        "support.time_to_close",
        N_(
            "Je Supportebene: alle Tickets, die geschlossenen und die noch offenen, und der Median der Tage von der "
            "Eröffnung bis zum Abschluss über die geschlossenen Tickets."
        ),
        {"support_tickets": ("level", "opened", "closed")},
    ),
    FigureRecipe(
        "support.tickets_per_devices",
        N_(
            "Je Schulform: Support-Tickets je 100 Geräte. Geräte sind die Inventarmengen der Produktgruppen der "
            "Katalogkategorie Hardware (Verkabelung, Lizenzen und Dienstleistungen nicht)."
        ),
        {"support_tickets": ("school_id",), "schools": ("school_id", "school_type"), **DEVICES},
    ),
    FigureRecipe(
        "support.staff_2nd_level",
        N_(
            "Benötigte Stellen = Geräte (Inventarmengen der Katalogkategorie Hardware) geteilt durch die Geräte, die "
            "eine Stelle betreut, auf eine Nachkommastelle; fehlende Stellen = benötigte minus besetzte Stellen "
            "(negativ: mehr besetzt als benötigt). Beide Werte stehen in plan.toml."
        ),
        DEVICES,
        ("support.devices_per_staff_2nd_level", "support.staff_2nd_level_in_post"),
    ),
)
