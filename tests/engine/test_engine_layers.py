"""The engine's modules form layers: no import cycle, not even a lazy or type-only one (issue 9, point 3)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import portal.engine

ENGINE = Path(portal.engine.__file__).parent
PACKAGE = "portal.engine"


def engine_modules() -> list[str]:
    return sorted(path.stem for path in ENGINE.glob("*.py") if path.stem != "__init__")


def engine_imports(module: str, top_level_only: bool = False) -> set[str]:
    """The engine modules ``module`` imports anywhere (in functions and ``if TYPE_CHECKING:`` too)."""
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: only ``from . import x`` / ``from .x import y`` stay in the engine
                base = f"{PACKAGE}.{base}".rstrip(".") if node.level == 1 else ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith(f"{PACKAGE}."):
                found.add(name.removeprefix(f"{PACKAGE}.").split(".")[0])
    return found & set(engine_modules()) - {module}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target] if target in path else [node, target]
            if target not in state and (cycle := visit(target, [*path, target])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_engine_has_no_import_cycle():
    graph = {module: engine_imports(module) for module in engine_modules()}
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph))


def test_the_spec_types_depend_on_no_other_engine_module():
    assert engine_imports("specs") == set()
    assert engine_imports("hookspecs") <= {"specs", "figures"}


def test_plugins_and_dataset_do_not_import_each_other_at_module_level():
    assert "dataset" not in engine_imports("plugins", top_level_only=True)
    assert "plugins" not in engine_imports("dataset", top_level_only=True)


def test_every_engine_module_imports_first_in_a_fresh_interpreter():
    """Each module imported first (the engine's modules unloaded between), then every other one."""
    script = textwrap.dedent(
        f"""
        import importlib, sys
        modules = {engine_modules()!r}
        for first in modules:
            for name in [n for n in sys.modules if n == "portal.engine" or n.startswith("portal.engine.")]:
                del sys.modules[name]
            for module in [first, *(m for m in modules if m != first)]:
                importlib.import_module("portal.engine." + module)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ENGINE.parent.parent)
    assert done.returncode == 0, done.stderr
