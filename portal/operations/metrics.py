"""Metrics in the Prometheus text format (``/metrics``, for configured addresses or a token only).

django-prometheus counts requests by view and status and their latency (its two middlewares). What lives
in the database — bookings, regenerations and their duration, the task queue — is read at scrape time, so
every gunicorn worker and the task worker report the same numbers without shared memory. The page cache's
hits and misses are counted per process; with ``PROMETHEUS_MULTIPROC_DIR`` set (deploy/mep-web.service)
prometheus-client adds up all workers.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

PAGE_CACHE = Counter("mep_page_cache_requests", "Öffentliche Seiten aus dem Seiten-Cache (hit) oder neu erzeugt (miss)", ["result"])


class PageCacheMetricsMiddleware:
    """Counts the response cache's answer (its X-MEP-Cache header) for each public page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal.response_cache import HIT_HEADER

        response = self.get_response(request)
        result = response.get(HIT_HEADER)
        if result:
            PAGE_CACHE.labels(result=result.lower()).inc()
        return response


class DatabaseCollector:
    """Bookings, regenerations and the task queue, read from the database at each scrape."""

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from portal.figures.models import Regeneration
        from portal.workshops.models import Booking

        try:
            bookings = CounterMetricFamily("mep_bookings", "Buchungen nach Status", labels=["status"])
            for row in Booking.objects.values("status").annotate(n=Count("pk")).order_by():
                bookings.add_metric([row["status"]], row["n"])
            regenerations = CounterMetricFamily("mep_regenerations", "Neuberechnungen nach Status", labels=["status"])
            for row in Regeneration.objects.values("status").annotate(n=Count("pk")).order_by():
                regenerations.add_metric([row["status"]], row["n"])
            last = (
                Regeneration.objects.filter(started__isnull=False, finished__isnull=False)
                .order_by("-finished")
                .values_list("started", "finished")
                .first()
            )
            duration = GaugeMetricFamily(
                "mep_regeneration_last_duration_seconds", "Dauer der letzten abgeschlossenen Neuberechnung"
            )
            duration.add_metric([], (last[1] - last[0]).total_seconds() if last else 0.0)
            waiting = DBTaskResult.objects.ready()
            depth = GaugeMetricFamily("mep_task_queue_depth", "Wartende Hintergrundaufgaben")
            depth.add_metric([], waiting.count())
            oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            age = GaugeMetricFamily("mep_task_oldest_waiting_seconds", "Alter der ältesten wartenden Aufgabe")
            age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
            failed = GaugeMetricFamily("mep_tasks_failed_last_day", "Fehlgeschlagene Aufgaben der letzten 24 Stunden")
            failed.add_metric([], DBTaskResult.objects.failed().filter(finished_at__gte=timezone.now() - timedelta(days=1)).count())
        except DatabaseError:
            return  # /readyz says why; metrics simply have no database part then
        yield from (bookings, regenerations, duration, depth, age, failed)


def exposition() -> bytes:
    """The whole text exposition: the process's (or all workers') metrics plus the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return text + generate_latest(database)
