"""How each finance figure is computed (``mep_figure_recipes``): the contract's formulas in words."""

from __future__ import annotations

from portal.engine.i18n import N_
from portal.engine.provenance import FigureRecipe

REPLACEMENT_COLUMNS = ("school_id", "product_group", "quantity", "acquired_year", "unit_cost_eur", "useful_life_years")
CATALOG_COLUMNS = ("product_group", "useful_life_years", "unit_cost_eur")
RECURRING_COLUMNS = ("product_group", "annual_cost_eur", "from_year", "to_year", "annual_increase_pct")
PRICE_SETTINGS = ("cycle.horizon", "cycle.price_base_year", "cycle.price_increase_pct")

RECIPES = (
    FigureRecipe(
        "finance.forecast",
        N_(
            "Für jedes Jahr des Planungshorizonts: Investitionen plus laufende Kosten. Investitionen: Jeder Bestand "
            "im Inventar wird nach Ablauf seiner Nutzungsdauer ersetzt, im Anschaffungsjahr plus ein Vielfaches der "
            "Nutzungsdauer, sofern dieses Jahr im Horizont liegt; Nutzungsdauer und Stückpreis aus dem "
            "Produktkatalog, sofern die Inventarzeile keine eigenen angibt. Eine Ersetzung kostet Anzahl mal "
            "Stückpreis mal (1 + jährliche Preissteigerung) hoch (Jahr minus Preisbasisjahr). Laufende Kosten: "
            "Jeder Posten kostet in jedem Jahr zwischen seinem ersten und letzten Jahr seinen Jahresbetrag mal "
            "(1 + eigene Steigerung) hoch (Jahr minus erstes Jahr). Beträge auf Cent gerundet."
        ),
        {"inventory": REPLACEMENT_COLUMNS, "catalog": CATALOG_COLUMNS, "recurring": RECURRING_COLUMNS},
        PRICE_SETTINGS,
    ),
    FigureRecipe(
        "finance.product_groups",
        N_(
            "Für jede Produktgruppe: ihre Investitionen (Ersetzungen nach Ablauf der Nutzungsdauer, Anzahl mal "
            "Stückpreis mal (1 + Preissteigerung) hoch (Jahr minus Preisbasisjahr)) plus die laufenden Kosten, die "
            "ihr zugeordnet sind, über den ganzen Planungshorizont. Laufende Kosten ohne Produktgruppe (etwa "
            "Personal) zählen hier nicht. Der Anteil ist diese Summe geteilt durch die Summe aller Produktgruppen, "
            "in Prozent, auf zwei Nachkommastellen gerundet."
        ),
        {
            "inventory": REPLACEMENT_COLUMNS,
            "catalog": ("product_group", "label", "useful_life_years", "unit_cost_eur"),
            "recurring": RECURRING_COLUMNS,
        },
        PRICE_SETTINGS,
    ),
    FigureRecipe(
        "finance.total",
        N_(
            "Die Summe der jährlichen Prognose über alle Jahre des Planungshorizonts, getrennt nach Investitionen "
            "(Ersetzungen nach Ablauf der Nutzungsdauer zu Preisen mit jährlicher Preissteigerung) und laufenden "
            "Kosten; der Jahresdurchschnitt ist die Summe geteilt durch die Zahl der Jahre."
        ),
        {"inventory": REPLACEMENT_COLUMNS, "catalog": CATALOG_COLUMNS, "recurring": RECURRING_COLUMNS},
        PRICE_SETTINGS,
    ),
    FigureRecipe(
        "finance.peak_years",
        N_(
            "Die drei Jahre mit den höchsten Investitionen (Ersetzungen nach Ablauf der Nutzungsdauer zu Preisen "
            "mit jährlicher Preissteigerung). Je Jahr werden die Produktgruppen mit den größten Investitionen "
            "genannt, bis sie zusammen 80 Prozent der Investitionen des Jahres erklären."
        ),
        {"inventory": REPLACEMENT_COLUMNS, "catalog": ("product_group", "label", "useful_life_years", "unit_cost_eur")},
        PRICE_SETTINGS,
    ),
    FigureRecipe(
        "finance.price_scenarios",
        N_(
            "Der jährliche Finanzbedarf (Investitionen plus laufende Kosten, wie in der Prognose) dreimal "
            "berechnet: mit der eingestellten jährlichen Preissteigerung, ganz ohne Preissteigerung und mit zwei "
            "Prozentpunkten mehr. Nur die Preise der Ersetzungen ändern sich; die laufenden Kosten bleiben gleich."
        ),
        {"inventory": REPLACEMENT_COLUMNS, "catalog": CATALOG_COLUMNS, "recurring": RECURRING_COLUMNS},
        PRICE_SETTINGS,
    ),
)
