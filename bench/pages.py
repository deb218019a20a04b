"""Time a chapter page with four figures against the cheapest view of the same server.

Run by hand, never by the test suite:

    .venv/bin/python bench/pages.py [--requests 500]

Sets up a throw-away portal (SQLite in a temporary folder, content pack,
demo figures of both cycles), puts four figures into chapter 5.3, starts
gunicorn with one sync worker on 127.0.0.1 and asks, one request after the
other, for the chapter and for ``/healthz``. Only loopback, a bounded
number of requests. Results go to stdout as a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "/plan/teil-2-status-quo/inhaltsfelder/finanz-und-investitionsplanung/"
BASELINE = "/healthz"
FOUR_FIGURES = """
from portal.plan.models import ChapterPage
page = ChapterPage.objects.get(number="5.3")
keys = [b.value["key"] for b in page.body if b.block_type == "figure"]
for key, title in [("finance.price_scenarios", "Preissteigerung"), ("infrastructure.device_ratio", "Ausstattungsquote")]:
    if len(keys) < 4 and key not in keys:
        page.body.append(("figure", {"key": key, "title": title, "caption": ""}))
        keys.append(key)
page.save_revision().publish()
print(len([b for b in page.body if b.block_type == "figure"]))
"""


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} fehlgeschlagen:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    elapsed = time.perf_counter() - started
    if response.status != 200 or not body:
        raise SystemExit(f"{path}: Status {response.status}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description="Kapitelseite mit vier Abbildungen gegen /healthz messen")
    parser.add_argument("--requests", type=int, default=500, help="Anfragen je Adresse (höchstens 5000)")
    args = parser.parse_args()
    count = max(10, min(args.requests, 5000))

    work = Path(tempfile.mkdtemp(prefix="mep-bench-pages-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MEP_VAR_DIR": str(work / "var"),
        "MEDIA_ROOT": str(work / "media"),
    }
    server = None
    try:
        for command in (["migrate", "--noinput"], ["load_content"], ["load_demo_data"]):
            manage(env, *command)
        figures = manage(env, "shell", "-c", FOUR_FIGURES).strip()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--worker-class", "sync", "--log-level", "warning",
             "--env", "DJANGO_SETTINGS_MODULE=portal.settings.test"],
            cwd=ROOT, env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, BASELINE)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn startet nicht") from None
                time.sleep(0.2)
        first = fetch(port, CHAPTER)  # renders and fills the cache
        for path in (CHAPTER, BASELINE):
            for _ in range(20):
                fetch(port, path)
        times = {path: [fetch(port, path) for _ in range(count)] for path in (CHAPTER, BASELINE)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    chapter, baseline = (statistics.median(times[p]) * 1000 for p in (CHAPTER, BASELINE))
    print(f"Rechner: {platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; gunicorn, 1 Worker; {count} Anfragen je Adresse")
    print()
    print("| Adresse | Median | 95. Perzentil |")
    print("|---|---:|---:|")
    for label, path in ((f"Kapitel 5.3 ({figures} Abbildungen)", CHAPTER), ("/healthz", BASELINE)):
        p95 = statistics.quantiles(times[path], n=20)[-1] * 1000
        print(f"| {label} | {statistics.median(times[path]) * 1000:.1f} ms | {p95:.1f} ms |")
    print()
    print(f"Erster Aufruf des Kapitels (ohne Cache): {first * 1000:.0f} ms")
    print(f"Verhältnis Kapitel / healthz (Median): {chapter / baseline:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
