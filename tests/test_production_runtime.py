"""The portal under production settings, in separate processes: shared caches on one SQLite file, and with Redis.

A prepared site (migrated under production settings, content pack, demo figures for two
cycles, example workshops, collected static files) is copied for each test, so the
processes of one test share a database file and nothing else.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.databases import copy_template, shared_folder

ROOT = Path(__file__).resolve().parent.parent
HOST = "mep.example.org"
# One xdist worker prepares the demo site once for both tests (it takes long: migrate, demo figures, collectstatic).
pytestmark = pytest.mark.xdist_group("production-site")


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-3000:]}"
    return result


def _python(env, code):
    """Run ``code`` after django.setup() in a process of its own; its last output line, parsed as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prepared_site(tmp_path_factory, django_db_setup, django_db_blocker):
    tmp = tmp_path_factory.mktemp("production-site")
    base = {
        k: v for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "WAGTAILADMIN_BASE_URL", "MEP_TEST_EMAIL_DIR"}
    }
    base.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
            "MEP_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
        }
    )
    production = {
        **base,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "k" * 10 + "Zx9!pQ2#vL7$mN4&bR8*tY1^wE5@uI3(oP6)aS0-dF",
        "ALLOWED_HOSTS": HOST,
        "MEP_PUBLIC_BASE_URL": f"https://{HOST}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    # A SQLite run's test database (migrated, content pack loaded) saves migrating once more;
    # a PostgreSQL run's cannot be copied into a SQLite file.
    with django_db_blocker.unblock():
        copied = copy_template(shared_folder(tmp_path_factory), sqlite_target=tmp / "site.sqlite3")
    _manage(production, "migrate", "--noinput")  # all an operator runs: it creates the cache tables too
    # Demo content through the test settings: their task backend regenerates the figures inline.
    demo = {**base, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    commands = ("load_demo_data", "load_workshops") if copied else ("load_content", "load_demo_data", "load_workshops")
    _python(demo, "from django.core.management import call_command\n" + "".join(f"call_command({c!r})\n" for c in commands) + "print(1)")
    _manage(production, "collectstatic", "--noinput")
    return tmp / "site.sqlite3", production


@pytest.fixture
def site(prepared_site, tmp_path):
    """A copy of the prepared database and the production environment that points at it."""
    database, production = prepared_site
    copy = tmp_path / "site.sqlite3"
    shutil.copy(database, copy)
    return {**production, "DATABASE_URL": f"sqlite:///{copy}"}, copy


def test_collectstatic_compresses_what_browsers_load_and_leaves_the_pdf_fonts(prepared_site):
    _database, production = prepared_site
    static = Path(production["STATIC_ROOT"])
    assert list(static.glob("css/*.css.br")) and list(static.glob("css/*.css.gz"))
    fonts = sorted(p.name for p in (static / "fonts").iterdir())
    assert any(name.endswith(".ttf") for name in fonts)
    assert not [name for name in fonts if ".ttf." in name and name.endswith((".br", ".gz"))]  # read from disk by the PDF builder only


READER = """
import sys
from bs4 import BeautifulSoup
from django.test import Client
from portal.plan.models import ChapterPage

client = Client(HTTP_HOST="%s")
url = ChapterPage.objects.get(locale__language_code="de", number="5.3").get_url()
for _ in sys.stdin:
    response = client.get(url, secure=True)
    figure = BeautifulSoup(response.content, "html.parser").select_one('figure[data-figure-key="finance.forecast"]')
    text = figure.get_text(" ", strip=True) if figure else None
    print(json.dumps([response.status_code, text, response.get("X-MEP-Cache")]), flush=True)
""" % HOST

SWITCH_CYCLE = """
from portal.figures.models import Cycle

cycle = Cycle.objects.get(slug="2027-2028")
cycle.is_current = True
cycle.save()  # as the admin form does
print(json.dumps(cycle.published_regeneration().snapshots.get(key="finance.forecast").summary))
"""


def test_switching_the_cycle_in_one_process_shows_in_the_other_at_once(site):
    env, database = site
    reader = subprocess.Popen(
        [sys.executable, "-c", "import django, json; django.setup()\n" + READER],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:

        def render():
            reader.stdin.write("render\n")
            reader.stdin.flush()
            line = reader.stdout.readline()
            assert line, reader.stderr.read()[-3000:]
            return json.loads(line)

        status, before, state = render()
        assert status == 200 and before and state == "miss"
        assert render() == [200, before, "hit"]  # the chapter is now in the page cache that both processes share
        later_summary = _python(env, SWITCH_CYCLE)
        assert later_summary not in before
        status, after, state = render()
        assert status == 200 and later_summary in after and state == "miss"
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    # the fragments live in the database that both processes share, not in either process
    import sqlite3

    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM mep_page_cache").fetchone()[0] > 0


WORKSHOP_READER = """
import sys
from bs4 import BeautifulSoup
from django.test import Client

client = Client(HTTP_HOST="%s")
for _ in sys.stdin:
    response = client.get("/workshops/", secure=True)
    dates = [a["href"] for a in BeautifulSoup(response.content, "html.parser").select('a[href*="/workshops/termine/"]')]
    print(json.dumps([response.status_code, response.get("X-MEP-Cache"), sorted(set(dates))]), flush=True)
""" % HOST

CALL_OFF_FIRST_DATE = """
from portal.workshops.booking import cancel_session
from portal.workshops.models import WorkshopSession

session = WorkshopSession.objects.upcoming().order_by("start").first()
cancel_session(session.pk)
print(json.dumps(session.pk))
"""


def test_calling_a_date_off_in_one_process_leaves_the_cached_list_of_the_other_at_once(site):
    """The whole-response cache lives in the database both processes share; a booking service's change reaches both."""
    env, database = site
    reader = subprocess.Popen(
        [sys.executable, "-c", "import django, json; django.setup()\n" + WORKSHOP_READER],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:

        def render():
            reader.stdin.write("render\n")
            reader.stdin.flush()
            line = reader.stdout.readline()
            assert line, reader.stderr.read()[-3000:]
            return json.loads(line)

        status, state, before = render()
        assert (status, state) == (200, "miss") and before
        assert render() == [200, "hit", before]
        called_off = _python(env, CALL_OFF_FIRST_DATE)
        status, state, after = render()
        assert (status, state) == (200, "miss")
        assert not any(link.endswith(f"/termine/{called_off}/") for link in after)
        assert any(link.endswith(f"/termine/{called_off}/") for link in before)
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)


# --- With REDIS_URL: gunicorn with two workers, pages and counters in Redis ---


@pytest.fixture
def redis_db():
    """An empty Redis database on this machine (emptied again afterwards)."""
    import redis

    for number in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        try:
            if client.dbsize() == 0:
                break
        except redis.ConnectionError:
            pytest.fail("Kein Redis auf 127.0.0.1:6379: die Tests brauchen einen laufenden Redis-Server (.ci/run startet ihn).")
    else:
        pytest.fail("Keine leere Redis-Datenbank auf 127.0.0.1:6379 frei.")
    yield client, f"redis://127.0.0.1:6379/{number}"
    client.flushdb()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proxied:
    """Requests as the reverse proxy passes them on: https, the public host, X-Forwarded-For appended."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, data=None, forwarded_for="198.51.100.10"):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
            self.headers = response.headers  # of the last answer
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, value = cookie.split(";", 1)[0].split("=", 1)
                self.cookies[name] = value
            return response.status, content
        finally:
            connection.close()


@pytest.fixture
def gunicorn_with_redis(site, redis_db):
    env, _ = site
    client, url = redis_db
    env = {
        **env,
        "REDIS_URL": url,
        "MEP_TRUSTED_PROXY_COUNT": "1",
        "MEP_BOOKING_EMAIL_RATE_LIMIT": "1",
    }
    facts = _python(
        env,
        "from portal.plan.models import ChapterPage\n"
        "from portal.workshops.models import WorkshopSession\n"
        "from portal.workshops.schools import available_schools\n"
        "session = next(s for s in WorkshopSession.objects.upcoming().with_seats() if s.booking_state() == 'open')\n"
        "print(json.dumps({'chapter': ChapterPage.objects.get(locale__language_code='de', number='5.3').get_url(), 'session': session.pk,"
        " 'school': available_schools()[0][0]}))",
    )
    with _gunicorn(env) as proxied:
        yield proxied, client, facts


@contextlib.contextmanager
def _gunicorn(env):
    """gunicorn with two workers on a free port, as the reverse proxy reaches it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    proxied = Proxied(port)
    deadline = time.monotonic() + 90
    while True:
        try:
            proxied.request("GET", "/")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn startet nicht: " + server.stderr.read()[-3000:])
            time.sleep(0.3)
    try:
        yield proxied
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_with_redis_url_the_portal_serves_pages_and_keeps_cache_and_counters_in_redis(gunicorn_with_redis):
    proxied, redis, facts = gunicorn_with_redis
    for path in ("/", facts["chapter"], "/workshops/"):
        status, content = proxied.request("GET", path)
        assert status == 200, content[-2000:]
    keys = {key.decode() for key in redis.keys("*")}
    assert any(key.startswith("mep-pages:1:template.cache.\"chapter-article\"") for key in keys), keys
    assert "mep-pages:1:mep:page-cache-generation" in keys
    assert any(key.startswith("mep-pages:1:mep:response:") for key in keys), keys  # whole pages, shared by both workers
    detail = f"/workshops/termine/{facts['session']}/"
    listed_before = [proxied.request("GET", detail)[1] for _ in range(3)]  # from the cache from the second on
    assert len(set(listed_before)) == 1

    form = f"/workshops/termine/{facts['session']}/buchen/"
    status, content = proxied.request("GET", form)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    booking = {
        "csrfmiddlewaretoken": token, "school": facts["school"], "contact_name": "Anna Beispiel",
        "email": f"anna-{uuid.uuid4().hex[:6]}@schule.example", "seats": "1", "privacy": "on",
    }
    # the client wrote 6.6.6.6 itself; the proxy appended the address it saw
    status, content = proxied.request("POST", form, booking, forwarded_for="6.6.6.6, 198.51.100.77")
    assert status != 429 and status < 500, content[-2000:]
    # the seat held for the booking shows at once, whichever worker answers
    assert all(proxied.request("GET", detail)[1] != listed_before[0] for _ in range(3))
    status, content = proxied.request("POST", form, {**booking, "email": booking["email"].upper()}, forwarded_for="198.51.100.78")
    assert status == 429 and "Zu viele Anfragen" in content

    keys = {key.decode() for key in redis.keys("*booking-attempts*")}
    assert ":1:workshops:booking-attempts:address:198.51.100.77" in keys
    assert not any("6.6.6.6" in key for key in keys)
    assert sum(":email:" in key for key in keys) == 1 and sum(":school:" in key for key in keys) == 1


PUBLISH = """
from django_tasks_db.models import DBTaskResult
from portal.plan.models import ChapterPage

page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
page.title = "Wiederbeschaffung und Ersatz"
page.save_revision().publish()  # what the admin's "Veröffentlichen" does
queued = DBTaskResult.objects.filter(task_path="portal.search.tasks.index_documents")
print(json.dumps({"live": ChapterPage.objects.get(pk=page.pk).live, "title": ChapterPage.objects.get(pk=page.pk).title,
                  "queued": [r.args_kwargs["args"][0][0]["key"] for r in queued], "page": page.pk,
                  "tasks": sorted(set(DBTaskResult.objects.values_list("task_path", flat=True)))}))
"""
PDF_TASK = "portal.plan.tasks.build_plan_pdfs_task"

TASKS_AFTER_WORKER = """
from django_tasks_db.models import DBTaskResult

rows = DBTaskResult.objects.filter(task_path="portal.search.tasks.index_documents").order_by("enqueued_at")
print(json.dumps([[r.status, r.return_value if r.status == "SUCCESSFUL" else None, r.args_kwargs["kwargs"],
                   # backed off from its own enqueueing: independent of how long this process took to start
                   (r.run_after - r.enqueued_at).total_seconds() >= 25 if r.status == "READY" else None] for r in rows]))
"""


def test_with_elasticsearch_unreachable_publishing_works_and_search_falls_back(site):
    env, _ = site
    env = {
        **env,
        "ELASTICSEARCH_URL": f"http://127.0.0.1:{_free_port()}",  # nothing listens there
        "MEP_PDF_BUILD_AFTER_PUBLISH": "0",  # the worker below runs the search update, not a PDF build of the plan
    }
    published = _python(env, PUBLISH)
    assert published["live"] and published["title"] == "Wiederbeschaffung und Ersatz"
    assert published["queued"] == [f"page:{published['page']}"]
    assert PDF_TASK not in published["tasks"]

    # The task worker tries, cannot connect, and queues the update again for later, without failing.
    worker = _manage(env, "db_worker", "--batch", "--no-startup-delay")
    assert "retrying in" in worker.stderr
    assert _python(env, TASKS_AFTER_WORKER) == [
        ["SUCCESSFUL", "retrying", {}, None],
        ["READY", None, {"attempt": 2}, True],  # not before its backoff
    ]

    with _gunicorn(env) as proxied:
        status, content = proxied.request("GET", "/suche/?" + urlencode({"q": "Wiederbeschaffung"}))
    assert status == 200, content[-2000:]
    assert "data-search-fallback" in content
    assert "Wiederbeschaffung und Ersatz" in content  # the embedded search answers, with the published title


def test_by_default_a_publish_queues_the_pdf_build_of_the_plan(site):
    env, _ = site
    assert "MEP_PDF_BUILD_AFTER_PUBLISH" not in env
    published = _python(env, PUBLISH)
    assert published["live"] and PDF_TASK in published["tasks"]


ES_SETTINGS = """
from django.conf import settings
from portal.search.backends import elastic
print(json.dumps([elastic.alias_name("de"), settings.ELASTICSEARCH_TIMEOUT, settings.DATABASES["default"]["CONN_MAX_AGE"]]))
"""


def test_the_documented_cache_and_search_settings_take_effect_in_the_running_portal(site):
    env, _ = site
    env = {
        **env,
        "MEP_HTTP_MAX_AGE": "30",
        "MEP_HTTP_S_MAXAGE": "600",
        "MEP_HTTP_STALE_WHILE_REVALIDATE": "120",
        "MEP_PAGE_CACHE_SECONDS": "0",  # whole-page cache off
        "ELASTICSEARCH_INDEX": "stadt",
        "ELASTICSEARCH_TIMEOUT": "5",
        "DB_CONN_MAX_AGE": "30",
    }
    with _gunicorn(env) as proxied:
        for _ in range(2):
            status, _content = proxied.request("GET", "/plan/")
            assert status == 200
            control = {part.strip() for part in proxied.headers["Cache-Control"].split(",")}
            assert {"public", "max-age=30", "s-maxage=600", "stale-while-revalidate=120"} <= control
            assert "X-MEP-Cache" not in proxied.headers  # the whole-page cache is off
    assert _python({**env, "ELASTICSEARCH_URL": f"http://127.0.0.1:{_free_port()}"}, ES_SETTINGS) == ["stadt-de", 5.0, 30]
