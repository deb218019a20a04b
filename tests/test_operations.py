"""Operating the portal (issue 18): /readyz, /metrics, one log line per request and task."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from portal.operations.requestlog import JsonFormatter, PersonalDataFilter, request_id
from portal.plan.models import ChapterPage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_readyz_reports_every_part_and_is_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ready"
    assert report["required"] == ["database", "cache"]
    assert {name: check["status"] for name, check in report["checks"].items()} == {
        "database": "ok", "cache": "ok", "tasks": "ok",
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@override_settings(TASKS=DB_TASKS, MEP_READY_MAX_TASK_AGE=600)
def test_readyz_says_degraded_when_a_task_waits_too_long_and_counts_failures(client):
    from django_tasks_db.models import DBTaskResult

    old = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="portal.workshops.tasks.workshop_housekeeping",
        backend_name="default", run_after=timezone.now() - timedelta(hours=1),
    )
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=timezone.now() - timedelta(minutes=30))
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default", status="FAILED",
        run_after=timezone.now(), finished_at=timezone.now() - timedelta(hours=2),
    )
    response = client.get("/readyz")
    assert response.status_code == 200  # pages still work: not a reason to leave the load balancer
    report = response.json()
    assert report["status"] == "degraded"
    tasks = report["checks"]["tasks"]
    assert tasks["status"] == "stuck"
    assert tasks["waiting"] == 1 and tasks["failed_last_day"] == 1
    assert tasks["oldest_waiting_seconds"] >= 30 * 60


def _task_result(status, finished_days_ago=None):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="portal.workshops.tasks.workshop_housekeeping",
        backend_name="default", run_after=now, status=status, finished_at=finished,
    )


@override_settings(TASKS=DB_TASKS, MEP_TASK_RESULTS_KEEP_DAYS=14)
def test_the_clock_publishes_scheduled_pages_runs_housekeeping_and_prunes_old_task_results():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from portal.workshops.models import HousekeepingRun

    chapter = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    chapter.title = "Finanzen, neu gefasst"
    chapter.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    old_ok, old_failed = _task_result("SUCCESSFUL", 20), _task_result("FAILED", 15)
    recent, waiting = _task_result("SUCCESSFUL", 2), _task_result("READY")
    runs = HousekeepingRun.objects.count()

    call_command("run_periodic", "--once", stdout=io.StringIO())

    assert ChapterPage.objects.get(pk=chapter.pk).title == "Finanzen, neu gefasst"
    assert HousekeepingRun.objects.count() == runs + 1
    kept = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert recent.pk in kept and waiting.pk in kept
    assert old_ok.pk not in kept and old_failed.pk not in kept


def test_the_clock_leaves_task_results_alone_without_a_task_queue():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    old = _task_result("SUCCESSFUL", 400)
    call_command("run_periodic", "--once", stdout=io.StringIO())
    call_command("prune_task_results")
    assert DBTaskResult.objects.filter(pk=old.pk).exists()


@override_settings(TASKS=DB_TASKS, MEP_TASK_RESULTS_KEEP_DAYS=30)
def test_the_daily_units_prune_command_keeps_what_is_younger_than_the_setting():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    younger, older = _task_result("SUCCESSFUL", 29), _task_result("FAILED", 31)
    assert DBTaskResult.objects.filter(pk=older.pk).exists()
    call_command("prune_task_results")
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [younger.pk]
    assert "manage.py prune_task_results" in (ROOT / "deploy" / "mep-daily.service").read_text(encoding="utf-8")


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_TIMEOUT=1)
def test_readyz_with_elasticsearch_unreachable_is_degraded_not_down(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["checks"]["search"]["status"] == "fail"
    assert "eingebauten Index" in report["checks"]["search"]["error"]


def test_readyz_answers_503_when_the_database_is_gone():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/gone"})
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz')\n"
        "print(json.dumps([r.status_code, r.json()]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    status, report = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert report["status"] == "unavailable"
    assert report["checks"]["database"]["status"] == "fail"
    assert report["checks"]["tasks"]["status"] == "unknown"


# -- metrics -------------------------------------------------------------------------------------


def test_metrics_refuse_an_unknown_address(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 403
    assert "MEP_METRICS_ALLOWED_IPS" in response.content.decode()


@override_settings(MEP_METRICS_TOKEN="s3cret-token-for-prometheus")
def test_metrics_with_the_token_from_anywhere_and_not_with_a_wrong_one(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@override_settings(MEP_METRICS_ALLOWED_IPS=["10.0.0.0/8"])
def test_metrics_allow_a_configured_network(client):
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def _samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def test_metrics_count_requests_bookings_regenerations_cache_and_queue(client, published):
    from portal.workshops.models import Booking, Workshop, WorkshopSession

    workshop = Workshop.objects.create(slug="m", title="Metriken", description="x")
    session = WorkshopSession.objects.create(
        workshop=workshop, start=timezone.now() + timedelta(days=3), end=timezone.now() + timedelta(days=3, hours=2), capacity=10
    )
    Booking.objects.create(session=session, school_id="1", school_name="S", seats=2, status="confirmed")
    page = ChapterPage.objects.get(locale__language_code="de", number="5.3")
    client.get(page.url)
    client.get(page.url)  # the second from the page cache
    samples = _samples(client.get("/metrics").content.decode())
    assert samples['mep_bookings_total{status="confirmed"}'] == 1
    assert samples['mep_regenerations_total{status="succeeded"}'] >= 1
    assert samples["mep_task_queue_depth"] == 0
    assert samples['mep_page_cache_requests_total{result="hit"}'] >= 1
    assert samples['mep_page_cache_requests_total{result="miss"}'] >= 1
    by_view = [k for k in samples if k.startswith("django_http_requests_total_by_view_transport_method_total")]
    assert by_view
    assert any(k.startswith("django_http_requests_latency_seconds_by_view_method_bucket") for k in samples)
    assert any(k.startswith("django_http_responses_total_by_status_total") for k in samples)


# -- logs ----------------------------------------------------------------------------------------


def test_one_line_per_request_with_a_request_id_and_no_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="mep.requests")
    response = client.get("/healthz?email=lehrkraft@example.org")
    lines = [r for r in caplog.records if r.name == "mep.requests"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("GET /healthz 200 ")
    assert "example.org" not in lines[0].getMessage()
    assert lines[0].request_id == response["X-Request-ID"]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-proxy").get("X-Request-ID") == "abc12345-proxy"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>").get("X-Request-ID") != "<script>"


def test_a_task_started_by_a_request_logs_that_requests_id(caplog):
    from portal.workshops.tasks import workshop_housekeeping

    caplog.set_level(logging.INFO, logger="mep.tasks")
    token = request_id.set("req-4711-abcdef")
    try:
        workshop_housekeeping.enqueue(0)  # no such run: the task returns at once
    finally:
        request_id.reset(token)
    lines = [r for r in caplog.records if r.name == "mep.tasks"]
    assert len(lines) == 1
    assert lines[0].request_id == "req-4711-abcdef"
    assert "portal.workshops.tasks.workshop_housekeeping" in lines[0].getMessage()


def test_json_lines_and_no_email_addresses_in_any_line():
    record = logging.LogRecord("mep.requests", logging.INFO, __file__, 1, "Mail an %s ging raus", ("a.b@example.org",), None)
    record.path, record.status = "/workshops/", 200
    assert PersonalDataFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Mail an [E-Mail] ging raus"
    assert line["path"] == "/workshops/" and line["status"] == 200
    assert line["request_id"] == "-" and line["level"] == "INFO"


def test_log_format_json_is_the_documented_setting():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.test", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz', HTTP_X_REQUEST_ID='json-line-1234')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    request = [line for line in lines if line["logger"] == "mep.requests"]
    assert request and request[0]["request_id"] == "json-line-1234" and request[0]["path"] == "/healthz"


def test_the_documented_operations_settings_take_effect_in_a_started_portal(tmp_path, tmp_path_factory, django_db_blocker):
    """MEP_METRICS_ALLOWED_IPS, MEP_METRICS_TOKEN, MEP_READY_MAX_TASK_AGE, MEP_TASK_RESULTS_KEEP_DAYS, MEP_TASK_QUEUE and LOG_LEVEL
    from the environment."""
    from tests.databases import database_copy_url

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "MEP_METRICS_ALLOWED_IPS": "10.0.0.0/8",
            "MEP_METRICS_TOKEN": "documented-token-123",
            "MEP_READY_MAX_TASK_AGE": "5",
            "MEP_TASK_RESULTS_KEEP_DAYS": "3",
            "MEP_TASK_QUEUE": "database",
            "LOG_LEVEL": "INFO",
        }
    )
    code = (
        "import django, json, time; django.setup()\n"
        "from django.test import Client\n"
        "from portal.workshops.tasks import workshop_housekeeping\n"
        "c = Client()\n"
        "workshop_housekeeping.enqueue(0)  # waits in the database: no worker runs\n"
        "time.sleep(6)\n"
        "answers = [c.get('/metrics', REMOTE_ADDR='10.1.2.3').status_code,\n"
        "  c.get('/metrics', REMOTE_ADDR='127.0.0.1').status_code,\n"
        "  c.get('/metrics', REMOTE_ADDR='198.51.100.1', HTTP_AUTHORIZATION='Bearer documented-token-123').status_code,\n"
        "  c.get('/readyz').json()['checks']['tasks']]\n"
        "from datetime import timedelta\n"
        "from django.core.management import call_command\n"
        "from django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "for days in (4, 2):\n"
        "    DBTaskResult.objects.create(args_kwargs={'args': [], 'kwargs': {}}, task_path='x.y', backend_name='default',\n"
        "        run_after=timezone.now(), status='SUCCESSFUL', finished_at=timezone.now() - timedelta(days=days))\n"
        "call_command('run_periodic', '--once')\n"
        "answers.append(sorted((timezone.now() - r.finished_at).days for r in DBTaskResult.objects.exclude(finished_at=None)))\n"
        "print(json.dumps(answers))\n"
    )
    with database_copy_url(tmp_path, tmp_path_factory, django_db_blocker, "ops") as url:
        env["DATABASE_URL"] = url
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    network, loopback, token, tasks, finished_days = json.loads(result.stdout.strip().splitlines()[-1])
    assert (network, loopback, token) == (200, 403, 200)
    assert tasks["status"] == "stuck" and tasks["waiting"] == 1
    assert finished_days == [2]  # MEP_TASK_RESULTS_KEEP_DAYS=3: the four-day-old result is gone
    assert "GET /metrics 403" in result.stderr  # LOG_LEVEL=INFO: the request lines are written
