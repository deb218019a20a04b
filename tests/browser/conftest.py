"""Real-browser tests: a portal served by a separate process, Debian's chromium, axe-core from a package.

The portal runs as its own server process on a database of its own (a fresh
SQLite file, or a fresh PostgreSQL database when DATABASE_URL points at one),
so the browser sees what a reader sees and the Django test database is left alone.
"""

import json
import os
import select
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.databases import copy_template, shared_folder

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp: Path, shared: Path):
    """A copy of the run's test database for the server process, and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"mep_browser_{uuid.uuid4().hex[:8]}"
        assert copy_template(shared, pg_name=name)
        admin_url = url.rsplit("/", 1)[0] + "/postgres"

        def drop():
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return url.rsplit("/", 1)[0] + f"/{name}", drop
    assert copy_template(shared, sqlite_target=tmp / "browser.sqlite3")
    return f"sqlite:///{tmp / 'browser.sqlite3'}", lambda: None


@pytest.fixture(scope="session")
def portal_env(tmp_path_factory, django_db_setup, django_db_blocker):
    tmp = tmp_path_factory.mktemp("portal")
    with django_db_blocker.unblock():
        database_url, drop = _database_url(tmp, shared_folder(tmp_path_factory))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url,
        "MEP_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        # The server writes every email it sends into this folder (file-based backend).
        "MEP_TEST_EMAIL_DIR": str(tmp / "mail"),
        # caches in files shared by the server and the setup process (portal/settings/test.py)
        "MEP_TEST_CACHE_DIR": str(tmp / "cache"),
    }
    yield env
    _close_shell(env)
    drop()


LOAD_DEMO = """
from django.core.management import call_command
call_command("load_demo_data")
call_command("load_workshops")
"""


# One Django process per portal runs every ``manage.py shell -c`` snippet of the tests, one after another:
# starting Django costs seconds of CPU, and the browser tests set up a dozen dates and accounts.
SHELL = r"""
import contextlib, io, json, sys, traceback
import django
django.setup()
from django.db import connections
for line in sys.stdin:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(json.loads(line), "<shell -c>", "exec"), {"__name__": "__main__"})
        error = None
    except BaseException:
        error = traceback.format_exc()
    finally:
        connections.close_all()
    sys.__stdout__.write(json.dumps({"stdout": out.getvalue(), "error": error}) + "\n")
    sys.__stdout__.flush()
"""
_shells: dict[str, subprocess.Popen] = {}


def _shell(env) -> subprocess.Popen:
    key = env["DATABASE_URL"]
    if key not in _shells or _shells[key].poll() is not None:
        log = open(Path(env["MEP_VAR_DIR"]).parent / "shell.log", "a")  # open as long as the process runs
        _shells[key] = subprocess.Popen(
            [sys.executable, "-c", SHELL], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log, text=True,
        )
    return _shells[key]


def _close_shell(env) -> None:
    shell = _shells.pop(env["DATABASE_URL"], None)
    if shell is not None:
        shell.stdin.close()
        shell.wait(timeout=30)


def manage(env, *args, timeout=300, **kwargs):
    """``manage.py <args>`` against the portal's database; ``shell -c CODE`` runs in the portal's shell process."""
    if args[0] == "shell" and "-c" in args and not kwargs:
        code = args[args.index("-c") + 1]
        shell = _shell(env)
        shell.stdin.write(json.dumps(code) + "\n")
        shell.stdin.flush()
        if not select.select([shell.stdout], [], [], timeout)[0]:
            shell.kill()
            raise subprocess.TimeoutExpired(["manage.py", *args], timeout)
        line = shell.stdout.readline()
        if not line:
            log = (Path(env["MEP_VAR_DIR"]).parent / "shell.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError("Django-Shell beendet: " + log[-3000:])
        answer = json.loads(line)
        if answer["error"]:
            raise subprocess.CalledProcessError(1, ["manage.py", *args], answer["stdout"], answer["error"])
        return subprocess.CompletedProcess(["manage.py", *args], 0, answer["stdout"], "")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        timeout=timeout, **kwargs,
    )


@pytest.fixture(scope="session")
def live_portal(portal_env):
    """Base URL of a running portal with the content pack loaded and the demo figures published."""
    # The copied test database is migrated and has the content pack; one process loads the rest.
    manage(portal_env, "shell", "--no-imports", "-c", LOAD_DEMO, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT, env=portal_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("Portal-Server startet nicht: " + server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} fehlt: Debians chromium installieren (make browser).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
