"""The engine installs without the portal: a fresh virtualenv, ``pip install .``, no extras.

Slow (a real install from the package index or pip's cache), so one virtualenv
serves every test here; it still runs in the normal suite and in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow_install, pytest.mark.xdist_group("install")]  # one virtualenv per run, in one worker

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"infrastructure", "support", "finance", "controlling", "ki", "datastrategy"}
WEB_STACK = ("django", "wagtail", "wagtail_localize", "ninja", "psycopg", "gunicorn", "whitenoise", "axes", "csp")


def clean_env() -> dict[str, str]:
    """The environment without anything that would let the checkout or the shared venv leak in."""
    leaks = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE"}
    return {k: v for k, v in os.environ.items() if k not in leaks}  # bytecode written on first import saves later runs


def pip_install(python: Path, *args: str, cwd: Path) -> None:
    """``pip install`` into another environment with this interpreter's pip (no pip bootstrap needed there)."""
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile", *args]
    result = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def engine_venv(tmp_path_factory):
    """A fresh virtualenv holding only ``pip install -c constraints.txt <repo>``, and a folder to work in."""
    base = tmp_path_factory.mktemp("engine-only")
    source = base / "source"  # a copy: setuptools writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("portal", "plugins", "content"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv.EnvBuilder(with_pip=False).create(base / "venv")
    python = base / "venv" / "bin" / "python"
    pip_install(python, "-c", str(ROOT / "constraints.txt"), str(source), cwd=base)
    work = base / "work"
    work.mkdir()
    return python, work


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=300)


def mep(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python.parent / "mep"), *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=300
    )


def test_engine_only_install_has_no_web_stack(engine_venv):
    python, work = engine_venv
    assert run(python, "-c", "import django", cwd=work).returncode != 0
    found = run(
        python,
        "-c",
        "import importlib.util, sys; print([m for m in sys.argv[1:] if importlib.util.find_spec(m)])",
        *WEB_STACK,
        cwd=work,
    )
    assert found.stdout.strip() == "[]", found.stderr
    where = run(python, "-c", "import portal.engine, plugins.finance, content.demodata; print(portal.engine.__file__)", cwd=work)
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(python.parent.parent)), "the engine must come from the install, not the checkout"


def test_engine_only_install_makes_validates_and_computes_the_demo_data(engine_venv):
    python, work = engine_venv
    made = run(python, "-m", "content.demodata", "demo", cwd=work)
    assert made.returncode == 0, made.stderr
    validated = mep(python, "validate", "demo", cwd=work)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Keine Probleme." in validated.stderr
    computed = mep(python, "compute", "demo", "--out", "out", cwd=work)
    assert computed.returncode == 0, computed.stdout + computed.stderr
    manifest = json.loads((work / "out" / "figures.json").read_text(encoding="utf-8"))
    assert FIELDS <= {entry["plugin"] for entry in manifest["figures"]}
    assert {"finance.forecast", "finance.product_groups", "infrastructure.device_ratio"} <= {
        entry["key"] for entry in manifest["figures"]
    }
    assert (work / "out" / "finance.forecast.svg").is_file()
    assert run(python, "-c", "import sys, portal.engine.cli; sys.exit('django' in sys.modules)", cwd=work).returncode == 0
    # the installed mep script in process and with a worker process that draws the charts: the same bytes,
    # in German and in English (the plugins' translations are installed with them)
    drawn = {}
    for language in ("de", "en"):
        for jobs in ("0", "1"):
            out = f"out-{language}-{jobs}"
            again = mep(python, "compute", "demo", "--out", out, "--language", language, "--jobs", jobs, cwd=work)
            assert again.returncode == 0, again.stdout + again.stderr
            drawn[language, jobs] = {p.name: p.read_bytes() for p in (work / out).iterdir()}
    assert len(drawn["de", "0"]) > 30 and drawn["de", "0"] == drawn["de", "1"]
    assert drawn["en", "0"] == drawn["en", "1"]
    titles = {entry["key"]: entry["title"] for entry in json.loads(drawn["en", "1"]["figures.json"])["figures"]}
    assert titles["finance.forecast"].startswith("Forecast of financial and investment volume")
    assert titles["datastrategy.past_retention"] == "Entries past their retention period"
    assert drawn["en", "1"]["finance.forecast.csv"] == (work / "out" / "finance.forecast.csv").read_bytes()
    assert "€ million".encode() in drawn["en", "1"]["finance.forecast.svg"]  # the worker's axis is English


def docs_block(language: str, must_contain: str) -> str:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(rf"```{language}\n(.*?)```", docs, re.DOTALL) if must_contain in b]
    assert len(blocks) == 1, f"docs/plugins.md needs one {language} block with {must_contain!r}"
    return blocks[0]


def test_the_documented_minimal_plugin_installs_against_the_engine_only(engine_venv):
    """docs/plugins.md's pyproject.toml and example plugin, pip-installed beside the engine: mep lists it."""
    python, work = engine_venv
    pyproject = docs_block("toml", "[project]")
    assert re.search(r'^dependencies = \["living-mep"\]$', pyproject, re.MULTILINE), "depends on the engine only"
    plugin = work / "my-plugin"
    (plugin / "my_plugin").mkdir(parents=True)
    (plugin / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (plugin / "my_plugin" / "__init__.py").write_text(docs_block("python", "# my_plugin/__init__.py"), encoding="utf-8")
    pip_install(python, str(plugin), cwd=work)
    listed = mep(python, "plugins", cwd=work)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^loans 1\.0\.0$", listed.stdout, re.MULTILINE), listed.stdout
    assert re.search(r"^  loans\.count\s+Kennzahl\s+Ausgeliehene Geräte$", listed.stdout, re.MULTILINE), listed.stdout
    assert run(python, "-c", "import django", cwd=work).returncode != 0
