"""docs/plugins.md documents every hook, every hook argument and every core column."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from portal.engine import hookspecs
from portal.engine.dataset import CORE_TABLES

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")


def hooks():
    marker = "mep_spec"  # set by pluggy's HookspecMarker("mep")
    return [
        (name, function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    ]


def section(heading: str) -> str:
    """The text from ``### heading`` to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", DOCS, re.MULTILINE)
    assert match, f"docs/plugins.md has no section '{heading}'"
    level = len(match.group(1))
    rest = DOCS[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_there_are_hooks_to_document():
    assert {name for name, _ in hooks()} >= {"mep_tables", "mep_validate", "mep_figure_catalog", "mep_figures"}


@pytest.mark.parametrize(("name", "function"), hooks(), ids=[name for name, _ in hooks()])
def test_every_hook_and_argument_is_documented(name, function):
    text = section(name)
    for argument in inspect.signature(function).parameters:
        assert f"`{argument}`" in text, f"argument {argument} of {name} is not documented"


@pytest.mark.parametrize("spec", CORE_TABLES, ids=[spec.name for spec in CORE_TABLES])
def test_every_core_column_is_documented(spec):
    match = re.search(rf"^\*\*{spec.name}\*\*.*?(?=^\*\*|^## )", DOCS, re.MULTILINE | re.DOTALL)
    assert match, f"core table {spec.name} is not documented"
    for column in spec.columns:
        assert f"| `{column.name}` |" in match.group(0), f"{spec.name}.{column.name} is not documented"


def test_every_hook_has_a_docstring_with_its_parameters():
    for name, function in hooks():
        doc = inspect.getdoc(function) or ""
        assert doc, name
        for argument in inspect.signature(function).parameters:
            assert f":param {argument}:" in doc, f"{name}: :param {argument}: missing"
