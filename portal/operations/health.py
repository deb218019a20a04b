"""Readiness: can this portal serve readers right now, and is its background work moving?

Required parts (the database and the shared cache) answer 503 when down, so a load balancer takes the
instance out. The others are reported, not required, and make the answer "degraded" (still 200): a stuck
task worker delays mails and regenerations but pages work; with Elasticsearch down the search page falls
back to the embedded index (portal/search/views.py). Monitoring alerts on "degraded".
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone


def _timed(check):
    start = time.perf_counter()
    try:
        result = check() or {}
        result.setdefault("status", "ok")
    except Exception as exc:  # any failure is the answer, named for the operator
        result = {"status": "fail", "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache():
    cache = caches["default"]
    key, value = f"mep:readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("geschriebener Wert nicht wieder lesbar")
    cache.delete(key)
    return {"backend": type(cache).__name__}


def check_tasks():
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if "django_tasks_db" not in backend:
        return {"status": "ok", "backend": backend.rsplit(".", 1)[-1], "note": "ohne Warteschlange (sofort ausgeführt)"}
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    failed = DBTaskResult.objects.failed().filter(finished_at__gte=timezone.now() - timedelta(days=1)).count()
    stuck = age > settings.MEP_READY_MAX_TASK_AGE
    return {
        "status": "stuck" if stuck else "ok",
        "waiting": waiting.count(),
        "oldest_waiting_seconds": round(age, 1),
        "failed_last_day": failed,
    }


def check_search():
    from portal.search.backends.elastic import client

    if not client().ping():
        raise RuntimeError("Elasticsearch antwortet nicht (die Suche nutzt solange den eingebauten Index)")
    return {"backend": "Elasticsearch"}


def readiness() -> tuple[bool, dict]:
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    required = ["database", "cache"]
    if checks["database"]["status"] == "ok":
        checks["tasks"] = _timed(check_tasks)
    else:
        checks["tasks"] = {"status": "unknown", "error": "Datenbank nicht erreichbar"}
    from portal.search.backends import elasticsearch_url

    if elasticsearch_url():
        checks["search"] = _timed(check_search)
    ready = all(checks[name]["status"] == "ok" for name in required)
    healthy = all(check["status"] == "ok" for check in checks.values())
    status = "unavailable" if not ready else "ready" if healthy else "degraded"
    return ready, {"status": status, "required": required, "checks": checks}

