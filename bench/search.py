"""Search latency and index build time on the demo content.

Run by hand, never by the test suite:

    .venv/bin/python bench/search.py [--repeat 50] [--data DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/EMPTY_DB .venv/bin/python bench/search.py

Sets up a throw-away portal (content pack, demo figures, demo workshops; SQLite
in a temporary folder, or the empty PostgreSQL database DATABASE_URL names),
then in one process measures:

- the full index build (``rebuild_search_index``'s work), median of 5;
- each query of QUERIES on the embedded backend with the index cached in the
  process (the usual case), median and maximum over ``--repeat`` runs;
- the same right after an index change (the process reloads the language's rows);
- the whole search page (view, template) through Django's test client.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



def manage(env, *args) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} fehlgeschlagen:\n{result.stdout}\n{result.stderr}")

QUERIES = [
    "Wiederbeschaffung", "Supportebene", "Endgerät", "Medienscouts", "Robotik", "Ausstattungsquote",
    "Datenstrategie", "Fortbildungen", "Schulen", "digitale Endgeräte Schulen", "Endgeraete", "Quirlkram",
]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Suche messen: Antwortzeit und Aufbau des Index")
    parser.add_argument("--repeat", type=int, default=50, help="Wiederholungen je Suchanfrage")
    parser.add_argument("--data", type=Path, help="Ordner, in dem das Portal bleibt und wieder benutzt wird")
    args = parser.parse_args()
    work = args.data or Path(tempfile.mkdtemp(prefix="mep-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.update(DJANGO_SETTINGS_MODULE="portal.settings.test", MEP_VAR_DIR=str(work / "var"), MEDIA_ROOT=str(work / "media"))
    if not (work / "ready").exists():
        for command in (["migrate", "--noinput"], ["load_content"], ["load_demo_data"], ["load_workshops"]):
            manage(dict(os.environ), *command)
        (work / "ready").write_text("ok")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.search.backends import embedded_backend
    from portal.search.backends.embedded import _bump
    from portal.search.models import SearchEntry

    setup_test_environment()
    backend = embedded_backend()
    builds = timed(backend.rebuild, 5)
    print(f"Datenbank: {connection.vendor}; {SearchEntry.objects.count()} Dokumente im Index")
    print(f"Index neu aufbauen: Median {ms(statistics.median(builds))}, höchstens {ms(max(builds))}")
    backend.search("Schule", "de")  # warm the process cache and the stemmer
    print(f"\n{'Anfrage':30} {'Treffer':>7} {'Median':>10} {'Max':>10} {'nach Änderung':>14}")
    medians, cold = [], []
    for query in QUERIES:
        total = backend.search(query, "de").total
        runs = timed(lambda q=query: backend.search(q, "de"), args.repeat)
        after_change = []
        for _ in range(5):
            _bump()
            after_change += timed(lambda q=query: backend.search(q, "de"), 1)
        medians.append(statistics.median(runs))
        cold.append(statistics.median(after_change))
        print(f"{query:30} {total:7} {ms(statistics.median(runs))} {ms(max(runs))} {ms(statistics.median(after_change)):>14}")
    all_runs = statistics.median(medians)
    print(f"\nMedian über alle Anfragen: {ms(all_runs)} (nach einer Indexänderung: {ms(statistics.median(cold))})")
    client = Client()
    page = timed(lambda: client.get("/suche/", {"q": "Endgerät"}), args.repeat)
    print(f"Suchseite /suche/?q=Endgerät (Ansicht und Vorlage): Median {ms(statistics.median(page))}")
    suggest = timed(lambda: client.get("/suche/vorschlaege/", {"q": "Dat"}), args.repeat)
    print(f"Vorschläge /suche/vorschlaege/?q=Dat: Median {ms(statistics.median(suggest))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
