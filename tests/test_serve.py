"""`make serve`'s process set (the Procfile under honcho): web, task worker and clock start, get ready,
carry a regeneration and a booking's mail through the worker, and stop cleanly."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.databases import copy_template, shared_folder

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("production-site")

ENQUEUE = """
import django, json; django.setup()
from portal.figures.models import Cycle, DataSetVersion
from portal.figures.services import enqueue_regeneration
from portal.workshops.booking import BookingRequest, book
from portal.workshops.models import WorkshopSession
version = DataSetVersion.objects.filter(cycle__slug="2025-2026", status=DataSetVersion.VALIDATED).latest("pk")
regeneration = enqueue_regeneration(version)
session = WorkshopSession.objects.order_by("start").first()
booking = book(session.pk, BookingRequest("123456", "Beispielschule", "Frau Muster", "lehrkraft@example.org", 1))
print(json.dumps([regeneration.pk, regeneration.status, booking.pk]))
"""

STATE = """
import django, json; django.setup()
from django_tasks_db.models import DBTaskResult
from portal.figures.models import Regeneration
print(json.dumps({"tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)), "regeneration": Regeneration.objects.get(pk=%d).status}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python(env, code):
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def served(tmp_path, tmp_path_factory, django_db_setup, django_db_blocker):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "MEP_VAR_DIR": str(tmp_path / "var"),
            "MEP_TEST_EMAIL_DIR": str(tmp_path / "mail"),
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        }
    )
    name = None
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            assert copy_template(shared_folder(tmp_path_factory), sqlite_target=tmp_path / "serve.sqlite3")
            env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
        else:
            name = f"mep_serve_{os.getpid()}"
            assert copy_template(shared_folder(tmp_path_factory), pg_name=name)
            db = connection.settings_dict
            env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    prepare = "import django; django.setup()\nfrom django.core.management import call_command\ncall_command('load_demo_data', verbosity=0)\ncall_command('load_workshops', verbosity=0)\nprint(1)"
    _python(env, prepare)  # demo figures published inline, before the queue is switched on
    port = _free_port()
    served_env = {**env, "MEP_TASK_QUEUE": "database", "PORT": str(port)}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "start", "-f", "Procfile"],
        cwd=ROOT, env=served_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        yield process, served_env, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if name:
            with django_db_blocker.unblock(), connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def _readyz(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
        return response.status, json.loads(response.read())


def test_make_serve_starts_every_process_works_through_the_worker_and_stops_cleanly(served):
    process, env, port = served
    deadline = time.monotonic() + 180
    report = None
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()[-3000:]
        try:
            status, report = _readyz(port)
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(1)
    assert report is not None and report["status"] == "ready", report
    assert report["checks"]["tasks"]["waiting"] == 0

    regeneration, status, _booking = _python(env, ENQUEUE)
    assert status != "succeeded"  # not run in the web process: it waits for the worker
    state = None
    while time.monotonic() < deadline + 120:
        state = _python(env, STATE % regeneration)
        if state["tasks"] and all(s in ("SUCCESSFUL", "FAILED") for s in state["tasks"]):
            break
        time.sleep(1)
    assert state["regeneration"] == "succeeded", state
    assert state["tasks"] and set(state["tasks"]) == {"SUCCESSFUL"}, state  # the regeneration and the booking mail
    mails = list((Path(env["MEP_TEST_EMAIL_DIR"])).glob("*.log"))
    assert mails and "Beispielschule" in "".join(m.read_text(encoding="utf-8", errors="replace") for m in mails)

    process.send_signal(signal.SIGTERM)  # as systemd or a terminal stops the set
    output, _ = process.communicate(timeout=60)
    assert process.returncode in (0, 128 + signal.SIGTERM), output[-3000:]  # honcho: "stopped by SIGTERM"
    for name in ("web", "worker", "clock"):
        assert f"{name}.1 stopped" in output, output[-3000:]
    assert "shutting down gracefully" in output  # the worker took the SIGTERM as a request to stop
    assert "Zeitsteuerung beendet." in output  # so did the clock
