"""Künstliche Intelligenz im Schulalltag (MEP chapter 6.3): KI pilots and teacher training."""

from __future__ import annotations

from portal.engine.hookspecs import hookimpl

from . import compute, recipes

__version__ = "0.1.0"


@hookimpl
def mep_tables():
    return [compute.PILOTS]


@hookimpl
def mep_validate(dataset):
    return compute.problems(dataset)


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
