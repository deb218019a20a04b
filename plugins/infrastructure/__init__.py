"""IT-Infrastruktur und technische Ausstattung (MEP 5.1): device ratios, redistribution, equipment."""

from __future__ import annotations

from portal.engine.hookspecs import hookimpl

from . import compute, recipes

__version__ = "0.1.0"


@hookimpl
def mep_figure_catalog():
    return list(compute.CATALOG)


@hookimpl
def mep_figures(dataset, language="de"):
    return compute.figures(dataset, language)


@hookimpl
def mep_figure_recipes(language="de"):
    tr = compute.MESSAGES.translator(language)
    return [recipe.translated(tr) for recipe in recipes.RECIPES]
