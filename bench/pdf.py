"""Time building the whole plan as PDF (issue 13: at most 15 s on the project's machine).

Run by hand, never by the test suite:

    .venv/bin/python bench/pdf.py [--repeat 3] [--data DIR] [--keep FILE]

Sets up a throw-away portal (SQLite in a temporary folder, content pack, demo
figures of both cycles), then, in one process, builds the German plan's PDF
``--repeat`` times: the HTML of the edition (templates, figures from their
snapshots) and WeasyPrint's layout and PDF writing are timed apart. The first
build (templates and fonts not yet loaded) is reported apart; the goal applies
to the median. ``uptime`` is printed with the result, since other work on the
machine slows WeasyPrint as much as anything. ``--keep FILE`` writes the PDF.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 15.0


def manage(env, *args) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} fehlgeschlagen:\n{result.stdout}\n{result.stderr}")


def prepare(env, work: Path) -> None:
    stamp = work / "ready"
    if stamp.exists():
        return
    for command in (["migrate", "--noinput"], ["load_content"], ["load_demo_data"]):
        manage(env, *command)
    stamp.write_text("ok")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(plan) -> tuple[float, float, float, bytes, int]:
    from portal.plan import pdf

    start, cpu = time.perf_counter(), cpu_seconds()
    html = pdf.edition_html(plan)
    rendered = time.perf_counter()
    data, pages = pdf.write_pdf(html)
    done = time.perf_counter()
    return rendered - start, done - rendered, cpu_seconds() - cpu, data, pages


def main() -> int:
    parser = argparse.ArgumentParser(description="Den Gesamtplan als PDF erstellen und die Zeit messen")
    parser.add_argument("--repeat", type=int, default=3, help="Erstellungen nach der ersten (höchstens 20)")
    parser.add_argument("--data", type=Path, help="Ordner, in dem das Portal bleibt und wieder benutzt wird")
    parser.add_argument("--keep", type=Path, help="das PDF hierhin schreiben")
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, 20))

    work = args.data or Path(tempfile.mkdtemp(prefix="mep-bench-pdf-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test", MEP_VAR_DIR=str(work / "var"), MEDIA_ROOT=str(work / "media")
    )
    prepare(dict(os.environ), work)

    import django

    django.setup()
    import weasyprint

    from portal.plan.models import PlanPage

    plan = PlanPage.objects.get(locale__language_code="de")
    first = build(plan)
    runs = [build(plan) for _ in range(repeat)]
    totals = [r[0] + r[1] for r in runs]
    median = statistics.median(totals)
    if args.keep:
        args.keep.write_bytes(runs[-1][3])

    print(f"# Gesamtplan als PDF ({platform.python_version()}, WeasyPrint {weasyprint.__version__}, {os.cpu_count()} Kerne)")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print()
    print("| Erstellung | HTML (s) | PDF (s) | gesamt (s) | CPU (s) | Seiten | Größe (KB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, (html_s, pdf_s, cpu, data, pages) in [("erste", first), *[(f"{i + 1}.", r) for i, r in enumerate(runs)]]:
        print(f"| {label} | {html_s:.2f} | {pdf_s:.2f} | {html_s + pdf_s:.2f} | {cpu:.2f} | {pages} | {len(data) / 1024:.0f} |")
    print()
    verdict = "erreicht" if median <= GOAL_SECONDS else "verfehlt"
    print(f"Median {median:.2f} s, Ziel höchstens {GOAL_SECONDS:.0f} s: {verdict}.")
    return 0 if median <= GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
