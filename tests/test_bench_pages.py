"""The pieces of bench/pages.py: the pages it asks for, its cold mode, its load generator, its table.

A whole run (setting up a portal, gunicorn, measuring) takes minutes, so it is run by hand;
these tests pin what its numbers rest on. None of them looks at a timing.
"""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from bs4 import BeautifulSoup

from bench import pages

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/healthz
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  500.00us  10.00ms   90.00%
    Req/Sec     1.60k   100.00     1.80k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.30ms
     90%    1.60ms
     99%    1.02s
  31982 requests in 10.01s, 5.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   3195.00
Transfer/sec:    500.00KB
"""


@pytest.mark.django_db
def test_every_page_of_the_benchmark_answers_200_and_chapter_5_3_shows_four_figures(client, published):
    assert pages.put_four_figures() == 4
    paths = pages.page_paths()
    assert set(paths) == set(pages.PAGES) and all(paths.values())
    for key, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (key, path, response.status_code)
    chapter = BeautifulSoup(client.get(paths["chapter"]).content, "html.parser")
    in_text = [f for f in chapter.select("figure[data-figure-key]") if not f.find_parent(class_="more-figures")]
    assert len(in_text) == 4  # the field's other figures follow under "Weitere Abbildungen zu diesem Feld"
    search = BeautifulSoup(client.get(paths["search"]).content, "html.parser")
    assert "Medienstudio" in search.get_text()
    # a second call adds nothing: the benchmark may set up the same portal twice
    assert pages.put_four_figures() == 4


@pytest.mark.parametrize("redis", [False, True], ids=["database-cache", "redis"])
def test_cold_mode_replaces_every_cache_of_the_production_settings_with_a_dummy(tmp_path, redis):
    (tmp_path / f"{pages.COLD_MODULE}.py").write_text(pages.COLD_SETTINGS, encoding="utf-8")
    env = pages.production_env(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}",
                               redis_url="redis://127.0.0.1:6379/15" if redis else None)
    code = (
        "import importlib, json\n"
        "production = importlib.import_module('portal.settings.production')\n"
        f"cold = importlib.import_module('{pages.COLD_MODULE}')\n"
        "print(json.dumps([{a: c['BACKEND'] for a, c in m.CACHES.items()} for m in (production, cold)]\n"
        "                 + [cold.MEP_SHARED_CACHE_REQUIRED, cold.SECRET_KEY == production.SECRET_KEY]))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=pages.ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    production, cold, shared_required, same_settings = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(cold) == set(production) and {"default", "pages"} <= set(cold)
    assert set(cold.values()) == {"django.core.cache.backends.dummy.DummyCache"}
    assert ("django.core.cache.backends.redis.RedisCache" in production.values()) == redis
    assert shared_required is False and same_settings  # otherwise production, as it runs


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the Python load generator expects where offered

    def do_GET(self):
        body = b"ok" if self.path == "/ok" else b"kaputt"
        self.send_response(200 if self.path == "/ok" else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_python_load_generator_stops_at_its_request_budget_and_counts_only_200_as_answered(tiny_server):
    ok = pages.python_load(tiny_server, "/ok", seconds=60, connections=4, max_requests=40)
    assert ok.requests == 40 and ok.errors == 0
    assert 0 < ok.median_ms <= ok.p99_ms and ok.rps > 0
    broken = pages.python_load(tiny_server, "/broken", seconds=60, connections=2, max_requests=10)
    assert broken.requests == 0 and broken.errors == 10


def test_python_load_generator_counts_a_refused_connection_as_an_error():
    port = pages.free_port()  # nothing listens there
    result = pages.python_load(port, "/ok", seconds=60, connections=1, max_requests=3)
    assert result.requests == 0 and result.errors == 3


def test_wrk_output_gives_requests_duration_median_p99_and_errors():
    result = pages.parse_wrk(WRK_OUTPUT)
    assert result.requests == 31982 and result.seconds == pytest.approx(10.01)
    assert result.median_ms == pytest.approx(0.85) and result.p99_ms == pytest.approx(1020)
    assert result.errors == 10  # 2 read + 1 timeout + 7 non-2xx
    with pytest.raises(ValueError, match="wrk"):
        pages.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert pages.percentile(values, 0.99) == 99.0 and pages.percentile(values, 0.5) == 50.0
    assert pages.percentile([7.0], 0.99) == 7.0


def test_table_has_a_row_per_page_and_mode_with_ratios_to_healthz_of_the_same_mode():
    rows = [
        pages.Row("healthz", "`/healthz`", "warm", pages.Result(4800, 10, 0.8, 3.0)),
        pages.Row("healthz", "`/healthz`", "cold", pages.Result(2000, 10, 2.0, 5.0)),
        pages.Row("plan", "`/plan/`", "warm", pages.Result(2000, 10, 1.5, 4.0)),
        pages.Row("plan", "`/plan/`", "cold", pages.Result(200, 10, 20.0, 50.0, errors=1)),
        pages.Row("english", "`/en/`", "warm", problem="HTTP 404"),
        # measured again at the end: the warm baseline becomes 8000 requests in 20 s and a median of 1.0 ms
        pages.Row("healthz", "`/healthz` (am Ende nochmals)", "warm", pages.Result(3200, 10, 1.2, 3.0)),
        pages.Row("plan", "`/plan/` kaum", "warm", pages.Result(2, 10, 500.0, 600.0)),
    ]
    lines = pages.format_table(rows).splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == pages.COLUMNS
    assert lines[1].count("|") == len(pages.COLUMNS) + 1
    body = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert len(body) == len(rows) and all(len(cells) == len(pages.COLUMNS) for cells in body)
    assert [cells[:2] for cells in body][:5] == [
        ["`/healthz`", "warm"], ["`/healthz`", "kalt"], ["`/plan/`", "warm"], ["`/plan/`", "kalt"], ["`/en/`", "warm"]
    ]
    assert body[0][2:] == ["480", "0,8 ms", "3,0 ms", "1,20", "0,8", "0"]
    assert body[2][2:] == ["200", "1,5 ms", "4,0 ms", "0,50", "1,5", "0"]
    assert body[3][2:] == ["20,0", "20,0 ms", "50,0 ms", "0,10", "10,0", "1"]  # against the cold /healthz
    assert body[4][2:7] == ["–"] * 5 and "HTTP 404" in body[4][7]
    assert body[6][2:] == ["0,2", "500,0 ms", "600,0 ms", "0,001", "500,0", "0"]  # small ratios keep a digit


def test_options_are_bounded_and_quick_is_a_short_sqlite_run():
    quick = pages.parse_args(["--quick", "--tool", "python"])
    assert quick.databases == ["sqlite"] and quick.duration == 1 and quick.pages[0] == "healthz"
    assert set(quick.pages) < set(pages.PAGES)
    full = pages.parse_args(["--tool", "python", "--duration", "9999", "--connections", "1000", "--pages", "plan"])
    assert full.databases == ["sqlite", "postgres"] and full.modes == ["warm", "cold"]
    assert full.duration == pages.MAX_DURATION and full.connections == pages.MAX_CONNECTIONS
    assert full.pages == ["healthz", "plan"]  # the baseline of the ratios is always measured, first
    assert pages.parse_args(["--tool", "python", "--pages", "plan", "healthz", "plan"]).pages == ["healthz", "plan"]


def test_postgres_run_gets_a_database_of_its_own_and_drops_it_afterwards():
    server = "postgres://postgres@127.0.0.1:5432"

    def names():
        with psycopg.connect(f"{server}/postgres") as connection:
            return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}

    try:
        before = names()
    except psycopg.OperationalError:
        pytest.fail("Kein PostgreSQL auf 127.0.0.1:5432: die Tests brauchen einen laufenden Server (.ci/run startet ihn).")
    with pages.postgres_database(f"{server}/test") as url:
        name = url.rsplit("/", 1)[1]
        assert url == f"{server}/{name}" and name.startswith("mep_bench_pages_") and name not in before
        assert name in names()
    assert name not in names()
