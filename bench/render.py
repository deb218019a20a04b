"""Render the public pages in process on a cold cache: queries and time per page.

Run by hand, never by the test suite:

    .venv/bin/python bench/render.py [--repeat 30] [--queries] [--profile]

Sets up a throw-away portal (SQLite in a temporary folder, content pack, demo
figures of both cycles, demo workshops), puts four figures into chapter 5.3
(as bench/pages.py does), then, in one process, renders each page with
Django's test client after clearing every cache: the start page, ``/plan/``,
chapter 5.3, a partner offer and ``/workshops/``. The first render of each
page (templates not yet compiled) is reported apart; the median is taken
over ``--repeat`` further cold renders. ``--queries`` lists each page's SQL,
``--profile`` shows where chapter 5.3's cold render spends its time
(cProfile). ``--data DIR`` keeps the portal in DIR and uses it again next time.
With ``DATABASE_URL`` set to PostgreSQL, that database is used instead
(it must be empty or hold a portal made by this script).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


CHAPTER = "/plan/teil-2-status-quo/inhaltsfelder/finanz-und-investitionsplanung/"


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} fehlgeschlagen:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env, work: Path) -> None:
    stamp = work / "ready"
    if stamp.exists():
        return
    for command in (["migrate", "--noinput"], ["load_content"], ["load_demo_data"], ["load_workshops"]):
        manage(env, *command)
    manage(env, "shell", "-c", "from bench import pages; pages.put_four_figures()")
    stamp.write_text("ok")


def clear_caches() -> None:
    from django.core.cache import caches

    for name in caches.settings:
        caches[name].clear()


def pages() -> list[tuple[str, str]]:
    from portal.plan.models import PartnerOfferPage

    offer = PartnerOfferPage.objects.live().order_by("path").first()
    return [("Startseite /", "/"), ("/plan/", "/plan/"), ("Kapitel 5.3 (4 Abbildungen)", CHAPTER),
            (f"Partnerangebot {offer.url}", offer.url), ("/workshops/", "/workshops/")]


def render(client, path: str) -> tuple[float, float, list[dict]]:
    """One cold render: wall time, this process's CPU time (less disturbed by a busy machine), the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{path}: Status {response.status_code}")
    return elapsed, cpu, list(queries.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description="Seiten im Prozess mit kaltem Cache rendern")
    parser.add_argument("--repeat", type=int, default=30, help="kalte Renderings je Seite (höchstens 500)")
    parser.add_argument("--queries", action="store_true", help="die SQL-Abfragen jeder Seite zeigen")
    parser.add_argument("--profile", action="store_true", help="cProfile eines kalten Renderings von Kapitel 5.3")
    parser.add_argument("--data", type=Path, help="Ordner, in dem das Portal bleibt und wieder benutzt wird")
    args = parser.parse_args()
    repeat = max(3, min(args.repeat, 500))

    work = args.data or Path(tempfile.mkdtemp(prefix="mep-bench-render-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.update(DJANGO_SETTINGS_MODULE="portal.settings.test", MEP_VAR_DIR=str(work / "var"),
                      MEDIA_ROOT=str(work / "media"))
    try:
        prepare(dict(os.environ), work)

        import django

        django.setup()
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's ALLOWED_HOSTS, as the page tests have it
        client = Client()
        rows = []
        for label, path in pages():
            first, _, queries = render(client, path)
            runs = [render(client, path) for _ in range(repeat)]
            times, cpu = [r[0] for r in runs], [r[1] for r in runs]
            rows.append((label, len(queries), first, statistics.median(times), max(times), statistics.median(cpu)))
            if args.queries:
                print(f"\n## {label}: {len(queries)} Abfragen")
                for number, query in enumerate(queries, 1):
                    print(f"{number:3}. {query['sql'][:300]}")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            clear_caches()
            profiler.enable()
            client.get(CHAPTER)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(45)
    finally:
        if args.data is None:
            shutil.rmtree(work, ignore_errors=True)

    from django.db import connection

    print(f"Rechner: {platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; Datenbank: {connection.vendor}; "
          f"alle Caches vor jedem Rendering geleert; {repeat} Renderings je Seite")
    print()
    print(f"Last (1 min) beim Ende: {os.getloadavg()[0]:.1f}")
    print()
    print("| Seite | Abfragen | erstes Rendering | Median (kalt) | Maximum (kalt) | CPU-Zeit, Median (kalt) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, count, first, median, worst, cpu in rows:
        print(f"| {label} | {count} | {first * 1000:.1f} ms | {median * 1000:.1f} ms | {worst * 1000:.1f} ms "
              f"| {cpu * 1000:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
