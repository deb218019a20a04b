"""Which schools may book: a narrow seam onto the current cycle's published data set.

``available_schools()`` asks the provider named by the setting
``MEP_SCHOOL_SOURCE`` (a dotted path to a callable returning
``[(school_id, name), …]``). The default is
``portal.figures.schools.published_schools``: the schools of the current
cycle's published data set. ``demo_data_schools`` reads the synthetic demo
data set directly, for a portal without published planning data.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SOURCE = "portal.figures.schools.published_schools"


def available_schools() -> list[tuple[str, str]]:
    """(school_id, name) of every school that may book, sorted by name."""
    provider = import_string(getattr(settings, "MEP_SCHOOL_SOURCE", DEFAULT_SOURCE))
    return sorted(((str(sid), str(name)) for sid, name in provider()), key=lambda school: school[1])


def demo_data_dir() -> Path:
    return Path(getattr(settings, "MEP_DEMO_DATA_DIR", None) or Path(settings.VAR_DIR) / "demo")


def demo_data_schools() -> list[tuple[str, str]]:
    """The schools of the demo data set: the content pack's own (``data/<cycle>/schools.csv``, the first cycle),
    else the generator's, made once into ``MEP_DEMO_DATA_DIR`` if missing."""
    from portal.figures.management.commands.load_demo_data import pack_data_sets

    own = pack_data_sets()
    path = next(iter(own.values())) / "schools.csv" if own else demo_data_dir() / "schools.csv"
    if not path.exists():
        from content.demodata.generate import generate

        generate(str(path.parent))
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["school_id"], row["name"]) for row in csv.DictReader(fh)]
