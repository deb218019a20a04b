"""A portal process starts without the engine's data libraries.

Every gunicorn worker, ``manage.py`` command and task worker starts Django; pandas and
numpy (half a second of each start) are needed only to read and compute a data set,
so the portal imports the engine's computing modules where it uses them
(``portal.figures.services._ENGINE_ON_USE``).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every URL module, the admin's hooks and views included
import portal.figures.services, portal.figures.schools, portal.workshops.forms
print(sorted(name for name in ("pandas", "numpy", "matplotlib") if name in sys.modules))
"""


def test_a_portal_process_loads_its_apps_and_urls_without_pandas_numpy_or_matplotlib():
    done = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]"]
