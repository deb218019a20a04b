"""Helpers for plugin tests: write a tiny data set from a few lines of CSV.

```python
from portal.engine.testing import load_tiny, write_dataset

def test_my_figure(tmp_path):
    dataset = load_tiny(tmp_path, inventory="school_id,product_group,quantity,acquired_year\\nS1,ipad,3,2022\\n")
```

Tables not given come from :data:`TINY` (two schools, two product groups).
A test that builds its ``DataSet`` by hand types its columns with :func:`dates`
and numbers its rows with :func:`with_lines`, as the loader does.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from portal.engine.dataset import DataSet, TableSpec, load_dataset
from portal.engine.figures import Figure

PLAN = """\
[cycle]
name = "Testzyklus"
baseline = 2024-12-31
horizon = [2025, 2027]
price_base_year = 2025
price_increase_pct = 0.0

[targets.device_ratio_pct]
Grundschule = 25
Berufskolleg = 75
"Förderschule" = 100
default = 100
"""

TINY: dict[str, str] = {
    "schools": """\
        school_id,name,school_type,pupils,teachers,district
        S1,Testschule 1,Grundschule,100,8,Mitte
        S2,Testschule 2,Gymnasium,50,5,
        """,
    "catalog": """\
        product_group,label,category,useful_life_years,unit_cost_eur,pupil_device,teacher_device
        ipad,iPads,hardware,2,100,true,false
        net,Netzwerk,infrastructure,10,1000,false,false
        """,
    "inventory": """\
        school_id,product_group,quantity,acquired_year,unit_cost_eur,useful_life_years
        S1,ipad,40,2023,,
        S2,ipad,20,2024,,
        S1,net,1,2016,,
        """,
    "recurring": """\
        item,product_group,annual_cost_eur,from_year,to_year,annual_increase_pct
        Internet,net,100,2025,,
        """,
}


def write_dataset(folder: str | Path, plan: str | None = PLAN, **tables: str | pd.DataFrame | None) -> Path:
    """Write plan.toml and each table (CSV text, dedented, or a DataFrame) into ``folder``.

    Tables of :data:`TINY` not named are written too; pass ``name=None`` to leave
    a table out, ``plan=None`` to leave out plan.toml.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if plan is not None:
        (folder / "plan.toml").write_text(plan, encoding="utf-8")
    for name, content in {**TINY, **tables}.items():
        if content is None:
            continue
        path = folder / f"{name}.csv"
        if isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


def load_tiny(
    folder: str | Path,
    plan: str | None = PLAN,
    specs: list[TableSpec] | None = None,
    **tables: str | pd.DataFrame | None,
) -> DataSet:
    """Write a tiny data set and load it with the core tables (plus ``specs``), no plugins."""
    return load_dataset(write_dataset(folder, plan, **tables), specs=specs or [])


def dates(isos: Iterable[str | None]) -> pd.Series:
    """ISO strings as the loader types a date column: ``datetime.date`` objects, NaN when empty."""
    return pd.Series([datetime.date.fromisoformat(iso) if iso else float("nan") for iso in isos], dtype=object)


def with_lines(frame: pd.DataFrame) -> pd.DataFrame:
    """Index rows by their line in the CSV file (the header is line 1), as the loader does."""
    return frame.set_axis(range(2, len(frame) + 2))


def figures_by_key(plugin, dataset: DataSet) -> dict[str, Figure]:
    """A plugin's computed figures by key."""
    return {figure.key: figure for figure in plugin.mep_figures(dataset)}


def install_plugin(site: str | Path, name: str, source: str, version: str = "0.1") -> Path:
    """Write a one-module plugin ``mep_<name>`` with its ``mep`` entry point into ``site``, as pip would.

    Put ``site`` on ``sys.path`` (and call ``importlib.invalidate_caches()``) for
    ``get_plugin_manager`` to find it, exactly like an installed stranger's plugin.
    """
    site = Path(site)
    site.mkdir(parents=True, exist_ok=True)
    module = f"mep_{name}"
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    dist = site / f"{module}-{version}.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: mep-{name}\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text(f"[mep]\n{name} = {module}\n")
    return site
