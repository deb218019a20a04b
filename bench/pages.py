"""Public pages under load, side by side with ``/healthz``: cached and cold, SQLite and PostgreSQL.

Run by hand, never by the test suite (tests check the pieces, never timings):

    .venv/bin/python bench/pages.py                       # both databases, 10 s per address
    .venv/bin/python bench/pages.py --quick               # smoke run: SQLite, 1 s per address
    .venv/bin/python bench/pages.py --databases sqlite --duration 5 --connections 8
    make bench-pages                                      # installs wrk first where it may

For each database the script sets up a throw-away portal the way an operator
does (``migrate`` under production settings, which also creates the cache
tables; the content pack, the demo figures of both cycles and the example
workshops; ``collectstatic``), puts four figures into chapter 5.3 and starts
gunicorn with production settings (sync workers, ``--workers 2`` like the
measurement in issue 10) on 127.0.0.1. Every request carries the headers the
reverse proxy would add (``Host``, ``X-Forwarded-Proto: https``) and the
``Accept-Encoding`` of a browser; no cookies, as a first-time reader.

Two modes, each its own gunicorn:

* ``warm``: the portal exactly as production runs it, with whatever caching it
  does (the database cache without ``REDIS_URL``, Redis with ``--redis-url``).
  Each address is asked for a few times before it is measured.
* ``kalt``: the same production settings, except that *every* alias in
  ``CACHES`` is Django's ``DummyCache`` (a settings module written to the work
  folder: ``from portal.settings.production import *`` and then the
  replacement). Nothing is ever stored, so each request renders the whole
  page: page cache, fragment caches, Wagtail's site cache, whatever a later
  version keeps in ``CACHES``. The process itself stays warm (imports,
  compiled templates, URL resolvers), as in a production worker that has
  served a first request; that is what "rendered" costs, not Python's start.

Load: ``wrk`` (Debian package ``wrk``) when it is on the PATH, otherwise a
bounded Python load generator (threads, ``http.client`` with keep-alive where
the server offers it). Both use a fixed number of connections for a fixed time;
the Python one also stops after ``MAX_REQUESTS`` per address. Only loopback,
never another host. Results go to stdout as Markdown tables: one per database.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "mep.example.org"
# What the reverse proxy in front of gunicorn sends along (production redirects plain http to https),
# and the compression every browser accepts (a portal that compresses pays for it here, and a cache may
# keep one variant per Accept-Encoding). The responses are counted, never unpacked.
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, deflate, br"}
SECRET_KEY = "bench-" + "k" * 10 + "Zx9!pQ2#vL7$mN4&bR8*tY1^wE5@uI3(oP6)aS0-dF"
MAX_REQUESTS = 200_000  # per address and mode, Python load generator
MAX_DURATION = 120  # seconds per address and mode
MAX_CONNECTIONS = 64
MODES = {"warm": "warm", "cold": "kalt"}
BASELINE = "healthz"

# key -> (label in the table, path or None when it is looked up in the portal)
PAGES: dict[str, tuple[str, str | None]] = {
    "healthz": ("`/healthz`", "/healthz"),
    "home": ("`/` Startseite", "/"),
    "plan": ("`/plan/`", "/plan/"),
    "chapter": ("Kapitel 5.3, 4 Abbildungen", None),
    "offer": ("Partnerangebot", None),
    "workshops": ("`/workshops/`", "/workshops/"),
    "english": ("`/en/`", "/en/"),
    "search": ("`/suche/?q=Medienstudio`", "/suche/?q=Medienstudio"),
}
QUICK_PAGES = ["healthz", "home", "chapter", "search"]

# Production settings with no cache that keeps anything: every request renders the whole page.
COLD_SETTINGS = '''"""bench/pages.py, mode "kalt": production settings, every cache alias a DummyCache."""
from portal.settings.production import *  # noqa: F401,F403
from portal.settings.production import CACHES

CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHES}
MEP_SHARED_CACHE_REQUIRED = False  # a DummyCache is "per process" to the check workshops.E001; here that is the point
'''
COLD_MODULE = "mep_bench_cold_settings"


# --- In the portal (called in a Django process of its own, or by the tests) ---------------------


def put_four_figures() -> int:
    """Give chapter 5.3 four figures (the content pack has two) and publish it; returns how many it shows."""
    from portal.plan.models import ChapterPage

    page = ChapterPage.objects.get(number="5.3")
    keys = [b.value["key"] for b in page.body if b.block_type == "figure"]
    for key, title in [("finance.price_scenarios", "Preissteigerung"), ("infrastructure.device_ratio", "Ausstattungsquote")]:
        if len(keys) < 4 and key not in keys:
            page.body.append(("figure", {"key": key, "title": title, "caption": ""}))
            keys.append(key)
    page.save_revision().publish()
    return len(keys)


def page_paths() -> dict[str, str]:
    """key -> path for every page of the benchmark, the ones that depend on the content looked up."""
    from portal.plan.models import ChapterPage, PartnerOfferPage

    offers = PartnerOfferPage.objects.live().order_by("path")
    offer = offers.filter(slug="medienstudio").first() or offers.first()
    found = {"chapter": ChapterPage.objects.get(number="5.3").get_url(), "offer": offer.get_url() if offer else None}
    return {key: path or found[key] for key, (_label, path) in PAGES.items()}


# --- Load generators --------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    seconds: float
    median_ms: float
    p99_ms: float
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.99 for p99) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]


def python_load(port: int, path: str, *, seconds: float, connections: int, max_requests: int = MAX_REQUESTS,
                headers: dict[str, str] | None = None) -> Result:
    """``connections`` threads ask for ``path`` until ``seconds`` are over or ``max_requests`` were sent.

    Only responses with status 200 count as requests; anything else (another status, a broken
    connection) is an error and its time is not part of the latencies.
    """
    headers = HEADERS if headers is None else headers
    tickets = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.perf_counter() < deadline and next(tickets) < max_requests:
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    errors[slot] += 1
                    connection.close()  # the next request opens a new one
                    continue
                if response.status == 200:
                    latencies[slot].append(time.perf_counter() - started)
                else:
                    errors[slot] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,), daemon=True) for slot in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times = [t for slot in latencies for t in slot]
    if not times:
        return Result(0, elapsed, 0.0, 0.0, sum(errors))
    return Result(len(times), elapsed, statistics.median(times) * 1000, percentile(times, 0.99) * 1000, sum(errors))


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> Result:
    """Read requests, duration, median, p99 and errors from ``wrk --latency`` output."""
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", output, re.M)
    median = re.search(r"^\s*50(?:\.0+)?%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)", output, re.M)
    if not (total and median and p99):
        raise ValueError(f"Ausgabe von wrk nicht lesbar:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    requests = int(total.group(1))
    seconds = _ms(total.group(2) + total.group(3)) / 1000
    return Result(requests, seconds, _ms(median.group(1)), _ms(p99.group(1)), errors)


def wrk_load(port: int, path: str, *, seconds: float, connections: int, threads: int) -> Result:
    command = ["wrk", f"-t{max(1, min(threads, connections))}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency", "--timeout", "30s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            timeout=seconds + 60)
    if result.returncode != 0:
        raise SystemExit(f"wrk fehlgeschlagen ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout)


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (result.stdout or result.stderr).splitlines()[0] if (result.stdout or result.stderr) else "wrk"
    return first.split(" Copyright")[0].strip()


# --- The table --------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    mode: str
    result: Result | None = None
    problem: str = ""  # why there are no numbers (e.g. "HTTP 404")
    order: int = 0  # 1 for the second /healthz of a mode


def de(number: float, digits: int = 1) -> str:
    """German number format: 3.198,5."""
    return f"{number:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


COLUMNS = ["Seite", "Modus", "Anfragen/s", "Median", "p99", "Anfragen/s ÷ healthz", "Median ÷ healthz", "Fehler"]


def ratio(number: float) -> str:
    return de(number, 3 if number < 0.1 else 2)


def rate(number: float) -> str:
    return de(number, 1 if number < 100 else 0)


def baselines(rows: list[Row]) -> dict[str, Result]:
    """mode -> ``/healthz`` of that mode, measured first and last: all its requests over all its time, mean latencies."""
    found: dict[str, list[Result]] = {}
    for row in rows:
        if row.key == BASELINE and row.result and row.result.requests:
            found.setdefault(row.mode, []).append(row.result)
    return {
        mode: Result(sum(r.requests for r in results), sum(r.seconds for r in results),
                     statistics.mean(r.median_ms for r in results), statistics.mean(r.p99_ms for r in results))
        for mode, results in found.items()
    }


def format_table(rows: list[Row]) -> str:
    """One Markdown table; the ratios compare each row with ``/healthz`` in the same mode (mean of its rows)."""
    baseline = baselines(rows)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        mode = MODES.get(row.mode, row.mode)
        result = row.result
        if result is None or not result.requests:
            problem = row.problem or "keine erfolgreiche Anfrage"
            errors = str(result.errors) if result else "–"
            lines.append(f"| {row.label} | {mode} | – | – | – | – | – | {errors} ({problem}) |")
            continue
        base = baseline.get(row.mode)
        rps_ratio = ratio(result.rps / base.rps) if base and base.rps else "–"
        median_ratio = de(result.median_ms / base.median_ms, 1) if base and base.median_ms else "–"
        lines.append(
            f"| {row.label} | {mode} | {rate(result.rps)} | {de(result.median_ms)} ms | {de(result.p99_ms)} ms "
            f"| {rps_ratio} | {median_ratio} | {result.errors} |"
        )
    return "\n".join(lines)


# --- The machine ------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def machine() -> str:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    system = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read("/etc/os-release"), re.M)
    parts = [
        cpu.group(1).strip() if cpu else (platform.processor() or platform.machine()),
        f"{os.cpu_count()} Kerne",
        f"{de(int(memory.group(1)) / 1024 / 1024, 0)} GiB" if memory else "",
        f"{system.group(1) if system else platform.system()}, Linux {platform.release()}"
        if platform.system() == "Linux" else f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
    ]
    return ", ".join(p for p in parts if p)


def commit() -> str:
    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unbekannt"
    return head + (" mit lokalen Änderungen" if git("status", "--porcelain", "--untracked-files=no") else "")


def load_average() -> str:
    try:
        return " / ".join(de(x, 2) for x in os.getloadavg())
    except OSError:
        return "unbekannt"


# --- Setting up and serving a portal ----------------------------------------------------------


def run(env: dict[str, str], *args: str, timeout: int = 900) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)[:200]} fehlgeschlagen:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def in_portal(env: dict[str, str], call: str) -> object:
    """``call`` (a function of this module) in a Django process of its own; its JSON result."""
    code = f"import django, json; django.setup(); from bench import pages; print(json.dumps(pages.{call}()))"
    return json.loads(run(env, "-c", code).strip().splitlines()[-1])


def production_env(work: Path, database_url: str, redis_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "WAGTAILADMIN_BASE_URL", "MEP_TEST_EMAIL_DIR",
                        "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(work), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": HOST,
            "MEP_PUBLIC_BASE_URL": f"https://{HOST}",
            "DATABASE_URL": database_url,
            "MEP_VAR_DIR": str(work / "var"),
            "MEDIA_ROOT": str(work / "media"),
            "MEP_PRIVATE_ROOT": str(work / "private"),
            "STATIC_ROOT": str(work / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare(env: dict[str, str], collect_static: bool) -> tuple[int, dict[str, str]]:
    """Migrate, load content, demo figures and workshops, four figures in 5.3; returns (figures, paths)."""
    run(env, "manage.py", "migrate", "--noinput")  # as an operator does: creates the cache tables too
    # The content through the test settings, whose task backend regenerates the figures inline.
    demo = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    for command in ("load_content", "load_demo_data", "load_workshops"):
        run(demo, "manage.py", command)
    figures = in_portal(demo, "put_four_figures")
    if collect_static:
        run(env, "manage.py", "collectstatic", "--noinput")
    return figures, in_portal(env, "page_paths")


@contextlib.contextmanager
def postgres_database(server_url: str):
    """A database of its own on ``server_url`` for this run, dropped afterwards."""
    import psycopg

    name = f"mep_bench_pages_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    server = urlsplit(server_url)
    admin = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int):
    """gunicorn with production settings (sync workers) on a free loopback port; yields the port."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status(port, "/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit("gunicorn startet nicht:\n" + log.read()[-3000:]) from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def measure(port: int, keys: list[str], paths: dict[str, str], mode: str, args) -> list[Row]:
    """Each page in turn; ``/healthz`` first and once more at the end, so drift on a shared machine shows."""
    rows = []
    for index, key in enumerate([*keys, BASELINE]):
        label = PAGES[key][0] if index < len(keys) else f"{PAGES[key][0]} (am Ende nochmals)"
        path = paths.get(key)
        if key == "offer" and path:
            label = f"{label} `{path}`"
        if not path:
            rows.append(Row(key, label, mode, problem="keine solche Seite"))
            continue
        code = status(port, path)
        if code != 200:
            rows.append(Row(key, label, mode, problem=f"HTTP {code}"))
            continue
        # Warm up: the workers' imports and templates, and in mode "warm" whatever the portal caches.
        python_load(port, path, seconds=30, connections=args.connections, max_requests=args.warmup)
        if args.tool == "wrk":
            result = wrk_load(port, path, seconds=args.duration, connections=args.connections, threads=args.threads)
        else:
            result = python_load(port, path, seconds=args.duration, connections=args.connections)
        rows.append(Row(key, label, mode, result))
        print(f"  {MODES[mode]:4} {label}: {rate(result.rps)} Anfragen/s, Median {de(result.median_ms)} ms",
              file=sys.stderr, flush=True)
    return rows


def bench_database(name: str, database_url: str, work: Path, keys: list[str], args, first: bool) -> list[Row]:
    env = production_env(work, database_url, args.redis_url)
    print(f"{name}: Portal einrichten …", file=sys.stderr, flush=True)
    figures, paths = prepare(env, collect_static=first)
    if figures != 4:
        raise SystemExit(f"Kapitel 5.3 zeigt {figures} statt 4 Abbildungen.")
    rows: list[Row] = []
    for mode in args.modes:
        mode_env = env if mode == "warm" else {**env, "DJANGO_SETTINGS_MODULE": COLD_MODULE}
        with gunicorn(mode_env, args.workers) as port:
            rows += measure(port, keys, paths, mode, args)
    # side by side: each page warm and cold; the second /healthz of each mode last
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        row.order = seen[(row.key, row.mode)] = seen.get((row.key, row.mode), -1) + 1
    order = {key: i for i, key in enumerate(keys)}
    return sorted(rows, key=lambda row: (row.order, order[row.key], args.modes.index(row.mode)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Öffentliche Seiten unter Last messen, neben /healthz (nur 127.0.0.1)")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], help="Standard: beide (--quick: sqlite)")
    parser.add_argument("--postgres", default=os.environ.get("MEP_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="PostgreSQL-Server; das Skript legt dort eine eigene Datenbank an und löscht sie danach")
    parser.add_argument("--redis-url", help="Modus warm mit Redis als Cache (REDIS_URL) statt des Datenbank-Caches")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), help="Standard: alle (--quick: " + ", ".join(QUICK_PAGES) + ")")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--duration", type=float, help=f"Sekunden je Adresse und Modus (Standard 10, --quick 1, höchstens {MAX_DURATION})")
    parser.add_argument("--connections", type=int, default=4, help=f"gleichzeitige Verbindungen (Standard 4, höchstens {MAX_CONNECTIONS})")
    parser.add_argument("--threads", type=int, default=2, help="Threads von wrk (Standard 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn-Worker (Standard 2)")
    parser.add_argument("--warmup", type=int, help="Anfragen je Adresse vor der Messung (Standard 20, --quick 4)")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto",
                        help="Lastgenerator: wrk, wenn installiert (auto), sonst Python")
    parser.add_argument("--quick", action="store_true", help="kurzer Probelauf: SQLite, vier Adressen, 1 s je Adresse")
    args = parser.parse_args(argv)
    args.databases = args.databases or (["sqlite"] if args.quick else ["sqlite", "postgres"])
    args.pages = args.pages or (QUICK_PAGES if args.quick else list(PAGES))
    args.pages = [BASELINE, *(key for key in dict.fromkeys(args.pages) if key != BASELINE)]  # the ratios need it first
    args.duration = max(1.0, min(args.duration or (1.0 if args.quick else 10.0), MAX_DURATION))
    args.connections = max(1, min(args.connections, MAX_CONNECTIONS))
    args.warmup = max(1, args.warmup or (4 if args.quick else 20))
    args.workers = max(1, min(args.workers, 16))
    if args.tool == "auto":
        args.tool = "wrk" if shutil.which("wrk") else "python"
    elif args.tool == "wrk" and not shutil.which("wrk"):
        parser.error("wrk ist nicht installiert (Debian: apt-get install wrk)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = load_average()
    tool = (f"{wrk_version()}, -t{min(args.threads, args.connections)} -c{args.connections} -d{de(args.duration, 0)}s"
            if args.tool == "wrk" else
            f"Python-Lastgenerator (bench/pages.py), {args.connections} Verbindungen, {de(args.duration, 0)} s")
    tables = []
    work = Path(tempfile.mkdtemp(prefix="mep-bench-pages-"))
    try:
        (work / f"{COLD_MODULE}.py").write_text(COLD_SETTINGS, encoding="utf-8")
        for index, name in enumerate(args.databases):
            if name == "sqlite":
                rows = bench_database("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", work, args.pages, args, index == 0)
            else:
                with postgres_database(args.postgres) as url:
                    rows = bench_database("PostgreSQL", url, work, args.pages, args, index == 0)
            tables.append((name, rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cache = "Redis (--redis-url)" if args.redis_url else "Datenbank-Cache der Produktionseinstellungen"
    print(f"Gemessen: {started:%d.%m.%Y %H:%M} UTC, Commit {commit()}")
    print(f"Rechner: {machine()}; Last (1/5/15 min) vorher {load_before}, nachher {load_average()}")
    print(f"Last: {tool}; gunicorn {args.workers} sync-Worker, Produktionseinstellungen; nur 127.0.0.1")
    print(f"Modus warm: {cache}, jede Adresse vorher {args.warmup}-mal abgerufen. "
          "Modus kalt: jeder Cache ein DummyCache, jede Anfrage rendert die ganze Seite.")
    for name, rows in tables:
        print()
        print(f"#### {'SQLite' if name == 'sqlite' else 'PostgreSQL'}")
        print()
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
