"""The arrows run one way: no Django in the engine or the plugins, no plugin imports another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("portal/engine/**/*.py"), *ROOT.glob("plugins/**/*.py")])


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_engine_and_plugins_stay_free_of_django_and_of_each_other(path):
    modules = imported_modules(path)
    assert not {m for m in modules if m == "django" or m.startswith(("django.", "wagtail"))}
    parts = path.relative_to(ROOT).parts
    if parts[0] == "plugins" and len(parts) > 2:
        own = f"plugins.{parts[1]}"
        others = {m for m in modules if m.startswith("plugins.") and not (m == own or m.startswith(own + "."))}
        assert not others, f"{path.name} imports {others}"
