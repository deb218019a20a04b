"""Every hook a field-of-action plugin can implement.

One function per hook, no body. A plugin is a module (registered through the
``mep`` entry-point group) whose functions are decorated with ``hookimpl``.
``tests/test_plugin_docs.py`` fails when a hook or one of its arguments is
missing from the plugin documentation in ``docs/plugins.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from portal.engine.figures import Figure, FigureInfo, FigureRecipe
    from portal.engine.specs import DataSet, Problem, TableSpec

hookspec = pluggy.HookspecMarker("mep")
hookimpl = pluggy.HookimplMarker("mep")


@hookspec
def mep_tables() -> list[TableSpec]:
    """Declare the tables this plugin reads and their schema.

    The engine validates every declared table of a data set against its
    columns before any plugin computes; a table that is not ``required`` may be
    absent from the data set.

    :return: the plugin's tables; core tables (``schools``, ``catalog``,
        ``inventory``, ``recurring``) are declared by the engine itself.
    """


@hookspec
def mep_validate(dataset: DataSet) -> list[Problem]:
    """Check rules that span rows or tables, after every table passed its schema.

    :param dataset: the cycle's data set, already read and schema-checked;
        each table's index is the row's line number in its file, and
        ``dataset.file_name(table)`` the name to report it under.
    :return: every problem found, each with file, line and column; an empty
        list when the data set is fine for this plugin.
    """


@hookspec
def mep_figure_catalog() -> list[FigureInfo]:
    """List the figures this plugin can compute, without computing them.

    The portal offers these titles to editors in the figure block, and
    ``mep plugins`` prints them.

    :return: one entry per figure: key, title and kind.
    """


@hookspec
def mep_figures(dataset: DataSet, language: str) -> list[Figure]:
    """Compute this plugin's figures from a valid data set, in the reader's language.

    :param dataset: the cycle's validated data set.
    :param language: the language to write titles, summaries, column headers,
        chart labels and numbers in: ``"de"`` (the source language, the
        default of ``mep compute``) or ``"en"``. A plugin translates through
        :class:`~portal.engine.i18n.Messages` (its own gettext catalogue); one
        that leaves the argument out is called all the same and writes German.
        The data must not depend on it: CSV and JSON are the same in every language.
    :return: one :class:`~portal.engine.figures.Figure` per catalogue entry
        whose tables the data set holds (an optional table that is absent
        yields no figure; a present but empty one yields a figure whose
        summary says so): key, title, kind, a one-sentence summary (also the
        chart's text alternative), the data as a DataFrame and, for a chart,
        its SVG.
    """


@hookspec
def mep_figure_recipes(language: str) -> list[FigureRecipe]:
    """Say how each figure of the catalogue is computed: the rule in words, its inputs and settings.

    The engine attaches this to every computed figure as its provenance
    (``figure.provenance``: the rule, a sha256 and row count of each table
    read, the settings' values, the versions), which ``figures.json`` and the
    portal's "Wie entsteht diese Zahl?" show. ``tests/engine/test_provenance.py``
    checks that every figure of every installed plugin has one.

    :param language: the language to write the rule in, as for ``mep_figures``;
        a plugin translates its German rule (marked with ``N_``) with
        :meth:`~portal.engine.figures.FigureRecipe.translated`.
    :return: one :class:`~portal.engine.figures.FigureRecipe` per catalogue
        entry: its key, the rule (for the contract's fixed figures the spec's
        formula in words), the tables and columns it reads (each declared by
        the engine's core tables or the plugin's ``mep_tables``) and the
        plan.toml keys it uses, dotted (``cycle.price_increase_pct``).
    """
