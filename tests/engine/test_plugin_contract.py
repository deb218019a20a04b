"""Every installed ``mep`` plugin keeps the plugin contract, checked on the demo data.

One test per rule, parametrised over the ``mep`` entry points, so a seventh
plugin is checked the moment it is installed: its catalogue is what it
computes, every figure has a German summary, every chart an SVG with
``<title>`` and ``<desc>``, it has a version, and it imports neither Django nor
another plugin (neither at run time nor in its source, relative imports
included). The plugins of this repository also document every figure and
column in their README.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from portal.engine.dataset import load_dataset
from portal.engine.plugins import ENTRY_POINT_GROUP, get_plugin_manager

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = sorted(
    {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}.values(), key=lambda ep: ep.name
)
NAMES = [ep.name for ep in ENTRY_POINTS]
OWN_PLUGINS = sorted(path.parent.name for path in ROOT.glob("plugins/*/__init__.py"))
SVG = "{http://www.w3.org/2000/svg}"
#: words a German sentence of these summaries almost always has, and English ones it never should
GERMAN_WORDS = {"der", "die", "das", "den", "dem", "des", "und", "von", "mit", "im", "in", "auf", "für", "ist", "sind",
                "wurden", "werden", "keine", "kein", "keiner", "alle", "zum", "über", "ein", "eine", "liegen", "hat"}
ENGLISH_WORDS = {"the", "and", "of", "with", "is", "are", "per", "were", "none"}


def _call(pm, hook: str, name: str, **kwargs):
    """One plugin's own implementation of ``hook``, called directly: what the plugin returns, before the engine
    adds anything (such as a missing ``<title>``)."""
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if impl.plugin_name == name:
            return impl.function(*(kwargs[arg] for arg in impl.argnames))
    return []


@pytest.fixture(scope="session")
def demo_pm():
    return get_plugin_manager()


@pytest.fixture(scope="session")
def demo(demo_data, demo_pm):
    """Per plugin: (catalogue, computed figures) on the demo data, computed once for the session."""
    dataset = load_dataset(demo_data, pm=demo_pm)
    return {
        name: (list(_call(demo_pm, "mep_figure_catalog", name)), list(_call(demo_pm, "mep_figures", name, dataset=dataset)))
        for name in NAMES
    }


def test_the_six_fields_are_installed_entry_points():
    assert set(OWN_PLUGINS) <= set(NAMES)
    assert set(OWN_PLUGINS) == {"infrastructure", "support", "finance", "controlling", "ki", "datastrategy"}


@pytest.mark.parametrize("name", NAMES)
def test_catalogue_is_exactly_what_the_plugin_computes(demo, name):
    catalog, figures = demo[name]
    assert figures, f"{name} berechnet auf den Beispieldaten keine Abbildung"
    assert [(info.key, info.kind) for info in catalog] == [(figure.key, figure.kind) for figure in figures]
    assert all(info.key.startswith(f"{name}.") for info in catalog)
    for info, figure in zip(catalog, figures, strict=True):
        # a computed title may name the horizon after the catalogue's title, nothing else
        assert figure.title.startswith(info.title), (figure.title, info.title)
        assert dict(figure.columns) == dict(info.columns), figure.key


@pytest.mark.parametrize("name", NAMES)
def test_a_declared_headline_is_a_numeric_column_of_the_figure(demo, name):
    catalog, figures = demo[name]
    for info, figure in zip(catalog, figures, strict=True):
        if info.headline is None:
            assert name not in OWN_PLUGINS, f"{info.key}: die eigenen Plugins nennen ihre Hauptspalte"
            continue
        assert info.headline in info.columns, (info.key, info.headline)
        assert pd.api.types.is_numeric_dtype(figure.data[info.headline]), (info.key, info.headline)


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_a_german_summary(demo, name):
    _catalog, figures = demo[name]
    for figure in figures:
        words = set(re.findall(r"[a-zäöüß]+", figure.summary.lower()))
        assert figure.summary.strip().endswith("."), figure.key
        assert words & GERMAN_WORDS, (figure.key, figure.summary)
        assert not words & ENGLISH_WORDS, (figure.key, figure.summary)


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_is_an_svg_with_title_and_description(demo, name):
    _catalog, figures = demo[name]
    for figure in figures:
        if figure.kind != "chart":
            continue
        root = ET.fromstring(figure.svg.encode())
        assert root.tag == f"{SVG}svg", figure.key
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and title.text.startswith(figure.title), figure.key
        assert desc is not None and desc.text == figure.summary, figure.key
        assert root.get("role") == "img"


@pytest.mark.parametrize("name", NAMES)
def test_every_plugin_has_a_version_the_portal_records(demo_pm, name):
    module = importlib.import_module(next(ep.module for ep in ENTRY_POINTS if ep.name == name))
    assert isinstance(getattr(module, "__version__", None), str) and module.__version__
    assert demo_pm.versions[name]


@pytest.mark.parametrize("name", OWN_PLUGINS)
def test_readme_names_every_figure_and_column(demo, name):
    readme = ROOT / "plugins" / name / "README.md"
    assert readme.is_file(), f"plugins/{name}/README.md fehlt"
    text = readme.read_text(encoding="utf-8")
    # names in code spans: `key`, `year, investment_eur, total_eur`
    in_code = set(re.findall(r"[\w.]+", " ".join(re.findall(r"`([^`]*)`", text))))
    catalog, figures = demo[name]
    for info, figure in zip(catalog, figures, strict=True):
        assert info.key in in_code, info.key
        assert info.title in text, info.title
        missing = [column for column in figure.data.columns if column not in in_code]
        assert not missing, (info.key, missing)


# --- imports ---------------------------------------------------------------


def _forbidden(modules: set[str], name: str) -> set[str]:
    """Django, Wagtail and every other plugin's module among ``modules``."""
    others = [ep.module for ep in ENTRY_POINTS if ep.name != name]
    own = next(ep.module for ep in ENTRY_POINTS if ep.name == name)
    return {
        module
        for module in modules
        if module.split(".")[0] in {"django", "wagtail"}
        or any(
            (module == other or module.startswith(other + ".")) and not (module == own or module.startswith(own + "."))
            for other in others
        )
    }


@pytest.mark.parametrize("name", NAMES)
def test_loading_a_plugin_imports_neither_django_nor_another_plugin(name):
    # a fresh interpreter: this test process has long since imported Django and every plugin
    script = (
        "import importlib.metadata, json, sys\n"
        f"(ep,) = [ep for ep in importlib.metadata.entry_points(group={ENTRY_POINT_GROUP!r}) if ep.name == {name!r}][:1]\n"
        "ep.load()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    modules = set(json.loads(done.stdout))
    assert next(ep.module for ep in ENTRY_POINTS if ep.name == name) in modules
    assert not _forbidden(modules, name)


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module ``path`` (the module named ``module``) imports, relative imports resolved to absolute names."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def source_files(module: str) -> list[tuple[Path, str]]:
    """Every Python file of an installed module or package, with its module name."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, module
    if not spec.submodule_search_locations:
        return [(Path(spec.origin), module)]
    folder = Path(spec.origin).parent
    return [
        (path, ".".join([module, *path.relative_to(folder).with_suffix("").parts]).removesuffix(".__init__"))
        for path in sorted(folder.rglob("*.py"))
    ]


@pytest.mark.parametrize("name", NAMES)
def test_no_source_file_of_a_plugin_imports_django_or_another_plugin(name):
    module = next(ep.module for ep in ENTRY_POINTS if ep.name == name)
    for path, dotted in source_files(module):
        assert not _forbidden(imported_modules(path, dotted), name), path


def test_the_source_check_sees_relative_and_absolute_imports_of_another_plugin(tmp_path):
    path = tmp_path / "compute.py"
    path.write_text(
        "from .. import ki\nfrom ..support import compute\nfrom . import helpers\nimport django.db\n", encoding="utf-8"
    )
    found = imported_modules(path, "plugins.finance.compute")
    assert {"plugins.ki", "plugins.support.compute", "plugins.finance.helpers", "django.db"} <= found
    assert _forbidden(found, "finance") >= {"plugins.ki", "plugins.support.compute", "django.db"}
    assert not _forbidden({"plugins.finance.helpers", "plugins", "portal.engine.figures"}, "finance")
