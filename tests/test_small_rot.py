"""What the review of issue 9 found dead or confusing stays gone: no unused names, no needless guards."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module, name",
    [
        ("portal.figures.services", "ImportRefused"),
        ("portal.plan.models", "chapter_sort_key"),
    ],
)
def test_dead_names_are_gone(module, name):
    assert not hasattr(importlib.import_module(module), name)


def test_a_snapshot_has_one_plugin_attribute():
    from portal.figures.models import FigureSnapshot

    assert not hasattr(FigureSnapshot, "plugin_name")  # ``plugin`` is the stored field


def test_demo_data_always_has_the_field_tables():
    """fields.py is part of the generator, not optional: no find_spec guard that would hide its absence."""
    from content.demodata import generate

    assert "find_spec" not in inspect.getsource(generate)


def _used_names(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} | {
        node.value.id for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }


def test_no_unused_import_marker_on_an_import_that_is_used():
    """``# noqa: F401`` says "imported, never used here"; on a used import it hides nothing and misleads."""
    wrong = []
    for path in [*ROOT.joinpath("portal").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py"), *ROOT.joinpath("content").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        if "noqa: F401" not in source:
            continue
        tree = ast.parse(source)
        lines = source.splitlines()
        used = _used_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or "noqa: F401" not in lines[node.lineno - 1]:
                continue
            names = [(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"]
            if names and all(name in used for name in names):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_both_figures_modules_say_which_is_which():
    import portal.engine.figures
    import portal.figures

    assert "portal.figures" in portal.engine.figures.__doc__
    assert "portal.engine.figures" in portal.figures.__doc__
