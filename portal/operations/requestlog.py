"""One log line per request and per background task, with a request id carried into the tasks it started.

The id comes from the proxy's ``X-Request-ID`` when it is a plain token, else it is made here; it is sent
back in the response header of the same name. A task enqueued while a request is handled remembers the id
(in the shared cache, a day long), and the task's log line carries it. ``LOG_FORMAT=json`` writes JSON lines.

Personal data never reaches these lines: no query strings (a link may carry an address), no form fields,
no e-mail addresses; a message that still holds one is masked by ``PersonalDataFilter``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from django.core.cache import cache
from django.dispatch import receiver
from django_tasks.signals import task_enqueued, task_finished, task_started

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("mep_request_id", default="-")
_task_started: dict[str, float] = {}

logger = logging.getLogger("mep.requests")
task_logger = logging.getLogger("mep.tasks")

_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class RequestLogMiddleware:
    """First in the chain: sets the request id and writes the request's line when the response leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _TOKEN.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        request.request_id = rid
        start = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,  # never the query string
            response.status_code,
            (time.perf_counter() - start) * 1000,
            extra={
                "request_id": rid,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
            },
        )
        return response


def _task_key(task_id) -> str:
    return f"mep:task-request:{task_id}"


@receiver(task_enqueued)
def remember_request(sender, task_result, **kwargs):
    rid = request_id.get()
    if rid != "-":
        try:
            cache.set(_task_key(task_result.id), rid, 60 * 60 * 24)
        except Exception:  # a log id is never worth failing an enqueue for
            pass


@receiver(task_started)
def task_begins(sender, task_result, **kwargs):
    _task_started[str(task_result.id)] = time.perf_counter()


@receiver(task_finished)
def task_line(sender, task_result, **kwargs):
    try:
        rid = cache.get(_task_key(task_result.id)) or request_id.get()
    except Exception:
        rid = request_id.get()
    began = _task_started.pop(str(task_result.id), None)
    duration = round((time.perf_counter() - began) * 1000, 1) if began is not None else None
    status = str(getattr(task_result.status, "value", task_result.status))
    task_logger.info(
        "task %s %s%s",
        task_result.task.module_path,
        status,
        f" {duration}ms" if duration is not None else "",
        extra={
            "request_id": rid,
            "task": task_result.task.module_path,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": duration,
        },
    )


class PersonalDataFilter(logging.Filter):
    """Masks e-mail addresses in any message (a library's message may quote one) and adds the request id."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        message = record.getMessage()
        if "@" in message:
            record.msg, record.args = _EMAIL.sub("[E-Mail]", message), None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the structured fields."""

    FIELDS = ("method", "path", "status", "duration_ms", "task", "task_id")

    def format(self, record):
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        data.update({f: getattr(record, f) for f in self.FIELDS if getattr(record, f, None) is not None})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
